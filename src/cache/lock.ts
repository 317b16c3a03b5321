// Cross-process mutual exclusion for "check the cache, fetch on a miss, write": a directory
// lock (proper-lockfile) whose holder keeps touching it, so a holder killed with SIGKILL is
// taken over after a few seconds instead of blocking everyone.
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
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
  let release: (() => Promise<void>) | undefined;
  for (let attempt = 0; !release; attempt++) {
    try {
      release = await lockfile.lock(file, {
        realpath: false,
        stale: STALE_MS,
        update: UPDATE_MS,
        retries: 0,
        // Losing the lock (a stalled holder was taken over) only risks one duplicate request;
        // the cache writes are atomic either way, so carry on rather than crash.
        onCompromised: (err) => rt.debug(`lock ${name} was taken over: ${err.message}`),
      });
    } catch (err) {
      // ENOENT: proper-lockfile made the lock directory, and before it could stamp it another
      // process that had judged the previous holder's lock stale removed it. Seen with 64
      // callers on a 2-core machine under heavy load; the lock is simply not ours yet.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ELOCKED' && code !== 'ENOENT') throw lockDirError(rt, err);
      if (rt.now() >= deadline) {
        throw new LockTimeoutError(
          `gave up after ${Math.round(timeoutMs / 1000)}s waiting for another ssohelper process ${what}`,
          `if no ssohelper is running, remove ${file}.lock; SSOHELPER_LOCK_TIMEOUT sets the wait in seconds`,
        );
      }
      if (attempt === 0) rt.debug(`waiting for lock ${name}`);
      await new Promise((r) => setTimeout(r, 5 + Math.random() * Math.min(250, 20 * 1.5 ** attempt)));
      const done = await whileWaiting?.();
      if (done !== undefined) {
        rt.debug(`done while waiting for lock ${name}`);
        return done;
      }
    }
  }
  rt.debug(`holding lock ${name}`);
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
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
