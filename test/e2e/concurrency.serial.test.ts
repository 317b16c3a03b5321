// Concurrency and locking of the built executable: dozens of real processes racing, so this
// file runs alone (*.serial.test.ts) on a 2-core machine.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe as suite, test } from 'node:test';
import { ROLES, seedToken, standardConfig, tokenFile } from '../helpers/home.ts';
import { run, expectFailure, processJson, spawnChild } from '../helpers/run.ts';
import { useEmulator } from '../helpers/fixture.ts';

const DEPLOY = 'arn:aws:iam::333333333333:role/Deploy';
const fx = useEmulator({
  assign: [['111111111111', 'ReadOnly'], ...ROLES.map((r) => [r.accountId, r.roleName] as const)],
  config: () => `${standardConfig()}\n[profile deploy]\nrole_arn = ${DEPLOY}\nsource_profile = dev\n`,
});

async function login(ttlSeconds = 3600, refreshable = true) {
  return seedToken(fx.home, fx.emu.issueSession({ ttlSeconds, refreshable }));
}

suite('concurrency', () => {
  test('64 simultaneous calls on a cold cache make exactly one GetRoleCredentials', async () => {
    await login();
    const results = await Promise.all(Array.from({ length: 64 }, () => run(['get', 'dev'], fx.env)));
    const docs = results.map(processJson);
    assert.equal(fx.emu.counters.GetRoleCredentials, 1);
    assert.equal(new Set(docs.map((d) => d.AccessKeyId)).size, 1);
  });

  test('32 calls over 8 profiles with an expiring token make exactly one refresh', async () => {
    const seeded = await login(300, true);
    const results = await Promise.all(
      Array.from({ length: 32 }, (_, i) => run(['get', ROLES[i % 8]?.profile as string], fx.env)),
    );
    results.forEach(processJson);
    assert.equal(fx.emu.counters['CreateToken:refresh_token'], 1);
    assert.equal(fx.emu.counters.GetRoleCredentials, 8);
    const rewritten = readFileSync(tokenFile(fx.home), 'utf8');
    assert.doesNotMatch(rewritten, new RegExp(seeded.accessToken));
    assert.match(
      rewritten,
      /^\{"startUrl": "https:\/\/corp.awsapps.com\/start", "region": "eu-west-1", "accessToken": "[^"]+", "expiresAt": "[^"]+Z", "clientId": "[^"]+", "clientSecret": "[^"]+", "registrationExpiresAt": "[^"]+Z", "refreshToken": "[^"]+"\}$/,
    );
    assert.equal(statSync(tokenFile(fx.home)).mode & 0o777, 0o600);
  });

  test('64 calls over 8 roles all succeed with the portal throttled to 3 requests/s', async () => {
    await login();
    fx.emu.setKnobs({ throttle: { GetRoleCredentials: 3 } });
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) => run(['get', ROLES[i % 8]?.profile as string], fx.env)),
    );
    results.forEach(processJson);
    assert.ok(fx.emu.counters['throttled:GetRoleCredentials'] > 0, 'the throttle never bit');
    assert.equal(fx.emu.counters['status:200'], 8);
  });

  test('32 simultaneous calls of a role chain on a cold cache make one GetRoleCredentials and one AssumeRole', async () => {
    await login();
    fx.emu.defineRole(DEPLOY, { trust: ['111111111111'] });
    // A quarter ask for the source profile itself, which races the chain for the same SSO entry.
    const results = await Promise.all(
      Array.from({ length: 32 }, (_, i) => run(['get', i % 4 === 3 ? 'dev' : 'deploy'], fx.env)),
    );
    const docs = results.map(processJson);
    assert.equal(fx.emu.counters.GetRoleCredentials, 1);
    assert.equal(fx.emu.counters.AssumeRole, 1);
    assert.equal(new Set(docs.map((d) => d.AccessKeyId)).size, 2);
  });
});

suite('locks', () => {
  test('a lock holder killed with SIGKILL does not stop the next call', async () => {
    await login();
    const holder = await lockHolder();
    holder.kill('SIGKILL');
    await new Promise((r) => holder.on('close', r));
    fx.emu.setKnobs({ latencyMs: 0 });
    processJson(await run(['get', 'dev'], fx.env));
  });

  test('a waiting caller gives up after SSOHELPER_LOCK_TIMEOUT with exit 7', async () => {
    await login();
    const holder = await lockHolder();
    expectFailure(
      await run(['get', 'dev'], { ...fx.env, SSOHELPER_LOCK_TIMEOUT: '1' }),
      7,
      /gave up after 1s waiting for another ssohelper process fetching credentials for ReadOnly in 111111111111/,
    );
    holder.kill('SIGTERM');
    await new Promise((r) => holder.on('close', r));
    fx.emu.setKnobs({ latencyMs: 0 });
  });
});

/** A `get` stuck inside its role lock: the emulator holds its request until the test ends. */
async function lockHolder(): Promise<ChildProcess> {
  fx.emu.setKnobs({ latencyMs: 600_000 });
  const holder = spawnChild(['get', 'dev'], fx.env);
  const lockDir = join(fx.home.dir, '.aws', 'ssohelper', 'locks');
  while (!existsSync(lockDir) || !readdirSync(lockDir).some((f) => f.endsWith('.lock')))
    await new Promise((r) => setTimeout(r, 20));
  return holder;
}
