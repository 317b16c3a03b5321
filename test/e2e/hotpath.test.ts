// The split between the hot entry (dist/ssohelper.cjs, the SEA's main script) and the full
// program (dist/ssohelper-full.cjs, a SEA asset): a cached answer comes from the first alone,
// everything else from the second, and a user cannot tell the two apart.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadedBy, probedArgs, probeReport } from '../../scripts/lib/probe.ts';
import {
  FIXTURE,
  hasFixtureKey,
  roleCacheFile,
  writeConfig,
  writeFreshRoleCache,
  writeSsoToken,
} from '../../scripts/fixture.ts';
import { assumeRoleCachePath, serializeAssumedRole } from '../../src/cache/assumeRole.ts';
import { COLD_FILE, FULL_FILE, HOT_FILE } from '../../src/boot/embedded.ts';
import { Emulator } from '../emulator/server.ts';
import { collect, describe as explain, ROOT } from '../helpers/run.ts';
import { tempDir } from '../helpers/temp.ts';

const BIN = join(ROOT, 'dist', 'ssohelper');
const HOT = join(ROOT, 'dist', HOT_FILE);
const skip = existsSync(BIN) && existsSync(HOT) ? false : 'dist/ is not built: run `make build` (make test does)';

describe('hot entry and full program', { skip }, () => {
  let home = '';
  let env: Record<string, string> = {};
  beforeEach(() => {
    home = tempDir('ssohelper-hot-');
    writeConfig(home);
    writeFreshRoleCache(home);
    // Port 9 (discard) on loopback: any network attempt fails at once.
    env = { HOME: home, PATH: '/usr/bin:/bin', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const loads = (args: string[]) => loadedBy(process.execPath, HOT, args, env);
  const fullLoaded = (files: string[]) => files.some((f) => f.endsWith(FULL_FILE));
  const coldLoaded = (files: string[]) => files.some((f) => f.endsWith(COLD_FILE));

  test('a cached get, env and export-credentials run without the cold script, the full program or network builtins', () => {
    for (const args of [
      ['get', FIXTURE.profile],
      ['env', FIXTURE.profile, '--format', 'fish'],
      ['export-credentials', '--profile', FIXTURE.profile],
    ]) {
      const r = loads(args);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.ok(r.stdout.includes(FIXTURE.accessKeyId), r.stdout);
      assert.ok(!fullLoaded(r.files), `${args[0]} loaded ${FULL_FILE}`);
      assert.ok(!coldLoaded(r.files), `${args[0]} loaded ${COLD_FILE}`);
      for (const m of ['net', 'http', 'https', 'tls', 'zlib'])
        assert.ok(!r.builtins.includes(m), `${args[0]} loaded node:${m}`);
    }
  });

  test('a cached role chain and a static-key profile are hot answers too; a credential_process is not', () => {
    const roleArn = 'arn:aws:iam::333333333333:role/Deploy';
    appendFileSync(
      join(home, '.aws', 'config'),
      `\n[profile chained]\nrole_arn = ${roleArn}\nsource_profile = ${FIXTURE.profile}\n[profile keys]\naws_access_key_id = AKIAHOTSTATIC\naws_secret_access_key = c2VjcmV0\n[profile proc]\ncredential_process = /bin/echo {}\n`,
    );
    const args = { roleArn, roleSessionName: undefined, externalId: undefined, durationSeconds: undefined };
    writeFileSync(
      assumeRoleCachePath(join(home, '.aws', 'cli', 'cache'), args),
      serializeAssumedRole({
        accessKeyId: 'ASIAHOTCHAINED',
        secretAccessKey: 'c2VjcmV0',
        sessionToken: 'dG9rZW4=',
        expiration: new Date(Date.now() + 3_600_000),
        accountId: '333333333333',
        assumedRoleArn: `arn:aws:sts::333333333333:assumed-role/Deploy/s`,
        assumedRoleId: 'AROAEXAMPLE:s',
      }),
    );
    for (const [profile, key] of [
      ['chained', 'ASIAHOTCHAINED'],
      ['keys', 'AKIAHOTSTATIC'],
    ]) {
      const r = loads(['get', profile as string]);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(r.stdout.includes(key as string), r.stdout);
      assert.ok(!fullLoaded(r.files), `${profile} loaded ${FULL_FILE}`);
    }
    assert.ok(fullLoaded(loads(['get', 'proc']).files));
  });

  test('everything else is the full program: other commands, help, debug', () => {
    for (const args of [['--version'], ['status'], ['get', '--help'], ['get', FIXTURE.profile, '--debug']]) {
      assert.ok(fullLoaded(loads(args).files), `${args.join(' ')} did not load ${FULL_FILE}`);
    }
  });

  test('a cache miss without a token is answered by the hot entry: login required, once, exit 4', () => {
    rmSync(roleCacheFile(home));
    const miss = loads(['get', FIXTURE.profile]);
    assert.ok(!fullLoaded(miss.files), `a miss loaded ${FULL_FILE}`);
    assert.equal(miss.status, 4, miss.stderr);
    assert.equal(miss.stderr.match(/ssohelper login/g)?.length, 1, miss.stderr);
  });

  describe('a first get for a role (one GetRoleCredentials)', () => {
    let emu: Emulator;
    beforeEach(async () => {
      emu = await Emulator.start();
      rmSync(roleCacheFile(home));
      await writeSsoToken(home, emu.issueSession({ ttlSeconds: 3600 }));
      env = { ...env, AWS_ENDPOINT_URL_SSO: emu.url, AWS_ENDPOINT_URL_SSO_OIDC: emu.url };
    });
    afterEach(() => emu.stop());

    const coldRun = async (args: string[]) => {
      const child = spawn(process.execPath, probedArgs(HOT, args), { env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
      let raw = '';
      (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => (raw += d));
      const r = await collect(child);
      return { ...r, ...probeReport(raw) };
    };

    test('runs in the hot entry with the cold script: no full program, no node:http, the entry written', async () => {
      const r = await coldRun(['get', FIXTURE.profile]);
      assert.equal(r.code, 0, explain(r));
      assert.equal(emu.counters.GetRoleCredentials, 1);
      assert.ok(coldLoaded(r.files), `a first get did not load ${COLD_FILE}`);
      assert.ok(!fullLoaded(r.files), `a first get loaded ${FULL_FILE}`);
      for (const heavy of ['http', 'https', 'tls', 'internal/fs/promises'])
        assert.ok(!r.builtins.includes(heavy), `a first get loaded ${heavy}`);
      assert.ok(existsSync(roleCacheFile(home)));
    });

    test('a refusal from the portal is reported by the hot entry, once, without asking again', async () => {
      emu.failNext('GetRoleCredentials', 403, 1, 'ForbiddenException');
      const r = await coldRun(['get', FIXTURE.profile]);
      assert.equal(r.code, 5, explain(r));
      assert.equal(emu.counters.GetRoleCredentials, 1, 'one request: the full program did not make it again');
      assert.ok(!fullLoaded(r.files));
      assert.equal(r.stderr.match(/no access to role/g)?.length, 1, r.stderr);
    });

    test('a token due for refresh hands over before any request: the full program refreshes and fetches', async () => {
      await writeSsoToken(home, emu.issueSession({ ttlSeconds: 60 }));
      const r = await coldRun(['get', FIXTURE.profile]);
      assert.equal(r.code, 0, explain(r));
      assert.ok(fullLoaded(r.files), 'a refresh needs the SDK, in the full program');
      assert.equal(emu.counters.CreateToken, 1);
      assert.equal(emu.counters.GetRoleCredentials, 1);
    });
  });

  test('the executable: a warning is printed once, whether the hot entry answers or hands over', () => {
    writeFileSync(
      join(home, '.aws/credentials'),
      `[${FIXTURE.profile}]\naws_access_key_id = AKIASHADOW\naws_secret_access_key = x\n`,
    );
    const hit = spawnSync(BIN, ['get', FIXTURE.profile], { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(hit.status, 0, hit.stderr);
    assert.ok(hasFixtureKey(hit.stdout), hit.stdout);
    assert.equal(hit.stderr.match(/also has keys/g)?.length, 1, hit.stderr);
    // The hot entry reaches the warning, then the missing entry: the full program starts over.
    rmSync(roleCacheFile(home));
    const miss = spawnSync(BIN, ['get', FIXTURE.profile], { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(miss.status, 4, miss.stderr);
    assert.equal(miss.stderr.match(/also has keys/g)?.length, 1, miss.stderr);
  });

  test('the executable: errors on the hot commands are printed once, by whichever entry meets them', () => {
    const usage = spawnSync(BIN, ['get', FIXTURE.profile, '--min-ttl', 'soon'], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(usage.status, 2, usage.stderr);
    assert.equal(usage.stderr.match(/not a duration/g)?.length, 1, usage.stderr);
    const unknown = spawnSync(BIN, ['env', 'nosuchprofile'], { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(unknown.status, 3, unknown.stderr);
    assert.equal(unknown.stdout, '');
  });

  test('the executable has a code cache for each of its four scripts, and V8 takes each', () => {
    const r = spawnSync(BIN, ['--version'], {
      env: { ...env, SSOHELPER_DEBUG: '1' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /hot script loaded from asset\+cache, full program from asset\+cache/);
    assert.match(r.stderr, /cold script from asset\+cache, SDK from asset\+cache/);
  });
});

// A cached answer takes milliseconds, so a signal cannot be aimed at it from outside: this
// preload pauses the hot entry when it opens the AWS config (Node's fs.openSync, not our code),
// until the test has sent its signal. It also reports, at exit, how many listeners each signal
// had: one, the hot entry's or (after a hand-over) the full program's, never both.
const PRELOAD = `
const fs = require('node:fs');
const { PAUSE_PATH, PAUSE_READY, PAUSE_RESUME } = process.env;
const openSync = fs.openSync;
fs.openSync = function (path, ...rest) {
  if (PAUSE_PATH && String(path) === PAUSE_PATH && !fs.existsSync(PAUSE_READY)) {
    fs.writeFileSync(PAUSE_READY, '');
    const cell = new Int32Array(new SharedArrayBuffer(4));
    while (!fs.existsSync(PAUSE_RESUME)) Atomics.wait(cell, 0, 0, 10);
  }
  return openSync.call(this, path, ...rest);
};
process.on('exit', () => fs.writeSync(2, 'listeners: SIGINT ' + process.listenerCount('SIGINT') + ', SIGTERM ' + process.listenerCount('SIGTERM') + ', SIGHUP ' + process.listenerCount('SIGHUP') + '\\n'));
`;

describe('signals on the hot path (defect 16)', { skip }, () => {
  const home = tempDir('ssohelper-hotsig-');
  writeConfig(home);
  writeFreshRoleCache(home);
  const preload = join(home, 'pause.cjs');
  writeFileSync(preload, PRELOAD);
  const env = { HOME: home, PATH: '/usr/bin:/bin', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    test(`${signal} during a cached get exits ${code} with nothing on stdout`, async () => {
      const ready = join(home, `ready-${signal}`);
      const resume = join(home, `resume-${signal}`);
      const child = spawn(process.execPath, ['--require', preload, HOT, 'get', FIXTURE.profile], {
        env: { ...env, PAUSE_PATH: join(home, '.aws', 'config'), PAUSE_READY: ready, PAUSE_RESUME: resume },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const done = collect(child);
      while (!existsSync(ready)) await sleep(10);
      child.kill(signal);
      writeFileSync(resume, '');
      const r = await done;
      assert.deepEqual([r.code, r.signal], [code, null], explain(r));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^listeners: SIGINT 1, SIGTERM 1, SIGHUP 1$/m);
    });
  }

  test('without a signal the answer is unchanged; after a hand-over only the full program listens', () => {
    const hot = spawnSync(process.execPath, ['--require', preload, HOT, 'get', FIXTURE.profile], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(hot.status, 0, hot.stderr);
    assert.ok(hasFixtureKey(hot.stdout), hot.stdout);
    for (const args of [['status'], ['get', FIXTURE.profile, '--debug']]) {
      const full = spawnSync(process.execPath, ['--require', preload, HOT, ...args], {
        env,
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(full.status, 0, full.stderr);
      assert.match(full.stderr, /^listeners: SIGINT 1, SIGTERM 1, SIGHUP 1$/m, `${args.join(' ')}: ${full.stderr}`);
    }
  });
});
