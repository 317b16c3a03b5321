// The only place that reads and writes our files. Reads are bounded and tolerate absence;
// writes are atomic (temp file in the same directory, then rename), never follow a symlink at
// the target, and create missing directories private to the user.
import { closeSync, constants, fstatSync, openSync, promises as fsp, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../errors.ts';

/** Larger than any real config or cache file; a bigger one is not something we wrote. */
const MAX_READ_BYTES = 4 * 1024 * 1024;

/**
 * File contents, or undefined when it does not exist. Other failures name the file.
 * Synchronous on purpose: fs/promises drags in streams and readline, which would cost the
 * cached path more than the few small reads it makes; the event loop has nothing else to do.
 */
export async function readTextFile(path: string, what: string): Promise<string | undefined> {
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
    if (!stat.isFile()) throw new ConfigError(`${what} ${path} is not a regular file`, 'move it away; it should be a file');
    if (stat.size > MAX_READ_BYTES) throw new ConfigError(`${what} ${path} is ${stat.size} bytes, too large to be genuine`, 'remove or fix it');
    return readFileSync(fd, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw fileError(err, path, what, 'read');
  } finally {
    closeSync(fd);
  }
}

export async function ensurePrivateDir(dir: string): Promise<void> {
  try {
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw fileError(err, dir, 'directory', 'create');
  }
  let stat: Awaited<ReturnType<typeof fsp.stat>>;
  try {
    stat = await fsp.stat(dir);
  } catch (err) {
    throw fileError(err, dir, 'directory', 'use');
  }
  if (!stat.isDirectory()) throw new ConfigError(`${dir} is not a directory`, 'move it away so ssohelper can create the directory');
  const uid = process.getuid?.();
  // A directory someone else owns or can write to would let them swap our files.
  if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o002) !== 0)) {
    throw new ConfigError(
      `${dir} is ${stat.uid !== uid ? `owned by another user (uid ${stat.uid})` : 'writable by everyone'}; refusing to write credentials there`,
      `fix it: chown $(id -u) ${dir} && chmod 700 ${dir}`,
    );
  }
}

/** Replaces `path` with `data` (mode 0600 unless given) so readers see the old or the new file, never half. */
export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  await ensurePrivateDir(dir);
  const suffix = process.getBuiltinModule('node:crypto').randomBytes(6).toString('hex');
  const temp = join(dir, `.${basename(path)}.${process.pid}.${suffix}.tmp`);
  let handle: fsp.FileHandle | undefined;
  try {
    // O_EXCL refuses to open through a planted symlink; rename then replaces any link at `path`.
    handle = await fsp.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
    if (mode !== 0o600) await handle.chmod(mode); // after creation, so the umask cannot narrow it
    await handle.writeFile(data, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fsp.rename(temp, path);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fsp.rm(temp, { force: true }).catch(() => undefined);
    throw fileError(err, path, 'file', 'write');
  }
}

export async function removeFile(path: string): Promise<boolean> {
  try {
    await fsp.unlink(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw fileError(err, path, 'file', 'remove');
  }
}

function fileError(err: unknown, path: string, what: string, verb: string): ConfigError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'EACCES' || code === 'EPERM' ? 'permission denied' :
    code === 'ENOSPC' ? 'no space left on the device' :
    code === 'EROFS' ? 'the file system is read-only' :
    code === 'EISDIR' ? 'it is a directory' :
    (err as Error).message;
  return new ConfigError(`cannot ${verb} ${what} ${path}: ${reason}`, code === 'EACCES' || code === 'EPERM' ? `check its owner and mode: ls -l ${path}` : undefined, { cause: err });
}

/**
 * Rewrites a file the user owns (the AWS config) atomically, keeping its mode. A symlink (a
 * dotfiles checkout) is followed to its target, which is replaced, so the link survives, but
 * only when the target belongs to the user: never into someone else's file.
 */
export async function writeUserFile(path: string, data: string, what: string): Promise<void> {
  let target = path;
  let mode = 0o600;
  try {
    const link = await fsp.lstat(path);
    if (link.isSymbolicLink()) target = await fsp.realpath(path);
    const stat = await fsp.stat(target);
    if (!stat.isFile()) throw new ConfigError(`${what} ${path} is not a regular file`, 'move it away; it should be a file');
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid) {
      throw new ConfigError(`${what} ${target} belongs to another user (uid ${stat.uid}); refusing to rewrite it`, `fix it: chown $(id -u) ${target}`);
    }
    mode = stat.mode & 0o7777;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(err, path, what, 'read');
  }
  await writeFileAtomic(target, data, mode);
}
