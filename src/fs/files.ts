// The only place that reads and writes our files. Reads are bounded and tolerate absence;
// writes are atomic (temp file in the same directory, then rename), never follow a symlink at
// the target, and create missing directories private to the user.
import { isUtf8 } from 'node:buffer';
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, oneLine } from '../errors.ts';

/** Larger than any real cache file; a bigger one is not something we or the AWS tools wrote. */
const MAX_CACHE_BYTES = 4 * 1024 * 1024;
/** botocore has no limit; generated configs for large organisations reach a few MiB. */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

/** Where a refused cache file is reported: one line, on stderr. */
export type Warn = (line: string) => void;

interface ReadOptions {
  maxBytes?: number;
  /** Refuse bytes that are not UTF-8 (botocore fails on them) instead of replacing them. */
  strictUtf8?: boolean;
}

/**
 * File contents, or undefined when it does not exist. Other failures name the file.
 * Synchronous on purpose, as every file operation here: fs/promises drags in streams and
 * readline (about 3.5 ms to load, more than the few small reads and writes of a `get` take),
 * and the event loop has nothing else to do meanwhile.
 */
export async function readTextFile(path: string, what: string, options: ReadOptions = {}): Promise<string | undefined> {
  return readOpened(path, what, options, undefined);
}

/**
 * A cache file (token, client registration, role credentials), or undefined when absent or
 * when another user could have written it: the file or its directory (a symlink is judged by
 * its target) belongs to someone other than us or root, or others can write to it. Such a file
 * is reported once through `warn` and treated as absent, so a planted entry is never served.
 */
export async function readCacheFile(path: string, what: string, warn: Warn): Promise<string | undefined> {
  return readOpened(path, what, {}, (fileStat) => {
    const fileProblem = ownershipProblem(fileStat);
    if (fileProblem)
      return refuse(warn, path, `ignoring ${what} ${path}: it ${fileProblem}`, fixFor(path, fileStat, 0o600));
    const dir = dirname(path);
    let dirStat: Stats;
    try {
      dirStat = statSync(dir);
    } catch {
      return false; // it was just opened through this directory; a race is not worth a message
    }
    const dirProblem = ownershipProblem(dirStat);
    // Keyed by the directory: status reads every file in it and needs to say this only once.
    if (dirProblem)
      return refuse(
        warn,
        dir,
        `ignoring ${what} ${path}: its directory ${dir} ${dirProblem}`,
        fixFor(dir, dirStat, 0o700),
      );
    return true;
  });
}

async function readOpened(
  path: string,
  what: string,
  options: ReadOptions,
  trusted: ((stat: Stats) => boolean) | undefined,
): Promise<string | undefined> {
  let fd: number;
  try {
    // O_NONBLOCK so a FIFO planted at the path cannot hang us; it is rejected below.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw fileError(err, path, what, 'read');
  }
  try {
    const stat = fstatSync(fd);
    // botocore reads only regular files and takes anything else for absent; /dev/null as
    // AWS_SHARED_CREDENTIALS_FILE is a common way to say "none". Never read a device: /dev/zero
    // would not end, a terminal would block.
    if (stat.isCharacterDevice()) return '';
    if (!stat.isFile())
      throw new ConfigError(`${what} ${path} is not a regular file`, 'move it away; it should be a file');
    const max = options.maxBytes ?? MAX_CACHE_BYTES;
    if (stat.size > max) {
      throw new ConfigError(
        `${what} ${path} is ${mib(stat.size)}; ssohelper reads such files up to ${mib(max)}`,
        'remove what is not needed, or move it away',
      );
    }
    if (trusted && !trusted(stat)) return undefined;
    const bytes = readFileSync(fd);
    if (options.strictUtf8 && !isUtf8(bytes)) {
      throw new ConfigError(
        `${what} ${path}, line ${firstInvalidUtf8Line(bytes)}: not valid UTF-8 text (the AWS CLI cannot read it either)`,
        'save the file as UTF-8',
      );
    }
    return bytes.toString('utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw fileError(err, path, what, 'read');
  } finally {
    closeSync(fd);
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function firstInvalidUtf8Line(bytes: Buffer): number {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      if (!isUtf8(bytes.subarray(start, i))) return line;
      line++;
      start = i + 1;
    }
  }
  return line;
}

/**
 * Why another local user could have written through `stat`, or undefined when only we (or
 * root) can. Group write is allowed only for a user-private group (the group is ours and has
 * our uid as its id, as systems with umask 002 set up), where nobody else is in the group.
 */
export function ownershipProblem(stat: Stats): string | undefined {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid === undefined || gid === undefined) return undefined; // Windows: ACLs, not modes
  if (stat.uid !== uid && stat.uid !== 0) return `belongs to another user (uid ${stat.uid})`;
  if ((stat.mode & 0o002) !== 0) return `is writable by everyone (mode ${octal(stat.mode)})`;
  if ((stat.mode & 0o020) !== 0 && !(stat.gid === gid && gid === uid))
    return `is writable by group ${stat.gid} (mode ${octal(stat.mode)})`;
  return undefined;
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

function fixFor(path: string, stat: Stats, mode: number): string {
  const uid = process.getuid?.();
  if (stat.uid !== uid && stat.uid !== 0) {
    return stat.isDirectory()
      ? `check where it points (ls -ld ${path}); use a directory of your own, mode ${mode.toString(8)}`
      : `remove it: rm ${path}`;
  }
  return `chmod ${mode.toString(8)} ${path}`;
}

const warned = new Set<string>();

function refuse(warn: Warn, key: string, message: string, fix: string): false {
  if (!warned.has(key)) {
    warned.add(key);
    warn(`ssohelper: warning: ${oneLine(message)}; treating it as absent (fix: ${oneLine(fix)})\n`);
  }
  return false;
}

export async function ensurePrivateDir(dir: string): Promise<void> {
  let stat: Stats;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw fileError(err, dir, 'directory', 'create');
  }
  try {
    stat = statSync(dir);
  } catch (err) {
    throw fileError(err, dir, 'directory', 'use');
  }
  if (!stat.isDirectory())
    throw new ConfigError(`${dir} is not a directory`, 'move it away so ssohelper can create the directory');
  // A directory someone else owns or can write to would let them swap our files; reads apply
  // the same rule (readCacheFile).
  const problem = ownershipProblem(stat);
  if (problem)
    throw new ConfigError(
      `${dir} ${problem}; refusing to write credentials there`,
      `fix it: chown $(id -u) ${dir} && chmod 700 ${dir}`,
    );
}

