// Cache files another local user could have written are not trusted on read: a planted role
// entry or token is ignored with one warning naming the file and the fix, never served.
// (The tests run as root where the CI does; they chown to "nobody" to play the other user.)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe as suite, test } from 'node:test';
import { roleFile, seedRole, seedToken, tokenFile } from '../helpers/home.ts';
import { describe, expectFailure, processJson, run } from '../helpers/run.ts';
import { useEmulator } from '../helpers/fixture.ts';

const fx = useEmulator({ assign: [['111111111111', 'ReadOnly']] });
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

async function login() {
  return seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600, refreshable: true }));
}

/** A role entry with keys that must never reach stdout. */
async function plant(): Promise<string> {
  return seedRole(fx.home, '111111111111', 'ReadOnly', {
    accessKeyId: 'ASIAPLANTED',
    secretAccessKey: 'planted',
    sessionToken: 'planted',
    expiration: new Date(Date.now() + 3600_000),
  });
}

function warnings(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('ssohelper: warning:'));
}

suite('cache files other users could have written', () => {
  test('a world-writable role cache directory: the planted entry is not served', async () => {
    await login();
    const path = await plant();
    chmodSync(dirname(path), 0o777);
    const r = await run(['get', 'dev'], fx.env);
    assert.doesNotMatch(r.stdout, /PLANTED/, describe(r));
    const w = warnings(r.stderr);
    assert.equal(w.length, 1, describe(r));
    assert.ok(w[0]?.includes(path), w[0]);
    assert.match(w[0] ?? '', /is writable by everyone \(mode 0777\).*chmod 700 /);
    // Writing there is refused as before, so the call fails rather than use the directory.
    expectFailure(r, 3, /writable by everyone \(mode 0777\); refusing to write credentials there/);
    chmodSync(dirname(path), 0o700);
    assert.equal(
      processJson(await run(['get', 'dev'], fx.env)).AccessKeyId,
      'ASIAPLANTED',
      'a private directory is trusted again',
    );
  });

  test('a group- or world-writable entry is ignored with a chmod hint, then replaced by a fetched one', async () => {
    await login();
    const path = await plant();
    chmodSync(path, 0o666);
    const r = await run(['get', 'dev'], fx.env);
    const doc = processJson(r);
    assert.notEqual(doc.AccessKeyId, 'ASIAPLANTED');
    assert.deepEqual(warnings(r.stderr), [
      `ssohelper: warning: ignoring role credential cache file ${path}: it is writable by everyone (mode 0666); treating it as absent (fix: chmod 600 ${path})`,
    ]);
    assert.equal(fx.emu.counters.GetRoleCredentials, 1);
    const again = await run(['get', 'dev'], fx.env);
    assert.equal(processJson(again).AccessKeyId, doc.AccessKeyId, 'the rewritten entry is private and served');
    assert.equal(again.stderr, '');
  });

  test('an entry owned by another user is ignored', { skip: !isRoot && 'needs root to chown' }, async () => {
    await login();
    const path = await plant();
    chownSync(path, NOBODY, NOBODY);
    const r = await run(['get', 'dev'], fx.env);
    assert.notEqual(processJson(r).AccessKeyId, 'ASIAPLANTED');
    assert.match(
      warnings(r.stderr)[0] ?? '',
      new RegExp(`belongs to another user \\(uid ${NOBODY}\\).*fix: remove it: rm `),
    );
  });

  test("a cache directory that is a symlink to another user's directory is refused", {
    skip: !isRoot && 'needs root to chown',
  }, async () => {
    await login();
    const path = await plant();
    const theirs = join(fx.home.dir, 'theirs');
    renameSync(dirname(path), theirs);
    chmodSync(theirs, 0o755);
    chownSync(theirs, NOBODY, NOBODY);
    symlinkSync(theirs, dirname(path));
    const r = await run(['get', 'dev'], fx.env);
    assert.doesNotMatch(r.stdout, /PLANTED/);
    assert.match(warnings(r.stderr)[0] ?? '', /its directory .* belongs to another user/);
    expectFailure(r, 3, /belongs to another user .*refusing to write credentials there/);
  });

  test('a planted token is not used: login required, with the warning', async () => {
    await login();
    chmodSync(tokenFile(fx.home), 0o646);
    const r = await run(['get', 'dev'], fx.env);
    expectFailure(r, 4, /no SSO login found/);
    assert.match(
      warnings(r.stderr)[0] ?? '',
      /ignoring SSO token cache file .*: it is writable by everyone \(mode 0646\).*chmod 600/,
    );
  });

  test('status leaves out and reports what it cannot trust', { skip: !isRoot && 'needs root to chown' }, async () => {
    await login();
    const path = await plant();
    chmodSync(path, 0o620);
    chownSync(path, process.getuid?.() ?? 0, 4242);
    const r = await run(['status', '--output', 'json'], fx.env);
    assert.equal(r.code, 0, describe(r));
    assert.deepEqual(JSON.parse(r.stdout).roleCredentials, []);
    assert.match(warnings(r.stderr)[0] ?? '', /is writable by group 4242 \(mode 0620\)/);
  });

  test('group write is fine for a user-private group (umask 002 systems)', {
    skip: !isRoot && 'needs root to chown',
  }, async () => {
    await login();
    const path = await plant();
    chmodSync(path, 0o664);
    chmodSync(dirname(path), 0o775);
    // Root's own group is 0 = its uid: the user-private-group layout.
    const r = await run(['get', 'dev'], fx.env);
    assert.equal(processJson(r).AccessKeyId, 'ASIAPLANTED');
    assert.equal(r.stderr, '');
  });
});

/**
 * /dev/null, or a node of the same device when the machine's /dev/null is not one (some
 * sandboxes replace it with a plain file).
 */
function nullDevice(): string | undefined {
  if (statSync('/dev/null').isCharacterDevice()) return '/dev/null';
  if (!isRoot) return undefined;
  const path = join(fx.home.dir, 'null');
  execFileSync('mknod', [path, 'c', '1', '3']);
  return path;
}

suite('character devices', () => {
  test('AWS_SHARED_CREDENTIALS_FILE=/dev/null reads as an empty file, as in the AWS CLI', async (t) => {
    await login();
    const devNull = nullDevice();
    if (!devNull) return t.skip('no character device /dev/null here, and not root to make one');
    assert.ok(statSync(devNull).isCharacterDevice());
    const r = await run(['get', 'dev'], { ...fx.env, AWS_SHARED_CREDENTIALS_FILE: devNull });
    assert.equal(processJson(r).Version, 1);
    expectFailure(await run(['get', 'dev'], { ...fx.env, AWS_CONFIG_FILE: devNull }), 3, /profile "dev" not found/);
  });

  test('a device that never ends is not read', async () => {
    await login();
    processJson(await run(['get', 'dev'], { ...fx.env, AWS_SHARED_CREDENTIALS_FILE: '/dev/zero' }));
    const path = roleFile(fx.home, '111111111111', 'ReadOnly');
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    rmSync(path, { force: true });
    symlinkSync('/dev/zero', path);
    // A device planted as a cache file is an empty (corrupt) entry: fetched and replaced.
    processJson(await run(['get', 'dev'], fx.env));
  });
});
