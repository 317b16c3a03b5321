// What an outside review broke (issue 6): hostile replies and files, failing refreshes and
// saves, signals, locks, logout races. Each test failed before its fix.
import assert from 'node:assert/strict';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe as suite, test } from 'node:test';
import { ROLES, roleFile, seedToken, tokenFile } from '../helpers/home.ts';
import { collect, describe, expectFailure, processJson, run, spawnChild } from '../helpers/run.ts';
import { useEmulator } from '../helpers/fixture.ts';
import { makeUnwritable } from '../helpers/unwritable.ts';

const fx = useEmulator({
  assign: [['111111111111', 'ReadOnly'], ...ROLES.map((r) => [r.accountId, r.roleName] as const)],
});

async function login(ttlSeconds = 3600, refreshable = true) {
  return seedToken(fx.home, fx.emu.issueSession({ ttlSeconds, refreshable }));
}

suite('expirations from the service are validated (defect 10)', () => {
  for (const [label, ttl] of [
    ['1e300', 1e297],
    ['in the past', -3600],
    ['right now', 0],
  ] as const) {
    test(`role credentials expiring ${label} are rejected with exit 6 and not cached`, async () => {
      await login();
      fx.emu.setKnobs({ credentialTtlSeconds: ttl });
      expectFailure(await run(['get', 'dev'], fx.env), 6, /impossible expiration/);
      assert.equal(existsSync(roleFile(fx.home, '111111111111', 'ReadOnly')), false);
    });
  }

  test('a refreshed token with an impossible lifetime is rejected with exit 6 and not saved', async () => {
    const token = await login(-60);
    fx.emu.setKnobs({ accessTokenTtlSeconds: 1e300 });
    expectFailure(await run(['get', 'dev'], fx.env), 6, /impossible token lifetime/);
    assert.match(readFileSync(tokenFile(fx.home), 'utf8'), new RegExp(`"accessToken": "${token.accessToken}"`));
  });
});

suite('a token with whitespace in the cache is corrupt (defect 12)', () => {
  for (const bad of [' ', '\n', '\t']) {
    test(`accessToken containing ${JSON.stringify(bad)} is treated as absent: exit 4 with the login command`, async () => {
      const token = await login();
      const path = tokenFile(fx.home);
      writeFileSync(
        path,
        readFileSync(path, 'utf8').replace(
          token.accessToken,
          `${token.accessToken.slice(0, 5)}${JSON.stringify(bad).slice(1, -1)}${token.accessToken.slice(5)}`,
        ),
      );
      const r = await run(['get', 'dev'], fx.env);
      expectFailure(r, 4, /run: ssohelper login --sso-session corp/);
      assert.doesNotMatch(r.stderr, /TypeError/, describe(r));
      assert.equal(fx.emu.counters.GetRoleCredentials ?? 0, 0);
    });
  }
});

suite('bad settings are exit 2 naming the variable on every path (defect 11)', () => {
  const bad: ReadonlyArray<readonly [string, string]> = [
    ['SSOHELPER_RETRY_TIMEOUT', '0'],
    ['SSOHELPER_RETRY_TIMEOUT', '-5'],
    ['SSOHELPER_LOCK_TIMEOUT', '10s'],
    ['SSOHELPER_LOCK_TIMEOUT', 'Infinity'],
    ['SSOHELPER_LOGIN', 'sometimes'],
    ['SSOHELPER_DEBUG', 'verbose'],
  ];
  test('a cached get (no lock, no network) still rejects each bad value', async () => {
    await login();
    processJson(await run(['get', 'dev'], fx.env));
    const calls = fx.emu.counters.GetRoleCredentials;
    for (const [name, value] of bad) {
      expectFailure(await run(['get', 'dev'], { ...fx.env, [name]: value }), 2, new RegExp(`${name}="${value}"`));
    }
    assert.equal(fx.emu.counters.GetRoleCredentials, calls, 'nothing was fetched');
  });

  test('status, list and logout reject them too; good values pass', async () => {
    await login();
    for (const command of [['status'], ['list', '--sso-session', 'corp'], ['logout']]) {
      expectFailure(
        await run(command, { ...fx.env, SSOHELPER_RETRY_TIMEOUT: '0' }),
        2,
        /SSOHELPER_RETRY_TIMEOUT="0" is not a positive number of seconds/,
      );
    }
    processJson(
      await run(['get', 'dev'], {
        ...fx.env,
        SSOHELPER_RETRY_TIMEOUT: '2.5',
        SSOHELPER_LOCK_TIMEOUT: ' 30 ',
        SSOHELPER_LOGIN: 'false',
        SSOHELPER_DEBUG: '0',
      }),
    );
  });
});

