// The release archives' writers (scripts/lib/archive.ts), checked by independent readers:
// Info-ZIP's unzip and Python's zipfile for the zip, GNU tar and xz for the tar.xz; and the same
// input gives the same bytes twice, so anyone can rebuild a release and compare.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  archiveEntries,
  archiveName,
  COMPLETION_FILES,
  HOOK_FILES,
  writeTarXz,
  writeZip,
  zipBytes,
} from '../../scripts/lib/archive.ts';
import { completionScript, SHELLS } from '../../src/cli/completion.ts';
import { hookScript } from '../../src/shell/hooks.ts';
import { tempDir } from '../helpers/temp.ts';

const MTIME = 1764892800; // 2025-12-05T00:00:00Z
const EXE = Buffer.concat([Buffer.from('\x7fELF fake executable '), Buffer.alloc(200_000, 7)]);

/** The independent readers; on Linux `make test` installs them, elsewhere they may be missing. */
const missing = (...tools: string[]) => {
  const gone = tools.filter((t) => spawnSync(t, ['--version'], { stdio: 'ignore' }).error);
  return gone.length > 0 ? `${gone.join(', ')} not installed` : false;
};

function sh(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

test('archive names: tar.xz for Linux and macOS, zip for Windows', () => {
  assert.equal(archiveName('1.2.3', { os: 'linux', arch: 'arm64' }), 'ssohelper-1.2.3-linux-arm64.tar.xz');
  assert.equal(archiveName('1.2.3', { os: 'darwin', arch: 'x64' }), 'ssohelper-1.2.3-darwin-x64.tar.xz');
  assert.equal(archiveName('1.2.3', { os: 'windows', arch: 'x64' }), 'ssohelper-1.2.3-windows-x64.zip');
});

test('every archive holds the executable, LICENSE, README and each shell’s completion and hook, as the commands print them', () => {
  for (const os of ['linux', 'windows'] as const) {
    const entries = archiveEntries({ os, arch: 'x64' }, EXE, { license: 'L', readme: 'R' });
    const exe = os === 'windows' ? 'ssohelper.exe' : 'ssohelper';
    assert.deepEqual(
      entries.map((e) => e.path),
      [
        'LICENSE',
        'README.md',
        ...SHELLS.map((s) => COMPLETION_FILES[s]),
        ...SHELLS.map((s) => HOOK_FILES[s]),
        exe,
      ].sort(),
    );
    const byPath = new Map(entries.map((e) => [e.path, e]));
    assert.equal(byPath.get(exe)!.mode, 0o755);
    assert.ok(byPath.get(exe)!.data.equals(EXE));
    for (const s of SHELLS) {
      assert.equal(byPath.get(COMPLETION_FILES[s])!.data.toString(), completionScript(s));
      assert.equal(byPath.get(HOOK_FILES[s])!.data.toString(), hookScript(s));
    }
  }
  // Each shell's loader finds its file by name: zsh's fpath wants _NAME and #compdef first.
  assert.match(completionScript('zsh'), /^#compdef ssohelper\n/);
  assert.match(completionScript('bash'), /complete .*-F _ssohelper ssohelper/);
});

test('the zip is read by unzip and by Python’s zipfile: names, bytes, CRCs, modes and time', {
  skip: missing('unzip', 'python3'),
}, () => {
  const dir = tempDir('archive-zip-');
  const entries = archiveEntries({ os: 'windows', arch: 'x64' }, EXE, { license: 'MIT', readme: '# r\n' });
  const zip = join(dir, 'a.zip');
  writeZip(entries, 'ssohelper-1.2.3-windows-x64', zip, MTIME);
  assert.match(sh('unzip', ['-tq', zip]), /No errors detected/);
  const script = `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps([[i.filename, i.file_size, i.external_attr >> 16, list(i.date_time), i.create_system, len(z.read(i))] for i in z.infolist()]))
`;
  const listing = JSON.parse(sh('python3', ['-c', script, zip])) as [
    string,
    number,
    number,
    number[],
    number,
    number,
  ][];
  assert.deepEqual(
    listing.map((l) => l[0]),
    entries.map((e) => `ssohelper-1.2.3-windows-x64/${e.path}`),
  );
  for (const [[name, size, mode, when, system, read], e] of listing.map((l, i) => [l, entries[i]!] as const)) {
    assert.equal(size, e.data.length, name);
    assert.equal(read, e.data.length, name);
    assert.equal(mode, 0o100000 | e.mode, name);
    assert.equal(system, 3, 'made on Unix, so unzip applies the mode');
    assert.deepEqual(when, [2025, 12, 5, 0, 0, 0]);
  }
  sh('unzip', ['-q', zip, '-d', join(dir, 'out')]);
  const exe = join(dir, 'out', 'ssohelper-1.2.3-windows-x64', 'ssohelper.exe');
  assert.ok(readFileSync(exe).equals(EXE));
  assert.equal(statSync(exe).mode & 0o777, 0o755);
  assert.ok(zipBytes(entries, 'x', MTIME).equals(zipBytes(entries, 'x', MTIME)), 'same input, same bytes');
  assert.ok(!zipBytes(entries, 'x', MTIME).equals(zipBytes(entries, 'x', MTIME + 2)), 'the time is in the bytes');
});

test('the tar.xz: one top folder, root-owned, the given time, exact modes, and the same bytes when rebuilt', {
  skip: missing('tar', 'xz'),
}, () => {
  const dir = tempDir('archive-tar-');
  const entries = archiveEntries({ os: 'linux', arch: 'x64' }, EXE, { license: 'MIT', readme: '# r\n' });
  const a = join(dir, 'a.tar.xz');
  const b = join(dir, 'b.tar.xz');
  writeTarXz(entries, 'ssohelper-1.2.3-linux-x64', a, MTIME, dir);
  writeTarXz(entries, 'ssohelper-1.2.3-linux-x64', b, MTIME, dir);
  assert.ok(readFileSync(a).equals(readFileSync(b)), 'rebuilt, byte for byte');
  sh('xz', ['-t', a]);
  const listing = sh('tar', ['-tvJf', a, '--full-time', '--numeric-owner']).trim().split('\n');
  const files = listing.filter((l) => l.startsWith('-'));
  assert.equal(files.length, entries.length);
  for (const line of listing) {
    assert.match(line, / 0\/0 /, line);
    assert.match(line, /2025-12-05 00:00:00 ssohelper-1\.2\.3-linux-x64(\/|$)/, line);
  }
  assert.ok(files.some((l) => /^-rwxr-xr-x .* ssohelper-1\.2\.3-linux-x64\/ssohelper$/.test(l)));
  assert.ok(files.some((l) => /^-rw-r--r-- .* ssohelper-1\.2\.3-linux-x64\/completions\/_ssohelper$/.test(l)));
  sh('tar', ['-xJf', a, '-C', dir]);
  assert.ok(readFileSync(join(dir, 'ssohelper-1.2.3-linux-x64', 'ssohelper')).equals(EXE));
});
