// The archives users download: one per platform, each a single top-level folder holding the
// executable, LICENSE, a short README, and the completion and hook scripts for every shell.
// tar.xz for Linux and macOS (keeps the executable bit, and xz brings a 145 MiB executable to
// about 30 MiB where gzip -9 leaves 45), zip for Windows (what Explorer, Expand-Archive and
// Scoop open). Both are byte-for-byte reproducible: fixed order, owner and timestamps.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { completionScript, SHELLS, type Shell } from '../../src/cli/completion.ts';
import { hookScript } from '../../src/shell/hooks.ts';

export interface ArchiveTarget {
  /** linux, darwin or windows: what users call their system, not Node's process.platform. */
  os: 'linux' | 'darwin' | 'windows';
  arch: 'x64' | 'arm64';
}

export function archiveBase(version: string, t: ArchiveTarget): string {
  return `ssohelper-${version}-${t.os}-${t.arch}`;
}

export function archiveName(version: string, t: ArchiveTarget): string {
  return `${archiveBase(version, t)}${t.os === 'windows' ? '.zip' : '.tar.xz'}`;
}

/** One file inside an archive, by its path below the top-level folder. */
export interface Entry {
  path: string;
  data: Buffer;
  mode: 0o755 | 0o644;
}

/** The file names each shell's scripts get: what that shell's completion loader looks for. */
export const COMPLETION_FILES: Record<Shell, string> = {
  bash: 'completions/ssohelper.bash',
  zsh: 'completions/_ssohelper',
  fish: 'completions/ssohelper.fish',
  powershell: 'completions/ssohelper.ps1',
};
export const HOOK_FILES: Record<Shell, string> = {
  bash: 'hooks/ssohelper.bash',
  zsh: 'hooks/ssohelper.zsh',
  fish: 'hooks/ssohelper.fish',
  powershell: 'hooks/ssohelper.ps1',
};

/**
 * Everything in one platform's archive, sorted by path. The scripts are what `ssohelper
 * completion SHELL` and `ssohelper hook SHELL` print (the same pure functions), so a file and
 * the command never disagree.
 */
export function archiveEntries(
  t: ArchiveTarget,
  executable: Buffer,
  files: { license: string; readme: string },
): Entry[] {
  const text = (path: string, body: string): Entry => ({ path, data: Buffer.from(body), mode: 0o644 });
  const entries: Entry[] = [
    { path: t.os === 'windows' ? 'ssohelper.exe' : 'ssohelper', data: executable, mode: 0o755 },
    text('LICENSE', files.license),
    text('README.md', files.readme),
    ...SHELLS.map((s) => text(COMPLETION_FILES[s], completionScript(s))),
    ...SHELLS.map((s) => text(HOOK_FILES[s], hookScript(s))),
  ];
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Writes `entries` under `top/` into a .tar.xz with GNU tar and xz. xz runs in its
 * multi-threaded mode with a fixed block size, whose output does not depend on the number of
 * cores (preset 6: about 27 s and 30.5 MiB for one executable on two cores; -9 saves 0.5 MiB
 * for three times the time).
 */
export function writeTarXz(entries: Entry[], top: string, out: string, mtime: number, work: string): void {
  const stage = join(work, `stage-${top}`);
  rmSync(stage, { recursive: true, force: true });
  for (const e of entries) {
    const path = join(stage, top, e.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, e.data);
    chmodSync(path, e.mode);
  }
  const tar = join(work, `${top}.tar`);
  const tarArgs = [
    '--create',
    '--file',
    tar,
    '--directory',
    stage,
    '--sort=name',
    '--format=pax',
    '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
    `--mtime=@${mtime}`,
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--mode=go-w,u+rw,a+rX',
    top,
  ];
  runTool('tar', tarArgs);
  runTool('xz', ['--compress', '--force', '--keep', '-6', '--threads=2', '--block-size=64MiB', '--check=crc64', tar]);
  renameSync(`${tar}.xz`, out);
  rmSync(tar, { force: true });
  rmSync(stage, { recursive: true, force: true });
}

function runTool(file: string, args: string[]): void {
  const r = spawnSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.error) throw new Error(`${file}: ${r.error.message} (make dist needs GNU tar and xz)`);
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
}

/** MS-DOS date and time fields (local time in the format; we write UTC, as reproducible builds do). */
function dosTime(epochSeconds: number): { time: number; date: number } {
  const d = new Date(Math.max(epochSeconds, 315532800) * 1000); // the format starts in 1980
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/**
 * A zip of `entries` under `top/`, deflated, with Unix modes in the external attributes (so
 * unzip on a Unix keeps the executable bit). No ZIP64: every size must fit 32 bits, which a
 * 107 MiB executable does; a larger one fails the build rather than writing a broken archive.
 */
export function zipBytes(entries: Entry[], top: string, mtime: number): Buffer {
  const { time, date } = dosTime(mtime);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(`${top}/${e.path}`);
    const packed = deflateRawSync(e.data, { level: 9 });
    const crc = crc32(e.data);
    if (e.data.length >= 0xffffffff || offset >= 0xffffffff)
      throw new Error(`${e.path}: too large for a zip without ZIP64`);
    // The fields the local header and the central directory share, in the same order: version
    // needed (2.0, deflate), flags (names are UTF-8), method (deflate), time, date, CRC, sizes,
    // name length.
    const shared = (header: Buffer, at: number) => {
      header.writeUInt16LE(20, at);
      header.writeUInt16LE(0x0800, at + 2);
      header.writeUInt16LE(8, at + 4);
      header.writeUInt16LE(time, at + 6);
      header.writeUInt16LE(date, at + 8);
      header.writeUInt32LE(crc, at + 10);
      header.writeUInt32LE(packed.length, at + 14);
      header.writeUInt32LE(e.data.length, at + 18);
      header.writeUInt16LE(name.length, at + 22);
    };
    const local = Buffer.alloc(30); // extra field length (28) stays zero
    local.writeUInt32LE(0x04034b50, 0);
    shared(local, 4);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, so the mode below is read
    shared(central, 6);
    // extra, comment, disk number, internal attributes: zero
    central.writeUInt32LE(((0o100000 | e.mode) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export function writeZip(entries: Entry[], top: string, out: string, mtime: number): void {
  const bytes = zipBytes(entries, top, mtime);
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, out);
}

export function mebibytes(path: string): number {
  return statSync(path).size / 1024 / 1024;
}