/**
 * Windows refuses to rename over a file that another process has open without delete sharing
 * (botocore reading a cache file, an antivirus or indexer scanning it): EPERM, EACCES or EBUSY,
 * usually for milliseconds. There the rename is retried on this schedule (about 1.6 s in all);
 * elsewhere those codes mean real permission problems and fail at once. Never a write in place.
 */
export const REPLACE_RETRY_DELAYS_MS: readonly number[] = [10, 20, 40, 80, 160, 320, 500, 500];
const BUSY_CODES = new Set(['EPERM', 'EACCES', 'EBUSY']);

export interface ReplaceOptions {
  platform?: NodeJS.Platform;
  /** The rename to use (tests stand in for a Windows file that is held open). */
  rename?: (from: string, to: string) => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
}

/** rename(from, to), retried within a bound while Windows reports the target busy. */
export async function replaceFile(from: string, to: string, options: ReplaceOptions = {}): Promise<void> {
  const platform = options.platform ?? process.platform;
  const rename = options.rename ?? (async (from: string, to: string) => renameSync(from, to));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (platform !== 'win32' || !BUSY_CODES.has(code) || attempt >= REPLACE_RETRY_DELAYS_MS.length) throw err;
      await sleep(REPLACE_RETRY_DELAYS_MS[attempt] as number);
    }
  }
}

export interface WriteOptions extends ReplaceOptions {
  /** Mode of the new file; 0600 unless given. */
  mode?: number;
  /**
   * Group of the new file, as the file it replaces had it; unset, the system's default. When
   * the group cannot be kept, nothing is written: a silently changed group would lock its
   * members out, or let in others.
   */
  gid?: number;
  /**
   * Flush the data to the disk before the rename (fsync): for what cannot be had again (a token,
   * a config file). A cache entry that can be fetched again skips it (0.5 to 4 ms here, once
   * 200 ms); a crash may then lose the entry, and readers check every entry they read.
   */
  durable?: boolean;
}

