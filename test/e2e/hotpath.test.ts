// The split between the hot entry (dist/ssohelper.cjs, the SEA's main script) and the full
// program (dist/ssohelper-full.cjs, a SEA asset): a cached answer comes from the first alone,
// everything else from the second, and a user cannot tell the two apart.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { loadedBy } from '../../scripts/build.ts';
import { FIXTURE, hasFixtureKey, roleCacheFile, writeConfig, writeFreshRoleCache } from '../../scripts/fixture.ts';
import { assumeRoleCachePath, serializeAssumedRole } from '../../src/cache/assumeRole.ts';
import { FULL_FILE, HOT_FILE } from '../../src/hot/embedded.ts';
import { ROOT } from '../helpers/run.ts';
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

  test('a cached get, env and export-credentials run without the full program or network builtins', () => {
    for (const args of [['get', FIXTURE.profile], ['env', FIXTURE.profile, '--format', 'fish'], ['export-credentials', '--profile', FIXTURE.profile]]) {
      const r = loads(args);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.ok(r.stdout.includes(FIXTURE.accessKeyId), r.stdout);
      assert.ok(!fullLoaded(r.files), `${args[0]} loaded ${FULL_FILE}`);
      for (const m of ['http', 'https', 'tls', 'zlib']) assert.ok(!r.builtins.includes(m), `${args[0]} loaded node:${m}`);
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
    for (const [profile, key] of [['chained', 'ASIAHOTCHAINED'], ['keys', 'AKIAHOTSTATIC']]) {
      const r = loads(['get', profile as string]);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(r.stdout.includes(key as string), r.stdout);
      assert.ok(!fullLoaded(r.files), `${profile} loaded ${FULL_FILE}`);
    }
    assert.ok(fullLoaded(loads(['get', 'proc']).files));
  });

  test('everything else is the full program: other commands, help, debug, a cache miss', () => {
    for (const args of [['--version'], ['status'], ['get', '--help'], ['get', FIXTURE.profile, '--debug'], ['get', FIXTURE.profile, '--refresh']]) {
      assert.ok(fullLoaded(loads(args).files), `${args.join(' ')} did not load ${FULL_FILE}`);
    }
    rmSync(roleCacheFile(home));
    const miss = loads(['get', FIXTURE.profile]);
    assert.ok(fullLoaded(miss.files));
    // No token for the session: the full program says so, once, with the login exit code.
    assert.equal(miss.status, 4, miss.stderr);
    assert.equal(miss.stderr.match(/ssohelper login/g)?.length, 1, miss.stderr);
  });

  test('the executable: a warning is printed once, whether the hot entry answers or hands over', () => {
    writeFileSync(join(home, '.aws/credentials'), `[${FIXTURE.profile}]\naws_access_key_id = AKIASHADOW\naws_secret_access_key = x\n`);
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

  test('the executable: errors on the hot commands come from the full program, once', () => {
    const usage = spawnSync(BIN, ['get', FIXTURE.profile, '--min-ttl', 'soon'], { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(usage.status, 2, usage.stderr);
    assert.equal(usage.stderr.match(/not a duration/g)?.length, 1, usage.stderr);
    const unknown = spawnSync(BIN, ['env', 'nosuchprofile'], { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(unknown.status, 3, unknown.stderr);
    assert.equal(unknown.stdout, '');
  });

  test('the executable runs both bundles from their embedded code caches', () => {
    const r = spawnSync(BIN, ['--version'], { env: { ...env, SSOHELPER_DEBUG: '1' }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /hot script loaded from asset\+cache, full program from asset\+cache/);
  });
});
