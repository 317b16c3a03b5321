// Console sessions (`login_session`, from `aws login`) through the built executable against the
// emulator's sign-in token endpoint: answered from the SDKs' cache file while the keys last,
// refreshed with a DPoP proof within five minutes of their end, the file rewritten in place.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { loadedBy } from '../../scripts/lib/probe.ts';
import { COLD_FILE, FULL_FILE, HOT_FILE } from '../../src/boot/embedded.ts';
import { describe as suite, test } from 'node:test';
import { useEmulator } from '../helpers/fixture.ts';
import { consoleProfile, readConsoleSession, seedConsoleSession } from '../helpers/consoleSession.ts';
import { standardConfig } from '../helpers/home.ts';
import { expectFailure, processJson, ROOT, run } from '../helpers/run.ts';
import { callerIdentity } from '../helpers/sts.ts';

const fx = useEmulator({
  config: () =>
    [standardConfig(), consoleProfile(), consoleProfile('no-region').replace('region = eu-west-1\n', '')].join('\n'),
});
const env = () => ({ ...fx.env, AWS_ENDPOINT_URL_SIGNIN: fx.emu.url });

suite('console sessions (login_session)', () => {
  test('keys with more than five minutes left come from the cache file alone', async () => {
    const issued = fx.emu.issueConsoleSession();
    const path = seedConsoleSession(fx.home, issued, { expiresInSeconds: 600 });
    const before = statSync(path).mtimeMs;
    const doc = processJson(await run(['get', 'console'], env()));
    assert.equal(doc.AccessKeyId, issued.accessToken.accessKeyId);
    assert.equal(doc.SessionToken, issued.accessToken.sessionToken);
    assert.equal(fx.emu.counters.CreateOAuth2Token ?? 0, 0);
    assert.equal(statSync(path).mtimeMs, before);
  });

  test('a cached answer is a hot one: no full program, no cold script, no node:crypto or network', () => {
    const issued = fx.emu.issueConsoleSession();
    seedConsoleSession(fx.home, issued, { expiresInSeconds: 600 });
    const r = loadedBy(process.execPath, join(ROOT, 'dist', HOT_FILE), ['get', 'console'], {
      HOME: fx.home.dir,
      PATH: '/usr/bin:/bin',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.includes(issued.accessToken.accessKeyId));
    assert.ok(!r.files.some((f) => f.endsWith(FULL_FILE) || f.endsWith(COLD_FILE)), r.files.join(' '));
    for (const m of ['crypto', 'net', 'tls']) assert.ok(!r.builtins.includes(m), `loaded node:${m}`);
  });

  test('within five minutes of expiresAt: one refresh, the file rewritten with the rotated token and every other field kept', async () => {
    const issued = fx.emu.issueConsoleSession();
    const path = seedConsoleSession(fx.home, issued, { expiresInSeconds: 120, extra: { futureField: { kept: true } } });
    const doc = processJson(await run(['get', 'console'], env()));
    assert.equal(fx.emu.counters.CreateOAuth2Token, 1);
    assert.notEqual(doc.AccessKeyId, issued.accessToken.accessKeyId);
    const identity = await callerIdentity(fx.emu.url, doc);
    assert.equal(identity.Arn, 'arn:aws:iam::111111111111:user/alice');
    const file = readConsoleSession(fx.home);
    assert.equal(file.accessToken.accessKeyId, doc.AccessKeyId);
    assert.equal(file.accessToken.accountId, '111111111111');
    assert.notEqual(file.refreshToken, issued.refreshToken);
    assert.deepEqual(
      [file.clientId, file.dpopKey, file.idToken, file.tokenType],
      [issued.clientId, issued.dpopKey, issued.idToken, issued.tokenType],
    );
    assert.deepEqual(file.futureField, { kept: true });
    assert.ok(Date.parse(file.accessToken.expiresAt) - Date.now() > 14 * 60_000);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    // The rotated token is the one that works now: a second call needs no refresh.
    assert.deepEqual(processJson(await run(['get', 'console'], env())), doc);
    assert.equal(fx.emu.counters.CreateOAuth2Token, 1);
  });

  test('an expired session, or one whose user changed password: exit 4 naming aws login', async () => {
    for (const reason of ['TOKEN_EXPIRED', 'USER_CREDENTIALS_CHANGED'] as const) {
      const issued = fx.emu.issueConsoleSession();
      seedConsoleSession(fx.home, issued, { expiresInSeconds: 60 });
      fx.emu.endConsoleSession(issued.refreshToken, reason);
      const r = await run(['get', 'console'], env());
      expectFailure(r, 4, new RegExp(`${reason}[\\s\\S]*aws login --profile console`));
    }
  });

  test('a session without permission to renew: its keys while they last, then exit 5', async () => {
    const issued = fx.emu.issueConsoleSession();
    seedConsoleSession(fx.home, issued, { expiresInSeconds: 60 });
    fx.emu.endConsoleSession(issued.refreshToken, 'INSUFFICIENT_PERMISSIONS');
    const r = await run(['get', 'console'], env());
    assert.equal(processJson(r).AccessKeyId, issued.accessToken.accessKeyId);
    assert.match(r.stderr, /warning: could not refresh/);
    seedConsoleSession(fx.home, issued, { expiresInSeconds: -1 });
    expectFailure(
      await run(['get', 'console'], env()),
      5,
      /may not renew its keys \(INSUFFICIENT_PERMISSIONS\)[\s\S]*CreateOAuth2Token/,
    );
  });

  test('a refresh that fails otherwise while the keys still work: they are used, with a warning', async () => {
    const issued = fx.emu.issueConsoleSession();
    seedConsoleSession(fx.home, issued, { expiresInSeconds: 120 });
    fx.emu.failNext('CreateOAuth2Token', 400, 2, 'ValidationException');
    const r = await run(['get', 'console'], env());
    assert.equal(processJson(r).AccessKeyId, issued.accessToken.accessKeyId);
    assert.match(r.stderr, /warning: could not refresh the console session[\s\S]*valid for/);
    // Expired keys and a failing service: the failure itself, exit 6.
    seedConsoleSession(fx.home, issued, { expiresInSeconds: -10 });
    expectFailure(await run(['get', 'console'], env()), 6, /refreshing the console session/);
  });

  test('no cache file: exit 4 naming aws login; no region and no endpoint: exit 3', async () => {
    expectFailure(
      await run(['get', 'console'], env()),
      4,
      /no usable console session "arn:aws:iam::111111111111:user\/alice"[\s\S]*aws login --profile console/,
    );
    seedConsoleSession(fx.home, fx.emu.issueConsoleSession(), { expiresInSeconds: 60 });
    expectFailure(await run(['get', 'no-region'], fx.env), 3, /names no sign-in region[\s\S]*add region/);
  });

  test('--refresh refreshes again with the rotated token, never the spent one', async () => {
    const issued = fx.emu.issueConsoleSession();
    seedConsoleSession(fx.home, issued, { expiresInSeconds: 60 });
    const first = processJson(await run(['get', 'console'], env()));
    const second = processJson(await run(['get', 'console', '--refresh'], env()));
    assert.notEqual(second.AccessKeyId, first.AccessKeyId);
    assert.equal(fx.emu.counters.CreateOAuth2Token, 2);
    assert.equal(fx.emu.counters['CreateOAuth2Token:spent'] ?? 0, 0);
  });
});

suite('console sessions in status, logout and doctor', () => {
  test("status lists them with the keys' time left, in text and JSON; PROFILE narrows to one", async () => {
    seedConsoleSession(fx.home, fx.emu.issueConsoleSession(), { expiresInSeconds: 600 });
    const text = await run(['status'], env());
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /Console sessions \(aws login\)\n\s+SESSION\s+PROFILES\s+ACCOUNT\s+KEYS[^\n]*\n\s+arn:aws:iam::111111111111:user\/alice\s+console, no-region\s+111111111111\s+9m \d+s left/,
    );
    const report = JSON.parse((await run(['status', 'console', '--output', 'json'], env())).stdout);
    assert.deepEqual(report.sessions, []);
    assert.equal(report.consoleSessions.length, 1);
    assert.deepEqual(
      { ...report.consoleSessions[0], expiresAt: undefined, secondsLeft: undefined, cacheFile: undefined },
      {
        sessionName: 'arn:aws:iam::111111111111:user/alice',
        profiles: ['console', 'no-region'],
        accountId: '111111111111',
        loggedIn: true,
        expired: false,
        loginCommand: 'aws login --profile console',
        expiresAt: undefined,
        secondsLeft: undefined,
        cacheFile: undefined,
      },
    );
    assert.ok(report.consoleSessions[0].secondsLeft > 500 && report.consoleSessions[0].secondsLeft <= 600);
    assert.deepEqual(JSON.parse((await run(['status', 'dev', '--output', 'json'], env())).stdout).consoleSessions, []);
  });

  test('logout keeps them and names the command; logout --profile removes one', async () => {
    const path = seedConsoleSession(fx.home, fx.emu.issueConsoleSession(), { expiresInSeconds: 600 });
    const plain = await run(['logout'], env());
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(
      plain.stderr,
      /kept the console session arn:aws:iam::111111111111:user\/alice \(aws login\); to remove it: ssohelper logout --profile console/,
    );
    assert.ok(statSync(path).isFile());
    const removed = await run(['logout', '--profile', 'console'], env());
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(
      removed.stderr,
      /removed the console session arn:aws:iam::111111111111:user\/alice \(profile console\)/,
    );
    assert.throws(() => statSync(path), /ENOENT/);
    expectFailure(await run(['get', 'console'], env()), 4, /aws login --profile console/);
    expectFailure(await run(['logout', '--profile', 'dev'], env()), 3, /profile "dev" has no login_session/);
    expectFailure(await run(['logout', '--profile', 'console', '--sso-session', 'corp'], env()), 2, /not both/);
  });

  test('doctor checks them: present with keys, or missing with the command that signs in', async () => {
    const missing = await run(['doctor', 'console'], env());
    assert.match(
      missing.stdout + missing.stderr,
      /console session arn:aws:iam::111111111111:user\/alice \(profile console, no-region\): no usable session file[\s\S]*aws login --profile console/,
    );
    seedConsoleSession(fx.home, fx.emu.issueConsoleSession(), { expiresInSeconds: 600 });
    const present = await run(['doctor', 'console'], env());
    assert.match(
      present.stdout + present.stderr,
      /console session arn:aws:iam::111111111111:user\/alice \(profile console, no-region\): keys valid for 9m \d+s, renewed on use/,
    );
  });
});

test('ssohelper login for a console-session profile names aws login', async () => {
  expectFailure(
    await run(['login', '--profile', 'console'], env()),
    3,
    /profile "console" is a console session[\s\S]*aws login --profile console/,
  );
});
