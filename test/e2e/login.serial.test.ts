// Login on demand (get/env/export-credentials --login, SSOHELPER_LOGIN=1): many processes find
// the session expired at once, exactly one login runs, and all of them return credentials.
// Serial: it starts 20 processes at once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { beforeEach, test } from 'node:test';
import { type ScriptedBrowser, scriptedBrowser } from '../helpers/browser.ts';
import { seedToken } from '../helpers/home.ts';
import { BIN, collect, describe, run, type RunResult } from '../helpers/run.ts';
import { useEmulator } from '../helpers/fixture.ts';
import { callerIdentity } from '../helpers/sts.ts';

const fx = useEmulator();
let browser: ScriptedBrowser;

beforeEach(async () => {
  browser = scriptedBrowser(fx.home.dir);
  fx.env = { ...fx.env, ...browser.env() };
  // Expired and not refreshable: only a new login helps.
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: -60, refreshable: false }));
  fx.emu.resetCounters();
});

/**
 * As credential_process runs it: stdout and stderr are pipes, stdin is not ours to read, and
 * (detached) there is no controlling terminal.
 */
function credentialProcess(args: string[], extra: Record<string, string> = {}): Promise<RunResult> {
  return collect(spawn(BIN, args, { env: { ...fx.env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
}

test('20 simultaneous `get --login` with an expired session: one login, one fetch, 20 answers', async () => {
  const results = await Promise.all(Array.from({ length: 20 }, () => credentialProcess(['get', 'dev', '--login'])));
  const docs = results.map((r) => {
    assert.equal(r.code, 0, describe(r));
    return JSON.parse(r.stdout) as {
      Version: number;
      AccessKeyId: string;
      SecretAccessKey: string;
      SessionToken: string;
    };
  });
  assert.equal(new Set(docs.map((d) => d.AccessKeyId)).size, 1);
  assert.equal(browser.opened().length, 1, 'one browser tab');
  assert.equal(fx.emu.counters.Authorize, 1);
  assert.equal(fx.emu.counters.RegisterClient, 1);
  assert.equal(fx.emu.counters['CreateToken:authorization_code'], 1);
  assert.equal(fx.emu.counters.GetRoleCredentials, 1);
  // Exactly one process reports the login; the others just waited for it.
  assert.equal(results.filter((r) => /needs a new login/.test(r.stderr)).length, 1);
  assert.equal((await callerIdentity(fx.emu.url, docs[0] as (typeof docs)[0])).Account, '111111111111');
});

test('without --login: exit 4 at once with the exact command, and no login is attempted', async () => {
  const r = await run(['get', 'dev'], fx.env);
  assert.equal(r.code, 4, describe(r));
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /expired .* ago and cannot be refreshed\n {2}run: ssohelper login --sso-session corp {3}\(or: aws sso login --sso-session corp\)\n$/,
  );
  assert.deepEqual(browser.opened(), []);
  assert.equal(fx.emu.counters.Authorize + fx.emu.counters.RegisterClient + fx.emu.counters.CreateToken, 0);
});

test('SSOHELPER_LOGIN=1 does the same for env and export-credentials; stdout holds only the product', async () => {
  const [sh, json] = await Promise.all([
    credentialProcess(['env', 'dev'], { SSOHELPER_LOGIN: '1' }),
    credentialProcess(['export-credentials', '--profile', 'dev'], { SSOHELPER_LOGIN: '1' }),
  ]);
  assert.equal(sh.code, 0, describe(sh));
  assert.equal(json.code, 0, describe(json));
  assert.match(
    sh.stdout,
    /^export AWS_ACCESS_KEY_ID=ASIA\w+\nexport AWS_SECRET_ACCESS_KEY=\S+\nexport AWS_SESSION_TOKEN=\S+\nexport AWS_CREDENTIAL_EXPIRATION=\S+\nexport AWS_REGION=eu-central-1\nexport AWS_DEFAULT_REGION=eu-central-1\nexport SSOHELPER_PROFILE=\w+\n$/,
  );
  assert.equal(JSON.parse(json.stdout).Version, 1);
  assert.equal(fx.emu.counters['CreateToken:authorization_code'], 1);
});

test('a failed login on demand fails the call with its own exit code and nothing on stdout', async () => {
  fx.emu.setKnobs({ denyAuthorization: true });
  const r = await credentialProcess(['get', 'dev', '--login']);
  assert.equal(r.code, 5, describe(r));
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /the sign-in was denied in the browser/);
});
