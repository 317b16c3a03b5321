// Concurrency and locking of the built executable: dozens of real processes racing, so this
// file runs alone (*.serial.test.ts) on a 2-core machine.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe as suite, test } from 'node:test';
import { Emulator } from '../emulator/server.ts';
import { type Home, makeHome, ROLES, seedToken, tokenFile } from '../helpers/home.ts';
import { cleanEnv, describe, requireBinary, run, type RunResult } from '../helpers/run.ts';

let emu: Emulator;
let home: Home;
let env: Record<string, string>;

before(async () => {
  requireBinary();
  emu = await Emulator.start();
  emu.assign('111111111111', 'ReadOnly');
  for (const r of ROLES) emu.assign(r.accountId, r.roleName);
});
after(() => emu.stop());
beforeEach(() => {
  emu.resetCounters();
  emu.resetKnobs();
  home = makeHome();
  env = cleanEnv(home.dir, emu.url);
});

async function login(ttlSeconds = 3600, refreshable = true) {
  return seedToken(home, emu.issueSession({ ttlSeconds, refreshable }));
}

function processJson(r: RunResult): { Version: number; AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string } {
  assert.equal(r.code, 0, describe(r));
  return JSON.parse(r.stdout);
}

function expectFailure(r: RunResult, code: number, message: RegExp): void {
  assert.equal(r.code, code, describe(r));
  assert.equal(r.stdout, '', 'stdout must stay empty on failure');
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace without --debug');
}

suite('concurrency', () => {
  test('64 simultaneous calls on a cold cache make exactly one GetRoleCredentials', async () => {
    await login();
    const results = await Promise.all(Array.from({ length: 64 }, () => run(['get', 'dev'], env)));
    const docs = results.map(processJson);
    assert.equal(emu.counters.GetRoleCredentials, 1);
    assert.equal(new Set(docs.map((d) => d.AccessKeyId)).size, 1);
  });

  test('32 calls over 8 profiles with an expiring token make exactly one refresh', async () => {
    const seeded = await login(300, true);
    const results = await Promise.all(Array.from({ length: 32 }, (_, i) => run(['get', ROLES[i % 8]?.profile as string], env)));
    results.forEach(processJson);
    assert.equal(emu.counters['CreateToken:refresh_token'], 1);
    assert.equal(emu.counters.GetRoleCredentials, 8);
    const rewritten = readFileSync(tokenFile(home), 'utf8');
    assert.doesNotMatch(rewritten, new RegExp(seeded.accessToken));
    assert.match(rewritten, /^\{"startUrl": "https:\/\/corp.awsapps.com\/start", "region": "eu-west-1", "accessToken": "[^"]+", "expiresAt": "[^"]+Z", "clientId": "[^"]+", "clientSecret": "[^"]+", "registrationExpiresAt": "[^"]+Z", "refreshToken": "[^"]+"\}$/);
    assert.equal(statSync(tokenFile(home)).mode & 0o777, 0o600);
  });

  test('64 calls over 8 roles all succeed with the portal throttled to 3 requests/s', async () => {
    await login();
    emu.setKnobs({ throttle: { GetRoleCredentials: 3 } });
    const results = await Promise.all(Array.from({ length: 64 }, (_, i) => run(['get', ROLES[i % 8]?.profile as string], env)));
    results.forEach(processJson);
    assert.ok(emu.counters['throttled:GetRoleCredentials'] > 0, 'the throttle never bit');
    assert.equal(emu.counters['status:200'], 8);
  });

});

suite('locks', () => {
  test('a lock holder killed with SIGKILL does not stop the next call', async () => {
    await login();
    emu.setKnobs({ latencyMs: 600_000 });
    const { spawnChild } = await import('../helpers/run.ts');
    const holder = spawnChild(['get', 'dev'], env);
    const lockDir = join(home.dir, '.aws', 'ssohelper', 'locks');
    while (!existsSync(lockDir) || !(await hasLock(lockDir))) await new Promise((r) => setTimeout(r, 20));
    holder.kill('SIGKILL');
    await new Promise((r) => holder.on('close', r));
    emu.setKnobs({ latencyMs: 0 });
    processJson(await run(['get', 'dev'], env));
  });

  test('a waiting caller gives up after SSOHELPER_LOCK_TIMEOUT with exit 7', async () => {
    await login();
    emu.setKnobs({ latencyMs: 600_000 });
    const { spawnChild } = await import('../helpers/run.ts');
    const holder = spawnChild(['get', 'dev'], env);
    const lockDir = join(home.dir, '.aws', 'ssohelper', 'locks');
    while (!existsSync(lockDir) || !(await hasLock(lockDir))) await new Promise((r) => setTimeout(r, 20));
    expectFailure(await run(['get', 'dev'], { ...env, SSOHELPER_LOCK_TIMEOUT: '1' }), 7, /gave up after 1s waiting for another ssohelper process fetching credentials for ReadOnly in 111111111111/);
    holder.kill('SIGTERM');
    await new Promise((r) => holder.on('close', r));
    emu.setKnobs({ latencyMs: 0 });
  });
});

async function hasLock(dir: string): Promise<boolean> {
  const { readdirSync } = await import('node:fs');
  return readdirSync(dir).some((f) => f.endsWith('.lock'));
}

