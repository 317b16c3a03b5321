// packaging/install.sh (and on Windows packaging/install.ps1) against dist/release served on
// 127.0.0.1, as a user runs them: from a file and piped from curl, into a fresh folder and over
// an older install; and against a release that is not what SHA256SUMS says: a tampered archive,
// a hostile file name, a missing platform, a server that is gone. Nothing may be installed then,
// and an existing ssohelper must stay as it was.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { collect, ROOT, type RunResult } from '../helpers/run.ts';
import { tempDir } from '../helpers/temp.ts';

const RELEASE = process.env.SSOHELPER_RELEASE ?? join(ROOT, 'dist', 'release');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const INSTALL_SH = join(ROOT, 'packaging', 'install.sh');
const INSTALL_PS1 = join(ROOT, 'packaging', 'install.ps1');
const WINDOWS = process.platform === 'win32';
const HOST = `${{ linux: 'linux', darwin: 'darwin', win32: 'windows' }[process.platform as string]}-${process.arch}`;
const ARCHIVE = `ssohelper-${VERSION}-${HOST}${WINDOWS ? '.zip' : '.tar.xz'}`;

/**
 * /good/ is the release as built; /tampered/ has one byte of this platform's archive changed;
 * /hostile/ lists a file name that climbs out of the folder; /empty/ lists nothing for us.
 */
function releaseServer(): Promise<{ server: Server; url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const [, variant, name] = (req.url ?? '').split('/');
    const path = join(RELEASE, name ?? '');
    if (name === 'install.sh') return res.end(readFileSync(INSTALL_SH));
    if (!name || name.includes('..') || !existsSync(path)) {
      res.statusCode = 404;
      return res.end('not found');
    }
    let body = readFileSync(path);
    if (variant === 'tampered' && name === ARCHIVE) {
      body = Buffer.from(body);
      body[Math.floor(body.length / 2)]! ^= 0x01;
    }
    if (variant === 'hostile' && name === 'SHA256SUMS')
      body = Buffer.from(`${'a'.repeat(64)}  ../../ssohelper-${VERSION}-evil/x-${ARCHIVE.slice(`ssohelper-${VERSION}-`.length)}\n`);
    if (variant === 'empty' && name === 'SHA256SUMS') body = Buffer.from(`${'a'.repeat(64)}  ssohelper-${VERSION}-plan9-mips.tar.xz\n`);
    res.setHeader('content-length', body.length);
    res.end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits }),
    ),
  );
}

let srv: Awaited<ReturnType<typeof releaseServer>>;
before(async () => {
  assert.ok(existsSync(join(RELEASE, ARCHIVE)), `${ARCHIVE} is missing in ${RELEASE}: run \`make dist\``);
  srv = await releaseServer();
});
after(() => srv?.server.close());

function env(variant: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: tempDir('install-home-'),
    SHELL: '/bin/bash',
    SSOHELPER_DOWNLOAD_URL: `${srv.url}/${variant}`,
    ...(WINDOWS ? { SystemRoot: process.env.SystemRoot ?? 'C:\\Windows', USERPROFILE: tempDir('install-home-') } : {}),
    ...extra,
  };
}