suite('a failing refresh while the token is still valid (defect 2)', () => {
  test('costs one attempt in all, not the retry budget per caller; the old token serves at once', async () => {
    await login(300);
    fx.emu.failNext('CreateToken', 500, 1000);
    const env = { ...fx.env, SSOHELPER_RETRY_TIMEOUT: '30' };
    const results = await Promise.all(['p0', 'p1', 'p2', 'p3'].map((p) => run(['get', p], env)));
    for (const r of results) processJson(r);
    assert.equal(fx.emu.counters['CreateToken:refresh_token'], 1, 'one attempt, then the failure is remembered');
    processJson(await run(['get', 'p4'], env));
    assert.equal(
      fx.emu.counters['CreateToken:refresh_token'],
      1,
      'still cooling down: the old token is used without asking',
    );
  });

  test('a refresh that gets no answer is given up after a short wait, and the old token serves', async () => {
    await login(300);
    const hold = fx.emu.holdNext('CreateToken');
    try {
      const r = await run(['get', 'dev', '--debug'], fx.env);
      processJson(r);
      assert.match(r.stderr, /refreshing the SSO token \(CreateToken\) failed: no answer within 5s/);
    } finally {
      hold.release();
    }
  });

  test('an expired token still gets the full retry budget', async () => {
    await login(-60);
    fx.emu.failNext('CreateToken', 500, 3);
    processJson(await run(['get', 'dev'], { ...fx.env, SSOHELPER_RETRY_TIMEOUT: '30' }));
    assert.equal(fx.emu.counters['CreateToken:refresh_token'], 4);
  });
});

suite('a refreshed token that cannot be saved (defect 3)', () => {
  test('is used for this call, reported in one line, and status stops saying it renews', async () => {
    const old = await login(300);
    fx.emu.expireAccessToken(old.accessToken); // only the refreshed token can work
    const undo = makeUnwritable(tokenFile(fx.home));
    try {
      const r = await run(['get', 'dev'], fx.env);
      processJson(r);
      assert.equal(fx.emu.counters['CreateToken:refresh_token'], 1);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, describe(r));
      assert.match(
        lines[0] ?? '',
        /^ssohelper: warning: the refreshed SSO token could not be saved \(.*\); this call uses it, but sso-session "corp" will need a new login \(ssohelper login --sso-session corp\)/,
      );
      const status = JSON.parse((await run(['status', '--output', 'json'], fx.env)).stdout);
      const corp = status.sessions.find((s: { sessionName: string }) => s.sessionName === 'corp');
      assert.equal(corp.refreshable, false, JSON.stringify(corp));
      // No ", renews", and the next login at the token's expiry rather than "at session end".
      assert.match((await run(['status'], fx.env)).stdout, /^\s+corp\s.*\d+s left +at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/m);
    } finally {
      undo();
    }
  });
});

suite('lock directory failures (defect 7)', () => {
  test('a lock directory that refuses writes is exit 3 naming it, not an internal error', async () => {
    await login();
    const lockDir = join(fx.home.dir, '.aws', 'ssohelper', 'locks');
    mkdirSync(lockDir, { recursive: true, mode: 0o700 });
    const undo = makeUnwritable(lockDir);
    try {
      const r = await run(['get', 'dev'], fx.env);
      expectFailure(r, 3, new RegExp(`cannot take a lock in ${lockDir}: permission denied`));
      assert.doesNotMatch(r.stderr, /internal error/);
    } finally {
      undo();
    }
  });
});

