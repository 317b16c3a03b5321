// The core path's decisions, in process: cache → lock → re-check → token → fetch → write, with a
// temp HOME, the real emulator and an injected clock (the e2e suites prove the same through the
// built executable; these say which decision broke, in milliseconds).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { after, before, beforeEach, describe, test } from 'node:test';
import { readRoleEntry } from '../../src/cache/role.ts';
import { loadConfig } from '../../src/config/load.ts';
import { resolveSsoProfile, type SsoProfile } from '../../src/config/profile.ts';
import { cachedCredentials } from '../../src/credentials/cached.ts';
import { loggedOutMeanwhile } from '../../src/credentials/fetch.ts';
import type { CacheSlot } from '../../src/credentials/model.ts';
import { refillUnderLock } from '../../src/credentials/refill.ts';
import { ssoSlot } from '../../src/credentials/roleCredentials.ts';
import { usableToken } from '../../src/credentials/token.ts';
import { LoginRequiredError } from '../../src/errors.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { sessionOfProfile } from '../../src/session/ref.ts';
import type { RoleCredentials } from '../../src/types/credentials.ts';
import { Emulator } from '../emulator/server.ts';
import { type Home, makeHome, roleFile, seedRole, seedToken, tokenFile } from '../helpers/home.ts';
import { cleanEnv } from '../helpers/run.ts';

const MIN = 60_000;
let emu: Emulator;
let home: Home;
let clock: number;
let rt: Runtime;
let profile: SsoProfile;

before(async () => {
  emu = await Emulator.start();
  emu.assign('111111111111', 'ReadOnly');
});
after(() => emu.stop());
beforeEach(async () => {
  emu.resetCounters();
  emu.resetKnobs();
  home = makeHome();
  clock = Date.now();
  rt = createRuntime({
    env: cleanEnv(home.dir, emu.url),
    debug: false,
    stderr: () => undefined,
    interactive: () => false,
    now: () => clock,
  });
  profile = resolveSsoProfile(await loadConfig(rt.paths), 'dev', rt.env);
});

const options = (minTtlMs = 15 * MIN, refresh = false) => ({ minTtlMs, minTtlRequired: false, refresh });
const entry = (key: string, minutes: number) => ({
  accessKeyId: key,
  secretAccessKey: 'c2VjcmV0',
  sessionToken: 'dG9rZW4',
  expiration: new Date(clock + minutes * MIN),
});

describe('cachedCredentials and refillUnderLock', () => {
  test('a fresh entry is answered from disk: no request; one short of --min-ttl is fetched again and written back', async () => {
    await seedToken(home, emu.issueSession({ ttlSeconds: 3600 }));
    await seedRole(home, '111111111111', 'ReadOnly', entry('ASIACACHED0000000001', 40));
    const hit = await cachedCredentials(rt, ssoSlot(rt, profile), options());
    assert.equal(hit.accessKeyId, 'ASIACACHED0000000001');
    assert.equal(emu.counters.GetRoleCredentials, 0);
    const fetched = await cachedCredentials(rt, ssoSlot(rt, profile), options(50 * MIN));
    assert.notEqual(fetched.accessKeyId, 'ASIACACHED0000000001');
    assert.equal(emu.counters.GetRoleCredentials, 1);
    const onDisk = await readRoleEntry(roleFile(home, '111111111111', 'ReadOnly'), () => undefined);
    assert.equal(onDisk?.accessKeyId, fetched.accessKeyId, 'written back in the AWS CLI layout');
  });

  test('after the lock, an entry another process wrote meanwhile is taken and nothing is fetched; with --refresh only one written since', async () => {
    await seedToken(home, emu.issueSession({ ttlSeconds: 3600 }));
    const path = roleFile(home, '111111111111', 'ReadOnly');
    let fetches = 0;
    const slot: CacheSlot<RoleCredentials> = {
      ...ssoSlot(rt, profile),
      fetchNew: async () => {
        fetches++;
        return { ...entry('ASIAFETCHED000000001', 60), accountId: '111111111111' };
      },
    };
    await seedRole(home, '111111111111', 'ReadOnly', entry('ASIAMEANWHILE0000001', 60));
    assert.equal((await refillUnderLock(rt, slot, options())).accessKeyId, 'ASIAMEANWHILE0000001');
    assert.equal(fetches, 0);
    // --refresh: an entry from before this call started is not someone else's fresh fetch.
    clock += 5_000;
    assert.equal((await refillUnderLock(rt, slot, options(15 * MIN, true))).accessKeyId, 'ASIAFETCHED000000001');
    assert.equal(fetches, 1);
    assert.match(readFileSync(path, 'utf8'), /ASIAFETCHED000000001/);
  });
});

describe('usableToken', () => {
  test('outside the 15-minute window the cached token is used as it is; inside it, refreshed once and written back', async () => {
    const issued = emu.issueSession({ ttlSeconds: 3600 });
    await seedToken(home, issued);
    const session = sessionOfProfile(profile);
    assert.equal((await usableToken(rt, session)).accessToken, issued.accessToken);
    assert.equal(emu.counters['CreateToken:refresh_token'] ?? 0, 0);
    clock = issued.expiresAt.getTime() - 10 * MIN;
    const renewed = await usableToken(rt, session);
    assert.notEqual(renewed.accessToken, issued.accessToken);
    assert.equal(emu.counters['CreateToken:refresh_token'], 1);
    assert.match(readFileSync(tokenFile(home), 'utf8'), new RegExp(renewed.accessToken));
  });

  test('an expired token that cannot be refreshed is a login error naming the command', async () => {
    const issued = emu.issueSession({ ttlSeconds: 3600, refreshable: false });
    await seedToken(home, issued);
    clock = issued.expiresAt.getTime() + MIN;
    await assert.rejects(
      usableToken(rt, sessionOfProfile(profile)),
      (err: unknown) =>
        err instanceof LoginRequiredError && /ssohelper login --sso-session corp/.test(`${err.message} ${err.hint}`),
    );
  });
});

describe('a logout during a fetch', () => {
  test('with the token gone, the entry just written is taken back and the caller is told to log in', async () => {
    await seedToken(home, emu.issueSession({ ttlSeconds: 3600 }));
    const path = await seedRole(home, '111111111111', 'ReadOnly', entry('ASIAJUSTFETCHED00001', 60));
    await loggedOutMeanwhile(rt, profile, path);
    assert.ok(existsSync(path), 'still logged in: the entry stays');
    rmSync(tokenFile(home));
    await assert.rejects(
      loggedOutMeanwhile(rt, profile, path),
      (err: unknown) => err instanceof LoginRequiredError && /logged out/.test(err.message),
    );
    assert.equal(existsSync(path), false);
  });
});