/** Replaces `path` with `data` so readers see the old or the new file, never half. */
export async function writeFileAtomic(path: string, data: string, options: WriteOptions = {}): Promise<void> {
  const { mode = 0o600, durable = true, gid } = options;
  const dir = dirname(path);
  await ensurePrivateDir(dir);
  // Unguessable names are not needed: O_EXCL below refuses any file already there, and the
  // directory is ours and 0700. node:crypto would cost a first `get` 9 to 10 ms to load.
  const suffix = (Math.random().toString(16).slice(2) + Math.random().toString(16).slice(2))
    .padEnd(12, '0')
    .slice(0, 12);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${suffix}.tmp`);
  let fd: number | undefined;
  trackTemp(temp);
  try {
    // O_EXCL refuses to open through a planted symlink; rename then replaces any link at `path`.
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
    if (gid !== undefined && fstatSync(fd).gid !== gid) keepGroup(fd, gid, path);
    if (mode !== 0o600) fchmodSync(fd, mode); // after creation, so the umask cannot narrow it; after chown, which may clear set-id bits
    writeFileSync(fd, data, 'utf8');
    if (durable) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    await replaceFile(temp, path, options);
  } catch (err) {
    inFlight.delete(temp);
    if (fd !== undefined) closeQuietly(fd);
    rmSync(temp, { force: true });
    throw err instanceof ConfigError ? err : fileError(err, path, 'file', 'write');
  }
  inFlight.delete(temp);
  // Leftovers of writes killed between write and rename, in the directory we just wrote to.
  await sweepTempFiles(dir);
}

function keepGroup(fd: number, gid: number, path: string): void {
  try {
    fchownSync(fd, -1, gid);
  } catch (err) {
    throw new ConfigError(
      `cannot keep the group (gid ${gid}) of ${path}: ${failureReason(err)}; refusing to rewrite it with another group`,
      `you are not a member of group ${gid}: run as a member, or give the file your group first (chgrp $(id -g) ${path})`,
      { cause: err },
    );
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

/**
 * Temp files being written right now: an exit in the middle (Ctrl-C, SIGTERM) removes them, so
 * no copy of a secret outlives the process. SIGKILL cannot be caught; sweepTempFiles handles it.
 */
const inFlight = new Set<string>();
let exitHook = false;

function trackTemp(temp: string): void {
  inFlight.add(temp);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const t of inFlight) {
      try {
        unlinkSync(t);
      } catch {
        // gone already, or never created
      }
    }
  });
}

/** Our temporary files: `.<name>.<pid>.<12 hex>.tmp`, as writeFileAtomic names them. */
const TEMP_NAME = /^\..+\.\d+\.[0-9a-f]{12}\.tmp$/;
/** A temp file this old belongs to a write that died (a rename follows its write at once). */
const STALE_TEMP_MS = 60_000;

/**
 * Removes temporary files a killed write left behind in `dir` (they can hold full credentials):
 * ours by name and owner, and older than a minute (a live write renames within moments; the
 * writer may be on another machine sharing this home, so its pid proves nothing).
 * Best effort, never an error. Returns how many went.
 */
export async function sweepTempFiles(dir: string, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  const uid = process.getuid?.();
  let removed = 0;
  for (const name of names) {
    if (!TEMP_NAME.test(name)) continue;
    const path = join(dir, name);
    try {
      const stat = lstatSync(path);
      if (!stat.isFile() || (uid !== undefined && stat.uid !== uid)) continue;
      if (now - stat.mtimeMs < STALE_TEMP_MS) continue;
      unlinkSync(path);
      removed++;
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}

export async function removeFile(path: string): Promise<boolean> {
  try {
    unlinkSync(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw fileError(err, path, 'file', 'remove');
  }
}

/** Why a file operation failed, in words (the common cases), else the system's message. */
export function failureReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM'
    ? 'permission denied'
    : code === 'ENOSPC' || code === 'EDQUOT'
      ? 'no space left on the device'
      : code === 'EROFS'
        ? 'the file system is read-only'
        : code === 'EISDIR'
          ? 'it is a directory'
          : (err as Error).message;
}

function fileError(err: unknown, path: string, what: string, verb: string): ConfigError {
  const code = (err as NodeJS.ErrnoException).code;
  return new ConfigError(
    `cannot ${verb} ${what} ${path}: ${failureReason(err)}`,
    code === 'EACCES' || code === 'EPERM' ? `check its owner and mode: ls -l ${path}` : undefined,
    { cause: err },
  );
}

/** The most links followed from one path, as Linux's own limit. */
const MAX_LINK_HOPS = 40;

/**
 * Where a write to `path` lands: the path itself, or the end of its chain of symlinks, which
 * may not exist yet (a dotfiles manager links the config before its first write).
 */
function linkEnd(path: string, what: string): string {
  let current = path;
  for (let hops = 0; hops <= MAX_LINK_HOPS; hops++) {
    let link: Stats;
    try {
      link = lstatSync(current);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return current;
      throw fileError(err, path, what, 'read');
    }
    if (!link.isSymbolicLink()) return hops === 0 ? current : realpathSync(current);
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw new ConfigError(
    `${what} ${path} is a chain of more than ${MAX_LINK_HOPS} symbolic links`,
    `check where it points: ls -l ${path}`,
  );
}

/**
 * Rewrites a file the user owns (the AWS config) atomically, keeping its mode and group. A
 * symlink (a dotfiles checkout) is followed to its target, which is replaced, so the link
 * survives, but only when the target belongs to the user: never into someone else's file. A
 * link whose target does not exist yet gets its target created, in a directory that must be
 * the user's as for every write (writeFileAtomic).
 */
export async function writeUserFile(path: string, data: string, what: string): Promise<void> {
  const target = linkEnd(path, what);
  let keep: { mode: number; gid?: number } = { mode: 0o600 };
  try {
    const stat = statSync(target);
    if (!stat.isFile())
      throw new ConfigError(`${what} ${path} is not a regular file`, 'move it away; it should be a file');
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid) {
      throw new ConfigError(
        `${what} ${target} belongs to another user (uid ${stat.uid}); refusing to rewrite it`,
        `fix it: chown $(id -u) ${target}`,
      );
    }
    keep = { mode: stat.mode & 0o7777, ...(uid !== undefined && { gid: stat.gid }) };
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(err, path, what, 'read');
  }
  await writeFileAtomic(target, data, keep);
}
