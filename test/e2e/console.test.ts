// `console`: a sign-in token from the (emulated) federation endpoint for the role credentials,
// the login URL printed or handed to the browser, and never shown by --debug.
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe as suite, test } from 'node:test';
import { useEmulator } from '../helpers/fixture.ts';
import { seedRole, seedToken } from '../helpers/home.ts';
import { describe, expectFailure, run } from '../helpers/run.ts';
import { tempDir } from '../helpers/temp.ts';

const fx = useEmulator({ assign: [['111111111111', 'ReadOnly']] });
const CONSOLE_HOME = 'https://eu-central-1.console.aws.amazon.com/console/home?region=eu-central-1';

async function login() {
  return seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
}

function env(extra: Record<string, string> = {}) {
  return { ...fx.env, AWS_ENDPOINT_URL_SIGNIN: fx.emu.url, ...extra };
}

/** Opens the login URL as a browser would, without following the redirect. */
function open(url: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location });
    })
      .on('error', reject)
      .end();
  });
}

suite('console', () => {
  test("--print: the login URL for the profile's region, a warning that it is a secret; the emulator signs it in once", async () => {
    await login();
    const r = await run(['console', 'dev', '--print'], env());
    assert.equal(r.code, 0, describe(r));
    const url = r.stdout.trim();
    assert.ok(
      url.startsWith(
        `${fx.emu.url}/federation?Action=login&Destination=${encodeURIComponent(CONSOLE_HOME)}&SigninToken=`,
      ),
      url,
    );
    assert.match(
      r.stderr,
      /warning: this URL signs whoever opens it in to the console as profile "dev", for the next 15 minutes/,
    );
    assert.equal(fx.emu.counters.GetSigninToken, 1);
    assert.deepEqual(await open(url), { status: 302, location: CONSOLE_HOME });
    assert.equal((await open(url)).status, 403, 'a sign-in token works once');
  });

  test('--destination as a path or a URL; a bad one is a usage error', async () => {
    await login();
    const path = await run(['console', 'dev', '--print', '--destination', '/s3/home?region=eu-central-1'], env());
    assert.equal(
      (await open(path.stdout.trim())).location,
      'https://eu-central-1.console.aws.amazon.com/s3/home?region=eu-central-1',
    );
    const full = await run(
      ['console', 'dev', '--print', '--destination', 'https://console.aws.amazon.com/ec2/home'],
      env(),
    );
    assert.equal((await open(full.stdout.trim())).location, 'https://console.aws.amazon.com/ec2/home');
    expectFailure(
      await run(['console', 'dev', '--print', '--destination', 'javascript:alert(1)'], env()),
      2,
      /--destination "javascript:alert\(1\)" is neither/,
    );
  });

  test('opens the browser named by BROWSER, printing nothing on stdout', async () => {
    await login();
    const dir = tempDir('ssohelper-console-');
    try {
      const opener = join(dir, 'browser');
      const seen = join(dir, 'seen');
      writeFileSync(opener, `#!/bin/sh\nprintf '%s' "$1" > '${seen}'\n`);
      chmodSync(opener, 0o755);
      const r = await run(['console', 'dev'], env({ BROWSER: opener }));
      assert.equal(r.code, 0, describe(r));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /opened the AWS console as profile "dev"/);
      assert.doesNotMatch(r.stderr, /SigninToken/);
      assert.equal((await open(readFileSync(seen, 'utf8'))).location, CONSOLE_HOME);
      const none = await run(['console', 'dev'], env({ BROWSER: join(dir, 'missing') }));
      expectFailure(none, 3, /could not open a browser for the console[^\n]*\n {2}run: ssohelper console dev --print/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--debug never shows the sign-in URL, the token or the session credentials', async () => {
    await login();
    const r = await run(['console', 'dev', '--print', '--debug'], env());
    assert.equal(r.code, 0, describe(r));
    const token = decodeURIComponent(new URL(r.stdout.trim()).searchParams.get('SigninToken') ?? '');
    assert.ok(token.length > 20);
    assert.equal(r.stderr.includes(token), false, 'sign-in token in debug output');
    assert.doesNotMatch(r.stderr, /SigninToken=|Session=|sessionKey|sessionToken/);
    const cached = await run(['get', 'dev'], fx.env);
    const creds = JSON.parse(cached.stdout) as { SecretAccessKey: string; SessionToken: string };
    assert.equal(r.stderr.includes(creds.SecretAccessKey), false);
    assert.equal(r.stderr.includes(creds.SessionToken.slice(20, 60)), false);
    assert.match(r.stderr, /getSigninToken: HTTP 200/);
  });

  test('credentials the federation endpoint does not accept: exit 5 with the fix', async () => {
    await login();
    await seedRole(fx.home, '111111111111', 'ReadOnly', {
      accessKeyId: 'ASIAFORGED',
      secretAccessKey: 'forged',
      sessionToken: 'forged',
      expiration: new Date(Date.now() + 3_600_000),
    });
    expectFailure(
      await run(['console', 'dev', '--print'], env()),
      5,
      /the sign-in endpoint 127\.0\.0\.1:\d+ refused the role credentials \(HTTP 403\)\n {2}try again with --refresh/,
    );
    assert.equal((await run(['console', 'dev', '--print', '--refresh'], env())).code, 0);
  });

  test('no login: exit 4 before any request to the federation endpoint', async () => {
    expectFailure(await run(['console', 'dev', '--print'], env()), 4, /ssohelper login --sso-session corp/);
    assert.equal(fx.emu.counters.GetSigninToken ?? 0, 0);
  });
});
