// `ssohelper login`, through the built executable against the emulator: the browser flow with a
// scripted BROWSER, the device flow approved through the emulator, the choice between them, the
// caches it writes (byte layout of the AWS CLI), and every way a login can fail.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe as suite, test } from 'node:test';
import { registrationCachePath } from '../../src/cache/registration.ts';
import { type ScriptedBrowser, scriptedBrowser } from '../helpers/browser.ts';
import { makeHome, SESSION, SSO_REGION, START_URL, seedToken, tokenFile } from '../helpers/home.ts';
import { BIN, cleanEnv, collect, describe, run, type RunResult } from '../helpers/run.ts';
import { useEmulator } from '../helpers/fixture.ts';
import { callerIdentity } from '../helpers/sts.ts';

const fx = useEmulator();
let browser: ScriptedBrowser;

beforeEach(() => {
  browser = scriptedBrowser(fx.home.dir);
});

const TOKEN_LAYOUT =
  /^\{"startUrl": "https:\/\/corp\.awsapps\.com\/start", "region": "eu-west-1", "accessToken": "[^"]+", "expiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "clientId": "[^"]+", "clientSecret": "[^"]+", "registrationExpiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "refreshToken": "[^"]+"\}$/;

function registrationFile(sessionName: string | null, scopes: string[] | null): string {
  return registrationCachePath(fx.home.ssoCacheDir, {
    startUrl: START_URL,
    ssoRegion: SSO_REGION,
    scopes,
    sessionName,
  });
}

function ok(r: RunResult): RunResult {
  assert.equal(r.code, 0, describe(r));
  assert.equal(r.stdout, '', 'login prints nothing on stdout');
  return r;
}

function fails(r: RunResult, code: number, message: RegExp): void {
  assert.equal(r.code, code, describe(r));
  assert.equal(r.stdout, '');
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace without --debug');
}

/** Starts a login and returns the child plus a promise of its result. */
function start(
  args: string[],
  extra: Record<string, string> = {},
): { child: ChildProcess; done: Promise<RunResult>; stderr(): string } {
  const child = spawn(BIN, args, { env: { ...fx.env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
  return { child, done: collect(child), stderr: () => err };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

async function approveNextDevice(): Promise<string> {
  const device = await fx.emu.nextDeviceAuthorization();
  fx.emu.approveDevice(device.userCode);
  return device.userCode;
}

suite('browser sign-in (authorization code with PKCE)', () => {
  test('a scripted BROWSER completes the login; caches are written as the AWS CLI writes them', async () => {
    const r = ok(await run(['login', '--sso-session', SESSION], { ...fx.env, ...browser.env() }));
    assert.match(
      r.stderr,
      /logged in to https:\/\/corp\.awsapps\.com\/start \(sso-session corp\); the token is valid for 1h 00m and is renewed automatically/,
    );

    const [url] = browser.opened();
    assert.equal(browser.opened().length, 1);
    const u = new URL(url as string);
    assert.equal(`${u.origin}${u.pathname}`, `${fx.emu.url}/authorize`);
    assert.deepEqual(
      [...u.searchParams.keys()],
      ['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge_method', 'scopes', 'code_challenge'],
    );
    assert.match(u.searchParams.get('redirect_uri') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    assert.equal(u.searchParams.get('scopes'), 'sso:account:access');
    assert.match(u.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);

    const token = readFileSync(tokenFile(fx.home), 'utf8');
    assert.match(token, TOKEN_LAYOUT);
    assert.equal(statSync(tokenFile(fx.home)).mode & 0o777, 0o600);
    // The config's sso_registration_scopes = sso:account:access is part of the key, as in the CLI.
    const reg = readFileSync(registrationFile(SESSION, ['sso:account:access']), 'utf8');
    assert.match(
      reg,
      /^\{"clientId": "[^"]+", "clientSecret": "[^"]+", "expiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "scopes": \["sso:account:access"\], "grantTypes": \["authorization_code", "refresh_token"\]\}$/,
    );
    assert.equal(JSON.parse(token).clientId, JSON.parse(reg).clientId);
    assert.equal(fx.emu.counters.RegisterClient, 1);
    assert.equal(fx.emu.counters['CreateToken:authorization_code'], 1);

    const doc = JSON.parse((await run(['get', 'dev'], fx.env)).stdout);
    assert.equal((await callerIdentity(fx.emu.url, doc)).Account, '111111111111');

    // A second login reuses the registration.
    ok(await run(['login', '--profile', 'dev'], { ...fx.env, ...browser.env() }));
    assert.equal(fx.emu.counters.RegisterClient, 1);
    assert.equal(fx.emu.counters['CreateToken:authorization_code'], 2);
    assert.notEqual(JSON.parse(readFileSync(tokenFile(fx.home), 'utf8')).accessToken, JSON.parse(token).accessToken);
  });

  test('a registration is reused while it fits; replaced when of the wrong kind or about to expire', async () => {
    const path = registrationFile(SESSION, ['sso:account:access']);
    const login = (...flags: string[]) =>
      run(['login', '--sso-session', SESSION, ...flags], { ...fx.env, ...browser.env() });
    ok(await login('--use-device-code'));
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).grantTypes, undefined);
    ok(await login());
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')).grantTypes, ['authorization_code', 'refresh_token']);
    ok(await login());
    assert.equal(fx.emu.counters.RegisterClient, 2, 'device, then PKCE; the second PKCE login reuses it');
    const soon = JSON.parse(readFileSync(path, 'utf8'));
    soon.expiresAt = new Date(Date.now() + 10 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    writeFileSync(path, JSON.stringify(soon));
    ok(await login());
    assert.equal(fx.emu.counters.RegisterClient, 3, 'expiring within 15 minutes');
    ok(await login('--use-device-code'));
    assert.equal(fx.emu.counters.RegisterClient, 4, 'a PKCE registration does not serve the device flow');
  });

  test('--no-browser on a desktop prints the URL and does not run BROWSER', async () => {
    const login = start(['login', '--sso-session', SESSION, '--no-browser'], { ...browser.env(), DISPLAY: ':0' });
    await until(() => /\/authorize\?\S+/.test(login.stderr()));
    const url = /(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/.exec(login.stderr())?.[1] as string;
    const redirect = await fetch(url, { redirect: 'manual' });
    const back = await fetch(redirect.headers.get('location') as string);
    assert.match(await back.text(), /Signed in/);
    ok(await login.done);
    assert.deepEqual(browser.opened(), []);
    assert.match(readFileSync(tokenFile(fx.home), 'utf8'), TOKEN_LAYOUT);
  });

  test('a BROWSER that cannot be started is reported, and the printed URL still works', async () => {
    const login = start(['login', '--sso-session', SESSION], { BROWSER: join(fx.home.dir, 'no-such-browser') });
    await until(() => /could not open a browser; open the URL above yourself/.test(login.stderr()));
    const url = /(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/.exec(login.stderr())?.[1] as string;
    const redirect = await fetch(url, { redirect: 'manual' });
    await fetch(redirect.headers.get('location') as string);
    ok(await login.done);
  });

  test('a second `ssohelper login` queues behind one in progress instead of opening another tab', async () => {
    const first = start(['login', '--sso-session', SESSION], browser.env('ignore'));
    await until(() => /Waiting for the browser sign-in/.test(first.stderr()));
    const second = start(['login', '--profile', 'dev'], browser.env('ignore'));
    await until(() =>
      /another ssohelper process is logging in to sso-session "corp"; waiting for it/.test(second.stderr()),
    );
    const url = /(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/.exec(first.stderr())?.[1] as string;
    const redirect = await fetch(url, { redirect: 'manual' });
    await fetch(redirect.headers.get('location') as string);
    ok(await first.done);
    const r = ok(await second.done);
    assert.match(r.stderr, /logged in by the other process; nothing more to do/);
    assert.equal(browser.opened().length, 1);
    assert.equal(fx.emu.counters.Authorize, 1);
  });

  test('a callback with the wrong state fails cleanly and saves nothing', async () => {
    fails(
      await run(['login', '--sso-session', SESSION], { ...fx.env, ...browser.env('wrong-state') }),
      4,
      /does not belong to this login \(state mismatch\); nothing was saved/,
    );
    assert.equal(existsSync(tokenFile(fx.home)), false);
    assert.equal(fx.emu.counters['CreateToken:authorization_code'], 0);
  });

  test('a denied authorization fails cleanly with exit 5', async () => {
    fx.emu.setKnobs({ denyAuthorization: true });
    fails(
      await run(['login', '--sso-session', SESSION], { ...fx.env, ...browser.env() }),
      5,
      /the sign-in was denied in the browser \(access_denied\); nothing was saved\n {2}run the login again and choose Allow/,
    );
    assert.equal(existsSync(tokenFile(fx.home)), false);
  });

  test('Ctrl-C, SIGTERM or SIGHUP while waiting exits 130, 143 or 129 and leaves no token, temp file or lock behind', async () => {
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
      ['SIGHUP', 129],
    ] as const) {
      const login = start(['login', '--sso-session', SESSION], browser.env('ignore'));
      await until(() => /Waiting for the browser sign-in/.test(login.stderr()));
      login.child.kill(signal);
      const r = await login.done;
      assert.equal(r.code, code, `${signal}: ${describe(r)}`);
      assert.match(r.stderr, /login interrupted; nothing was saved/);
      assert.equal(existsSync(tokenFile(fx.home)), false);
      assert.deepEqual(
        readdirSync(fx.home.ssoCacheDir).filter((f) => f.endsWith('.tmp')),
        [],
      );
      const locks = join(fx.home.dir, '.aws', 'ssohelper', 'locks');
      assert.deepEqual(existsSync(locks) ? readdirSync(locks) : [], [], `${signal} left a lock`);
    }
  });
});

suite('device code sign-in', () => {
  test('--no-browser without a display: device flow, URL and code printed, approved via the emulator', async () => {
    const login = start(['login', '--sso-session', SESSION, '--no-browser'], browser.env());
    const userCode = await approveNextDevice();
    const r = ok(await login.done);
    assert.match(
      r.stderr,
      /no display \(DISPLAY and WAYLAND_DISPLAY are unset\) and --no-browser: using the device code flow/,
    );
    assert.match(
      r.stderr,
      new RegExp(`open this URL in a browser on any device:\\n\\n  ${fx.emu.url}/device\\?user_code=${userCode}\\n`),
    );
    assert.match(r.stderr, new RegExp(`shows the code: ${userCode}`));
    assert.deepEqual(browser.opened(), [], 'BROWSER is not run with --no-browser');
    assert.match(readFileSync(tokenFile(fx.home), 'utf8'), TOKEN_LAYOUT);
    // Device registrations carry no grantTypes, so the AWS CLI would reuse them for its device flow.
    assert.match(
      readFileSync(registrationFile(SESSION, ['sso:account:access']), 'utf8'),
      /^\{"clientId": "[^"]+", "clientSecret": "[^"]+", "expiresAt": "[^"]+", "scopes": \["sso:account:access"\]\}$/,
    );
    assert.equal(fx.emu.counters['CreateToken:device_code'] >= 1, true);
    assert.equal(JSON.parse((await run(['get', 'dev'], fx.env)).stdout).Version, 1);
  });

  test('over SSH the device flow is chosen and said so; BROWSER still opens the verification page', async () => {
    const r = ok(
      await run(['login', '--profile', 'dev', '--use-device-code'], {
        ...fx.env,
        ...browser.env(),
        SSH_CONNECTION: '10.0.0.1 50000 10.0.0.2 22',
      }),
    );
    assert.equal(browser.opened().length, 1);
    assert.match(browser.opened()[0] as string, /\/device\?user_code=/);
    assert.match(r.stderr, /logged in/);
    const ssh = start(['login', '--profile', 'dev'], { SSH_CONNECTION: '10.0.0.1 50000 10.0.0.2 22', DISPLAY: ':0' });
    await approveNextDevice();
    const r2 = ok(await ssh.done);
    assert.match(r2.stderr, /ssohelper: over SSH: using the device code flow; open the URL below on any device/);
  });

  test('a legacy profile logs in with the device flow, keyed by start URL, without a refresh token', async () => {
    const login = start(['login', '--profile', 'legacy'], browser.env('ignore'));
    await approveNextDevice();
    ok(await login.done);
    const text = readFileSync(tokenFile(fx.home, START_URL), 'utf8');
    assert.match(
      text,
      /^\{"startUrl": "https:\/\/corp\.awsapps\.com\/start", "region": "eu-west-1", "accessToken": "[^"]+", "expiresAt": "[^"]+", "clientId": "[^"]+", "clientSecret": "[^"]+", "registrationExpiresAt": "[^"]+"\}$/,
    );
    assert.match(
      readFileSync(registrationFile(null, null), 'utf8'),
      /^\{"clientId": "[^"]+", "clientSecret": "[^"]+", "expiresAt": "[^"]+"\}$/,
    );
    assert.equal(browser.opened().length, 1, 'BROWSER opens the verification page');
    assert.equal(JSON.parse((await run(['get', 'legacy'], fx.env)).stdout).Version, 1);
  });

  test('denial, expiry and slow_down each end or adjust the polling with a clear message', async () => {
    const denied = start(['login', '--sso-session', SESSION, '--use-device-code']);
    fx.emu.denyDevice((await fx.emu.nextDeviceAuthorization()).userCode);
    fails(await denied.done, 5, /the sign-in request was denied in the browser; nothing was saved/);

    fx.emu.setKnobs({ deviceCodeTtlSeconds: 2 });
    fails(
      await run(['login', '--sso-session', SESSION, '--use-device-code'], fx.env),
      4,
      /the sign-in code expired before it was approved; nothing was saved/,
    );
    assert.equal(existsSync(tokenFile(fx.home)), false);
    fx.emu.resetKnobs();

    // After slow_down the interval grows by 5 s (RFC 8628 §3.5): the next poll comes no sooner.
    fx.emu.failNext('CreateToken:device_code', 400, 1, 'SlowDownException');
    const slow = start(['login', '--sso-session', SESSION, '--use-device-code']);
    const device = await fx.emu.nextDeviceAuthorization();
    await until(() => fx.emu.requestLog.some((e) => e.errorType === 'SlowDownException'));
    fx.emu.approveDevice(device.userCode);
    ok(await slow.done);
    const polls = fx.emu.requestLog.filter((e) => e.operation === 'CreateToken');
    const i = polls.findIndex((e) => e.errorType === 'SlowDownException');
    const gap = Date.parse(polls[i + 1]?.time as string) - Date.parse(polls[i]?.time as string);
    assert.ok(gap >= 5900, `polled again after ${gap} ms`);
    assert.equal(polls.filter((e) => e.errorType === 'SlowDownException').length, 1);
  });
});

suite('login target and usage', () => {
  test('a profile with only sso_session can be logged in; bad flags are usage errors', async () => {
    const h = makeHome(
      `[sso-session corp]\nsso_start_url = ${START_URL}\nsso_region = ${SSO_REGION}\n[profile bare]\nsso_session = corp\n`,
    );
    const e = cleanEnv(h.dir, fx.emu.url, scriptedBrowser(h.dir).env());
    ok(await run(['login', '--profile', 'bare'], e));
    assert.equal(existsSync(tokenFile(h)), true);
    fails(
      await run(['login', '--profile', 'bare', '--sso-session', 'corp'], e),
      2,
      /give either --profile or --sso-session, not both/,
    );
    fails(await run(['login', '--sso-session', 'nope'], e), 3, /sso-session "nope" does not exist/);
    fails(await run(['login', 'extra'], e), 2, /unexpected argument "extra"/);
  });
});

suite('on a terminal', {
  skip: !existsSync('/usr/bin/script') && 'needs script(1) from util-linux for a pseudo-terminal',
}, () => {
  /** Runs a shell command line under a pseudo-terminal; resolves with what the terminal showed. */
  function underTerminal(commandLine: string, extra: Record<string, string> = {}): Promise<RunResult> {
    return collect(
      spawn('/usr/bin/script', ['-qec', commandLine, '/dev/null'], {
        env: { ...fx.env, TERM: 'dumb', ...extra },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
  }

  /** A device-code login under a pseudo-terminal, approved as soon as it polls. */
  async function terminalLogin(extra: Record<string, string>): Promise<RunResult> {
    const login = underTerminal(`'${BIN}' login --sso-session ${SESSION} --use-device-code`, extra);
    const device = await fx.emu.nextDeviceAuthorization();
    await until(() => fx.emu.requestLog.filter((e) => e.operation === 'CreateToken').length >= 2);
    fx.emu.approveDevice(device.userCode);
    const r = await login;
    assert.equal(r.code, 0, describe(r));
    return r;
  }

  test('a login shows a live waiting indicator', async () => {
    const r = await terminalLogin({ TERM: 'xterm' });
    assert.match(r.stdout, /\r[|/\\-] Waiting for the sign-in to be approved 0:0\d {2}\(Ctrl-C to cancel\)\x1b\[K/);
    assert.match(r.stdout, /\r\x1b\[Kssohelper: logged in/);
  });

  test('under TERM=dumb the wait is one plain line, with no escape codes', async () => {
    const r = await terminalLogin({ TERM: 'dumb' });
    assert.match(r.stdout, /^Waiting for the sign-in to be approved\.\.\.\r?$/m);
    assert.doesNotMatch(r.stdout, /\x1b/);
  });

  test('a login on demand whose stderr is captured still shows its URL on the terminal', async () => {
    await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: -60, refreshable: false }));
    // As botocore runs credential_process: stderr captured (here: thrown away), stdout a pipe.
    const get = underTerminal(`'${BIN}' get dev --login 2>/dev/null | cat`, { SSOHELPER_LOGIN: '' });
    const device = await fx.emu.nextDeviceAuthorization();
    fx.emu.approveDevice(device.userCode);
    const r = await get;
    assert.equal(r.code, 0, describe(r));
    assert.match(r.stdout, /the SSO session for sso-session "corp" needs a new login \(profile "dev"\)/);
    assert.match(r.stdout, new RegExp(`user_code=${device.userCode}`));
    assert.match(r.stdout, /"Version": 1,/);
  });
});