function install(args: string[], e: Record<string, string>, shell = 'sh'): Promise<RunResult> {
  const child = WINDOWS
    ? // -NoPathUpdate: the runner's user PATH is not ours to change.
      spawn('pwsh', ['-NoProfile', '-NonInteractive', '-File', INSTALL_PS1, ...args, '-NoPathUpdate'], { env: e, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(shell, [INSTALL_SH, ...args], { env: e, stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child);
}

const EXE = WINDOWS ? 'ssohelper.exe' : 'ssohelper';
const dirFlag = WINDOWS ? '-Dir' : '--dir';

function versionOf(path: string): Promise<RunResult> {
  return collect(spawn(path, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] }));
}

describe(`installing ${ARCHIVE} from a local release`, () => {
  test('installs into --dir, runs, and prints the hook line for the user’s shell', async () => {
    const dir = join(tempDir('install-'), 'bin');
    const r = await install([dirFlag, dir], env('good'));
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    const exe = join(dir, EXE);
    if (!WINDOWS) assert.equal(statSync(exe).mode & 0o777, 0o755);
    const v = await versionOf(exe);
    assert.equal(v.code, 0);
    assert.ok(v.stdout.includes(VERSION), v.stdout);
    assert.match(r.stdout, new RegExp(`installed .*${VERSION.replaceAll('.', '\\.')}.* to ${exe.replaceAll('\\', '\\\\')}`));
    assert.match(r.stdout, /is not on your PATH/);
    if (WINDOWS) assert.match(r.stdout, /ssohelper hook powershell \| Out-String \| Invoke-Expression/);
    else assert.match(r.stdout, /eval "\$\(ssohelper hook bash\)"' >> ~\/\.bashrc/);
    assert.ok(srv.hits.includes(`/good/${ARCHIVE}`));
  });

  test('a tampered archive is refused with exit 5, and the installed ssohelper stays as it was', async () => {
    const dir = tempDir('install-');
    writeFileSync(join(dir, EXE), 'the old one', { mode: 0o755 });
    const r = await install([dirFlag, dir], env('tampered'));
    assert.equal(r.code, 5, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, new RegExp(`${ARCHIVE.replaceAll('.', '\\.')} does not match SHA256SUMS`));
    assert.equal(readFileSync(join(dir, EXE), 'utf8'), 'the old one');
  });

  test('an unknown version (exit 4), a hostile file name (exit 5), no build for this platform (exit 4), no server (exit 4)', async () => {
    const dir = join(tempDir('install-'), 'bin');
    const versionFlag = WINDOWS ? '-Version' : '--version';
    const missing = await install([dirFlag, dir, versionFlag, '9.9.9'], env('good'));
    assert.equal(missing.code, 4, `${missing.stdout}${missing.stderr}`);
    assert.match(missing.stderr, /lists no ssohelper-9\.9\.9-/);
    const hostile = await install([dirFlag, dir], env('hostile'));
    assert.equal(hostile.code, 5, `${hostile.stdout}${hostile.stderr}`);
    const none = await install([dirFlag, dir], env('empty'));
    assert.equal(none.code, 4, `${none.stdout}${none.stderr}`);
    const gone = await install([dirFlag, dir], env('good', { SSOHELPER_DOWNLOAD_URL: 'http://127.0.0.1:9/x' }));
    assert.equal(gone.code, 4, `${gone.stdout}${gone.stderr}`);
    assert.match(gone.stderr, /could not download http:\/\/127\.0\.0\.1:9\/x\/SHA256SUMS/);
    assert.ok(!existsSync(join(dir, EXE)), 'nothing installed');
  });

  test('bad arguments: exit 2 and what is known', async () => {
    const r = await install(WINDOWS ? ['-Frobnicate'] : ['--frobnicate'], env('good'));
    assert.equal(r.code, 2, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /unknown argument/);
  });
});

describe('install.sh only', { skip: WINDOWS }, () => {
  test('piped from curl into sh, with the version named, under dash and under bash --posix', async () => {
    for (const shell of ['dash', 'bash']) {
      const dir = join(tempDir('install-'), 'bin');
      const e = env('good', { SHELL: '/usr/bin/zsh' });
      const cmd = `curl -fsSL ${srv.url}/good/install.sh | ${shell === 'bash' ? 'bash --posix' : shell} -s -- --dir '${dir}' --version v${VERSION}`;
      const r = await collect(spawn('sh', ['-c', cmd], { env: e, stdio: ['ignore', 'pipe', 'pipe'] }));
      assert.equal(r.code, 0, `${shell}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /eval "\$\(ssohelper hook zsh\)"' >> ~\/\.zshrc/);
      assert.equal((await versionOf(join(dir, 'ssohelper'))).code, 0);
    }
  });

  test('--platform installs another system’s build without running it; DIR that cannot be a folder is exit 6', async () => {
    const dir = join(tempDir('install-'), 'bin');
    const r = await install(['--dir', dir, '--platform', 'linux-arm64'], env('good'));
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    const head = readFileSync(join(dir, 'ssohelper')).subarray(0, 20);
    assert.equal(head.subarray(0, 4).toString('latin1'), '\x7fELF');
    assert.equal(head.readUInt16LE(18), 183, 'e_machine: AArch64');
    const file = join(tempDir('install-'), 'a-file');
    writeFileSync(file, '');
    const blocked = await install(['--dir', join(file, 'bin')], env('good'));
    assert.equal(blocked.code, 6, `${blocked.stdout}${blocked.stderr}`);
    const windows = await install(['--platform', 'windows-x64'], env('good'));
    assert.equal(windows.code, 2);
    assert.match(windows.stderr, /install\.ps1/);
  });

  test('the script is POSIX sh: dash -n and bash --posix -n accept it, and it names no bash-only syntax', async () => {
    for (const [shell, flags] of [
      ['dash', ['-n']],
      ['bash', ['--posix', '-n']],
    ] as const) {
      const r = await collect(spawn(shell, [...flags, INSTALL_SH], { stdio: ['ignore', 'pipe', 'pipe'] }));
      assert.equal(r.code, 0, `${shell}: ${r.stderr}`);
    }
    const code = readFileSync(INSTALL_SH, 'utf8').replace(/^\s*#.*$/gm, '');
    assert.doesNotMatch(code, /\[\[|^\s*local\s|\bfunction\s+\w|\$\{[A-Za-z_]+\/\/|<<<|\bdeclare\s|\bsource\s/m);
  });
});
