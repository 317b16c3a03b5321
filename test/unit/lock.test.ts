// The cross-process lock (src/cache/lock.ts) on real directories and real processes: exclusion,
// the protocol other ssohelper versions share (a `<name>.lock` directory, stale after four
// seconds without a touch), and that a holder never removes a lock that is no longer its own.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { lockPath, withLock } from '../../src/cache/lock.ts';
import { LockTimeoutError } from '../../src/errors.ts';
import { createRuntime } from '../../src/runtime.ts';
import { ROOT } from '../helpers/run.ts';
import { tempDir } from '../helpers/temp.ts';

function runtime(debugLines: string[] = []) {
  const home = tempDir('ssohelper-lock-');
  return createRuntime({
    env: { HOME: home },
    debug: true,
    stderr: (t) => debugLines.push(t),
    interactive: () => false,
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('two holders of one lock never overlap; different names do not wait for each other', async () => {
  const rt = runtime();
  const events: string[] = [];
  const holder = (id: string) =>
    withLock(rt, 'role-a', 'testing', async () => {
      events.push(`${id} in`);
      await sleep(30);
      events.push(`${id} out`);
      return id;
    });
  let otherRan = false;
  let mode = 0;
  const other = withLock(rt, 'role-b', 'testing', async () => {
    mode = statSync(`${lockPath(rt, 'role-b')}.lock`).mode & 0o777;
    otherRan = true;
  });
  const results = await Promise.all([holder('1'), holder('2'), other]);
  assert.equal(mode.toString(8), '700', 'a lock directory is private');
  assert.deepEqual(results.slice(0, 2), ['1', '2']);
  assert.ok(otherRan);
  // In, out, in, out: whichever went first finished before the other started.
  assert.deepEqual(
    events.map((e) => e.split(' ')[1]),
    ['in', 'out', 'in', 'out'],
  );
  assert.equal(events[0]?.split(' ')[0], events[1]?.split(' ')[0]);
  assert.equal(existsSync(`${lockPath(rt, 'role-a')}.lock`), false, 'released locks are removed');
});

test('a lock directory another process holds (fresh mtime) is waited for, then the wait gives up with LockTimeoutError', async () => {
  const rt = runtime();
  mkdirSync(rt.paths.lockDir, { recursive: true, mode: 0o700 });
  const dir = `${lockPath(rt, 'role-held')}.lock`;
  mkdirSync(dir);
  // Kept fresh as a live holder would.
  const touch = setInterval(() => utimesSync(dir, new Date(), new Date()), 200);
  try {
    let ran = false;
    await assert.rejects(
      withLock(rt, 'role-held', 'fetching something', async () => (ran = true), 600),
      (err: unknown) =>
        err instanceof LockTimeoutError && err.message.includes('fetching something') && (err.hint ?? '').includes(dir),
    );
    assert.equal(ran, false);
    assert.ok(existsSync(dir), "someone else's lock is left alone");
  } finally {
    clearInterval(touch);
  }
});

test('a lock left by a dead holder (no touch for over four seconds) is taken over at once', async () => {
  const lines: string[] = [];
  const rt = runtime(lines);
  mkdirSync(rt.paths.lockDir, { recursive: true, mode: 0o700 });
  const dir = `${lockPath(rt, 'role-dead')}.lock`;
  mkdirSync(dir);
  const longAgo = new Date(Date.now() - 10_000);
  utimesSync(dir, longAgo, longAgo);
  const result = await withLock(rt, 'role-dead', 'testing', async () => 'ran', 0);
  assert.equal(result, 'ran');
  assert.equal(existsSync(dir), false);
  assert.ok(
    lines.some((l) => /role-dead was left by a holder that stopped 1\ds ago/.test(l)),
    lines.join(''),
  );
});

test('a holder keeps its lock fresh while it works', async () => {
  const rt = runtime();
  const dir = `${lockPath(rt, 'role-slow')}.lock`;
  await withLock(rt, 'role-slow', 'testing', async () => {
    // The touch comes every second: wait for it rather than for a fixed time.
    const made = statSync(dir).mtimeMs;
    while (statSync(dir).mtimeMs === made) await sleep(50);
  });
});

test('a holder whose lock was taken over meanwhile leaves the new holder’s lock in place', async () => {
  const lines: string[] = [];
  const rt = runtime(lines);
  const dir = `${lockPath(rt, 'role-stolen')}.lock`;
  await withLock(rt, 'role-stolen', 'testing', async () => {
    // What a waiter does after judging this holder stale: remove the lock and make its own.
    rmdirSync(dir);
    mkdirSync(dir);
    await sleep(1_300);
  });
  assert.ok(existsSync(dir), 'the other process still holds its lock');
  assert.ok(
    lines.some((l) => l.includes('role-stolen was taken over while held')),
    lines.join(''),
  );
});

test('a process that exits while holding the lock (Ctrl-C, SIGTERM, process.exit) removes it', () => {
  const home = tempDir('ssohelper-lock-exit-');
  const src = pathToFileURL(join(ROOT, 'src')).href;
  const script = `
    const { withLock } = await import('${src}/cache/lock.ts');
    const { createRuntime } = await import('${src}/runtime.ts');
    const rt = createRuntime({ env: { HOME: ${JSON.stringify(home)} }, debug: false, stderr: () => {}, interactive: () => false });
    await withLock(rt, 'role-exit', 'testing', async () => {
      process.stdout.write('held\\n');
      process.exit(130);
    });`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 130, r.stderr);
  assert.equal(r.stdout, 'held\n');
  assert.equal(existsSync(join(home, '.aws', 'ssohelper', 'locks', 'role-exit.lock')), false);
  assert.ok(existsSync(join(home, '.aws', 'ssohelper', 'locks')));
});
