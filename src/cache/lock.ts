// Cross-process mutual exclusion for "check the cache, fetch on a miss, write": a directory
// lock whose holder keeps touching it, so a holder killed with SIGKILL is taken over after a few
// seconds instead of blocking everyone.
//
// The protocol is proper-lockfile's, which earlier releases used, so that an old and a new
// ssohelper running side by side during an upgrade still exclude each other: the lock is the
// directory `<name>.lock` made with mkdir (atomic, on Windows too), its holder sets its mtime
// every second, and one older than four seconds belongs to a dead holder and may be removed.
// Our own code rather than the library: loading proper-lockfile (and the signal-exit and
// node:assert it pulls in) cost more than the rest of the lock, about 6 ms of a first `get`.
// Synchronous calls, as everywhere in our file code (fs/files.ts says why).
import { fullProgram } from '../util/load.ts';
import { mkdirSync, rmdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, LockTimeoutError } from '../errors.ts';
import { ensurePrivateDir, failureReason } from '../fs/files.ts';
import { type Runtime, secondsSetting } from '../runtime.ts';
import { sha1Hex } from '../util/sha1.ts';

const STALE_MS = 4_000;
const UPDATE_MS = 1_000;

export function lockTimeoutMs(rt: Runtime): number {
  return secondsSetting(rt, 'SSOHELPER_LOCK_TIMEOUT');
}

// Every lock's name, here so that all writers of one file agree on its lock. Names are built
// from cache-file hashes, so logout, which only sees file names, takes the same lock as a refresh.

/** Serialises writers of one token file (refresh, login, logout). */
export function tokenLockName(tokenFileHash: string): string {
  return `token-${tokenFileHash}`;
}

/** One fetch per role-cache entry at a time. */
export function roleLockName(roleFileHash: string): string {
  return `role-${roleFileHash}`;
}

/** One refresh of a console session's file at a time (its rotating refresh token dies on use). */
export function loginSessionLockName(loginFileHash: string): string {
  return `console-${loginFileHash}`;
}

/** One login per SSO session at a time (held for the whole sign-in, not only the write). */
export function loginLockName(tokenFileHash: string): string {
  return `login-${tokenFileHash}`;
}

/** ssohelper's rewrites of one config file (sync, init), so two never interleave. */
export function configLockName(configFile: string): string {
  return `config-${sha1Hex(configFile)}`;
}

export function lockPath(rt: Runtime, name: string): string {
  return join(rt.paths.lockDir, name);
}

/**
 * Runs `fn` while holding the lock `name`. `what` describes the guarded work for the message a
 * waiting caller gets when it gives up.
 */
export async function withLock<T>(
  rt: Runtime,
  name: string,
  what: string,
  fn: () => Promise<T>,
  timeoutMs = lockTimeoutMs(rt),
  /**
   * Asked after each failed attempt: a result ends the wait without taking the lock. Lets the
   * callers that queue behind one fetch leave as soon as its result is on disk, instead of
   * passing the lock along one by one to look at the same file (64 callers on 2 cores: the
   * queue, not the fetch, was most of the time).
   */
  whileWaiting?: () => Promise<T | undefined>,
): Promise<T> {
  await ensurePrivateDir(rt.paths.lockDir);
  const file = lockPath(rt, name);
  const deadline = rt.now() + timeoutMs;
  let held: HeldLock | undefined;
  const waitStarted = rt.now();
  // A person at a terminal hears about a wait that outlasts a moment (another login, a slow fetch).
  let stopNotice: (() => void) | undefined;
  try {
    for (let attempt = 0; !held; attempt++) {
      try {
        held = await tryLock(`${file}.lock`, (message) => rt.debug(`lock ${name} ${message}`));
      } catch (err) {
        throw lockDirError(rt, err);
      }
      if (!held) {
        if (rt.now() >= deadline) {
          throw new LockTimeoutError(
            `gave up after ${Math.round(timeoutMs / 1000)}s waiting for another ssohelper process ${what}`,
            `if no ssohelper is running, remove ${file}.lock; SSOHELPER_LOCK_TIMEOUT sets the wait in seconds`,
          );
        }
        if (attempt === 0) rt.debug(`waiting for lock ${name}`);
        if (!stopNotice && rt.now() - waitStarted >= QUIET_WAIT_MS && rt.terminal.fancy('stderr'))
          stopNotice = await waitNotice(rt, what, waitStarted);
        await new Promise((r) => setTimeout(r, 5 + Math.random() * Math.min(250, 20 * 1.5 ** attempt)));
        const done = await whileWaiting?.();
        if (done !== undefined) {
          rt.debug(`done while waiting for lock ${name}`);
          return done;
        }
      }
    }
  } finally {
    stopNotice?.();
  }
  rt.debug(`holding lock ${name}`);
  try {
    return await fn();
  } finally {
    await held.release();
  }
}