suite('logout while a get is in flight (defect 8)', () => {
  test('leaves no credentials behind to be served after the logout', async () => {
    await login();
    const hold = fx.emu.holdNext('GetRoleCredentials');
    const pending = run(['get', 'dev'], fx.env);
    await hold.arrived; // the portal has answered with credentials; they are on the wire
    const out = await run(['logout'], fx.env);
    assert.equal(out.code, 0, describe(out));
    hold.release();
    expectFailure(
      await pending,
      4,
      /logged out of sso-session "corp" while credentials for profile "dev" were being fetched; they were not kept/,
    );
    assert.equal(existsSync(roleFile(fx.home, '111111111111', 'ReadOnly')), false);
    expectFailure(await run(['get', 'dev'], fx.env), 4, /run: ssohelper login --sso-session corp/);
  });
});

suite('temp files of killed writes (defect 9)', () => {
  function plant(dir: string, name: string, ageMs: number): string {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, name);
    writeFileSync(path, '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIALEFTOVER"}}', { mode: 0o600 });
    const t = new Date(Date.now() - ageMs);
    utimesSync(path, t, t);
    return path;
  }

  test('stale ones of ours go on the next write and on logout; fresh or foreign ones stay', async () => {
    await login();
    const stale = plant(fx.home.roleCacheDir, '.0123abcd.json.4242.0123456789ab.tmp', 5 * 60_000);
    const fresh = plant(fx.home.roleCacheDir, '.0123abcd.json.4243.0123456789ab.tmp', 0);
    const other = plant(fx.home.roleCacheDir, '.notes.tmp', 5 * 60_000);
    const foreign = plant(fx.home.roleCacheDir, '.0123abcd.json.4244.0123456789ab.tmp', 5 * 60_000);
    if (process.getuid?.() === 0) chownSync(foreign, 65534, 65534);
    processJson(await run(['get', 'dev'], fx.env));
    assert.equal(existsSync(stale), false, 'stale temp file swept on the write path');
    assert.equal(existsSync(fresh), true, 'a write in progress elsewhere is left alone');
    assert.equal(existsSync(other), true, 'not one of ours by name');
    if (process.getuid?.() === 0) assert.equal(existsSync(foreign), true, "another user's file is left alone");

    const staleToken = plant(fx.home.ssoCacheDir, '.abcdef.json.4245.0123456789ab.tmp', 2 * 60_000);
    const staleRole = plant(fx.home.roleCacheDir, '.4567.json.4246.0123456789ab.tmp', 2 * 60_000);
    assert.equal((await run(['logout'], fx.env)).code, 0);
    assert.equal(existsSync(staleToken), false, 'logout sweeps the token cache');
    assert.equal(existsSync(staleRole), false, 'logout sweeps the role cache');
    assert.ok(!readdirSync(fx.home.roleCacheDir).some((n) => n.includes('4242')));
  });
});

suite('signals during get (defect 16)', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    test(`${signal} while fetching exits ${code} and leaves no lock or temp file`, async () => {
      await login();
      const hold = fx.emu.holdNext('GetRoleCredentials');
      const child = spawnChild(['get', 'dev'], fx.env);
      const done = collect(child);
      await hold.arrived; // the role lock is held and the request is on the wire
      const lockDir = join(fx.home.dir, '.aws', 'ssohelper', 'locks');
      assert.ok(
        readdirSync(lockDir).some((n) => n.endsWith('.lock')),
        'the fetch holds its lock',
      );
      child.kill(signal);
      const r = await done;
      hold.release();
      assert.equal(r.code, code, describe(r));
      assert.equal(r.signal, null);
      assert.equal(r.stdout, '');
      assert.deepEqual(
        readdirSync(lockDir).filter((n) => n.endsWith('.lock')),
        [],
      );
      const temps = existsSync(fx.home.roleCacheDir)
        ? readdirSync(fx.home.roleCacheDir).filter((n) => n.endsWith('.tmp'))
        : [];
      assert.deepEqual(temps, []);
    });
  }
});