/** Same as tui/progress.ts's QUIET_WAIT_MS, which is loaded only once a wait is that long. */
const QUIET_WAIT_MS = 2_000;

// Only on a terminal: in the hot entry or the cold script this import hands the run over to the
// full program (which waits again, with the line), and a herd in CI must not pay for that.
async function waitNotice(rt: Runtime, what: string, since: number): Promise<() => void> {
  const { waitingLine } = await fullProgram(() => import('../tui/progress.ts'));
  return waitingLine(rt, `another ssohelper process ${what}`, 0, since);
}

interface HeldLock {
  release(): Promise<void>;
}

/** What tells our lock directory from one made after it: its inode and the mtime we last gave it. */
interface Mark {
  ino: number;
  mtimeMs: number;
}

/** Our lock directories, by path: removed at exit. */
const ours = new Map<string, Mark>();
let exitHook = false;

/**
 * Takes the lock directory `dir`, or returns undefined while someone else holds it. Throws for a
 * failure of the lock directory itself (permissions, a read-only or full disk).
 */
async function tryLock(dir: string, debug: (message: string) => void): Promise<HeldLock | undefined> {
  if (!makeLockDir(dir)) {
    // Held, unless its holder stopped touching it: then it is dead, and its lock is removed.
    const since = markOf(dir)?.mtimeMs;
    if (since !== undefined && since >= Date.now() - STALE_MS) return undefined;
    if (since !== undefined) {
      debug(`was left by a holder that stopped ${Math.round((Date.now() - since) / 1000)}s ago; taking it over`);
      removeGone(dir);
    }
    // One more try, no more: if another waiter got there first, the lock is simply not ours.
    if (!makeLockDir(dir)) return undefined;
  }
  // A waiter that judged us stale (this process stalled for seconds) removes our directory and
  // makes its own, possibly with the same inode number: the mtime tells them apart. We then
  // neither touch nor remove the new holder's lock.
  const made = markOf(dir);
  if (!made) return undefined;
  let mark = made;
  ours.set(dir, mark);
  if (!exitHook) {
    exitHook = true;
    // Ctrl-C and SIGTERM end in process.exit (main.ts), so this runs for them too.
    process.once('exit', () => {
      for (const [d, m] of ours) removeIfOurs(d, m);
    });
  }
  let lost = false;
  const stillOurs = () => sameMark(markOf(dir), mark);
  const touch = setInterval(() => {
    if (lost) return;
    try {
      if (!stillOurs()) throw new Error('replaced');
      const now = new Date();
      utimesSync(dir, now, now);
      const touched = markOf(dir);
      if (!touched || touched.ino !== mark.ino) throw new Error('replaced');
      mark = touched;
      if (ours.has(dir)) ours.set(dir, mark);
    } catch {
      // Losing the lock only risks one duplicate request; the cache writes are atomic either
      // way, so carry on rather than fail.
      lost = true;
      ours.delete(dir);
      debug('was taken over while held (this process stalled for seconds)');
    }
  }, UPDATE_MS);
  touch.unref();
  return {
    release: async () => {
      clearInterval(touch);
      ours.delete(dir);
      if (lost) return;
      try {
        if (stillOurs()) rmdirSync(dir);
      } catch {
        // gone already
      }
    },
  };
}

function markOf(dir: string): Mark | undefined {
  try {
    const s = statSync(dir);
    return { ino: s.ino, mtimeMs: s.mtimeMs };
  } catch (err) {
    return ignoreGone(err);
  }
}

function removeGone(dir: string): void {
  try {
    rmdirSync(dir);
  } catch (err) {
    ignoreGone(err);
  }
}

function sameMark(a: Mark | undefined, b: Mark): boolean {
  return a !== undefined && a.ino === b.ino && a.mtimeMs === b.mtimeMs;
}

/** True when we made the directory; false when it exists. */
function makeLockDir(dir: string): boolean {
  try {
    // Private like everything under ~/.aws/ssohelper (the folder is 0700 as well).
    mkdirSync(dir, 0o700);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function removeIfOurs(dir: string, mark: Mark): void {
  try {
    const s = statSync(dir);
    if (sameMark({ ino: s.ino, mtimeMs: s.mtimeMs }, mark)) rmdirSync(dir);
  } catch {
    // gone already
  }
}

function ignoreGone(err: unknown): undefined {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  throw err;
}

/** The lock directory itself failed us (permissions, a read-only or full disk): say which. */
function lockDirError(rt: Runtime, err: unknown): ConfigError {
  const dir = rt.paths.lockDir;
  return new ConfigError(
    `cannot take a lock in ${dir}: ${failureReason(err)}`,
    `ssohelper keeps its locks there; check its owner, mode and free space: ls -ld ${dir}; df -h ${dir}`,
    { cause: err },
  );
}
