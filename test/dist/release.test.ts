// What `make dist` wrote into dist/release, checked as a user's machine and the OS would:
// checksums with sha256sum, each archive's contents and size, and inside them darwin signatures
// recomputed by an independent verifier (and the signer held against Node's official
// signature), the Windows executable's format, resource and checksum, the linux-x64 executable
// and the npm package (installed with the machine's Node 20) serving credentials from the
// emulator. Run by `make test-dist`, after `make dist`; test/dist/platforms.test.ts runs the
// archives themselves.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { archiveBase, archiveName, COMPLETION_FILES, HOOK_FILES } from '../../scripts/lib/archive.ts';
import { completionScript, SHELLS } from '../../src/cli/completion.ts';
import { hookScript } from '../../src/shell/hooks.ts';
import { adhocSign, pageHashes } from '../../scripts/lib/machoSign.ts';
import { peChecksum, peInfo } from '../../scripts/lib/pe.ts';
import { MAX_ARCHIVE_MIB, NODE_VERSION, TARGETS } from '../../scripts/dist.ts';
import { useEmulator } from '../helpers/fixture.ts';
import { seedToken } from '../helpers/home.ts';
import { TestProxy } from '../helpers/proxy.ts';
import { tempDir } from '../helpers/temp.ts';
import { collect, describe as describeRun, processJson, ROOT } from '../helpers/run.ts';

const RELEASE = join(ROOT, 'dist', 'release');
const RUNTIMES = join(ROOT, 'dist', '.runtimes');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const TARBALL = `ssohelper-${VERSION}.tgz`;
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1';
const SYSTEM_NODE = '/usr/bin/node';

const scratch = tempDir('ssohelper-dist-');

function file(name: string): string {
  const path = join(RELEASE, name);
  assert.ok(existsSync(path), `${path} is missing: run \`make dist\``);
  return path;
}

const ARCHIVES = TARGETS.map((t) => ({ t, name: archiveName(VERSION, t.archive), top: archiveBase(VERSION, t.archive) }));
const unpacked = join(scratch, 'unpacked');

/** The executable of target `t` as a user gets it: out of its archive (unpacked once, below). */
function executableOf(fileName: string): string {
  const a = ARCHIVES.find((x) => x.t.file === fileName)!;
  return join(unpacked, a.top, a.t.os === 'win32' ? 'ssohelper.exe' : 'ssohelper');
}

before(() => {
  mkdirSync(unpacked, { recursive: true });
  for (const a of ARCHIVES) {
    if (a.name.endsWith('.zip')) sh('unzip', ['-q', file(a.name), '-d', unpacked]);
    else sh('tar', ['-xJf', file(a.name), '-C', unpacked]);
  }
});

function sh(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

function verifyCodesign(path: string) {
  const r = spawnSync('python3', [join(ROOT, 'test/helpers/verify_codesign.py'), path], { encoding: 'utf8' });
  return JSON.parse(r.stdout) as { ok: boolean; problems: string[]; dataoff: number; directories: { identifier: string; flags: number; hashType: number }[] };
}

/** The page hashes of the first SHA-256 CodeDirectory of a signed Mach-O, read plainly. */
function codeDirectoryHashes(bytes: Buffer): { codeLimit: number; hashes: Buffer[] } {
  let at = 32;
  let dataoff = -1;
  for (let i = 0; i < bytes.readUInt32LE(16); i++) {
    if (bytes.readUInt32LE(at) === 0x1d) dataoff = bytes.readUInt32LE(at + 8);
    at += bytes.readUInt32LE(at + 4);
  }
  assert.ok(dataoff > 0, 'no LC_CODE_SIGNATURE');
  const count = bytes.readUInt32BE(dataoff + 8);
  for (let i = 0; i < count; i++) {
    const cd = dataoff + bytes.readUInt32BE(dataoff + 16 + i * 8);
    if (bytes.readUInt32BE(cd) !== 0xfade0c02 || bytes[cd + 37] !== 2) continue;
    const hashOffset = bytes.readUInt32BE(cd + 16);
    const nCode = bytes.readUInt32BE(cd + 28);
    const hashes = Array.from({ length: nCode }, (_, p) => bytes.subarray(cd + hashOffset + p * 32, cd + hashOffset + (p + 1) * 32));
    return { codeLimit: bytes.readUInt32BE(cd + 32), hashes };
  }
  throw new Error('no SHA-256 CodeDirectory');
}

describe('dist/release', () => {
  test('holds the five archives, the npm tarball, the install scripts and SHA256SUMS, and the checksums verify', () => {
    const expected = [...ARCHIVES.map((a) => a.name), TARBALL, 'install.ps1', 'install.sh', 'SHA256SUMS'].sort();
    assert.deepEqual(readdirSync(RELEASE).sort(), expected);
    const sums = readFileSync(file('SHA256SUMS'), 'utf8');
    assert.deepEqual(
      sums.trim().split('\n').map((l) => l.split('  ')[1]).sort(),
      expected.filter((f) => f !== 'SHA256SUMS'),
    );
    const out = sh('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: RELEASE });
    assert.equal(out.match(/: OK$/gm)?.length, 8, out);
    assert.equal(readFileSync(file('install.sh'), 'utf8'), readFileSync(join(ROOT, 'packaging', 'install.sh'), 'utf8'));
  });

  test(`each archive is at most ${MAX_ARCHIVE_MIB} MiB and holds one folder: the executable, LICENSE, README, completions and hooks`, () => {
    for (const a of ARCHIVES) {
      const size = statSync(file(a.name)).size;
      assert.ok(size <= MAX_ARCHIVE_MIB * 1024 * 1024, `${a.name}: ${(size / 1024 / 1024).toFixed(1)} MiB`);
      const listing = (a.name.endsWith('.zip') ? sh('unzip', ['-Z1', file(a.name)]) : sh('tar', ['-tJf', file(a.name)]))
        .trim()
        .split('\n')
        .filter((p) => !p.endsWith('/'))
        .sort();
      const exe = a.t.os === 'win32' ? 'ssohelper.exe' : 'ssohelper';
      const want = [exe, 'LICENSE', 'README.md', ...SHELLS.map((s) => COMPLETION_FILES[s]), ...SHELLS.map((s) => HOOK_FILES[s])];
      assert.deepEqual(listing, want.map((p) => `${a.top}/${p}`).sort(), a.name);
      const dir = join(unpacked, a.top);
      for (const s of SHELLS) {
        assert.equal(readFileSync(join(dir, COMPLETION_FILES[s]), 'utf8'), completionScript(s));
        assert.equal(readFileSync(join(dir, HOOK_FILES[s]), 'utf8'), hookScript(s));
      }
      assert.equal(readFileSync(join(dir, 'LICENSE'), 'utf8'), readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
      const readme = readFileSync(join(dir, 'README.md'), 'utf8');
      assert.match(readme, new RegExp(`^# ssohelper ${VERSION.replaceAll('.', '\\.')} `));
      assert.match(readme, /ssohelper hook bash/);
      assert.doesNotMatch(readme, /@[A-Z_]+@/);
    }
  });

  test('the files in the archives are what `ssohelper completion` and `ssohelper hook` print', async () => {
    const linux = executableOf('ssohelper-linux-x64');
    for (const s of SHELLS) {
      assert.equal(sh(linux, ['completion', s]), completionScript(s), s);
      assert.equal(sh(linux, ['hook', s]), hookScript(s), s);
    }
  });

  test('every executable has the application injected and the fuse flipped', () => {
    for (const t of TARGETS) {
      const bytes = readFileSync(executableOf(t.file));
      assert.ok(bytes.includes(FUSE), `${t.file}: SEA fuse not flipped`);
      // A string of the application's own code, so the blob is ours and not an empty one.
      assert.ok(bytes.includes('ssohelper[debug]'), `${t.file}: the application is not in it`);
      assert.ok((statSync(executableOf(t.file)).mode & 0o111) !== 0, `${t.file} is not executable`);
      // Nothing of the build machine: a temporary directory's name would also make each build's
      // bytes differ.
      assert.ok(!bytes.includes(ROOT) && !bytes.includes('.dist-work'), `${t.file} names the build directory`);
    }
  });

  test('linux executables are ELF for their machine and carry the SEA note', () => {
    const x64 = sh('readelf', ['-h', executableOf('ssohelper-linux-x64')]);
    assert.match(x64, /Machine:\s+Advanced Micro Devices X86-64/);
    assert.match(sh('readelf', ['-h', executableOf('ssohelper-linux-arm64')]), /Machine:\s+AArch64/);
    // postject adds the blob as an ELF note named NODE_SEA_BLOB, in a PT_NOTE segment of its own.
    assert.ok(readFileSync(executableOf('ssohelper-linux-arm64')).includes('NODE_SEA_BLOB\0'));
  });

  test('darwin executables carry a valid ad-hoc signature (independent verifier) over the NODE_SEA segment', () => {
    for (const name of ['ssohelper-darwin-x64', 'ssohelper-darwin-arm64']) {
      const v = verifyCodesign(executableOf(name));
      assert.deepEqual(v.problems, [], name);
      assert.ok(v.ok);
      assert.equal(v.directories[0]!.identifier, 'ssohelper');
      assert.equal(v.directories[0]!.flags & 2, 2, 'CS_ADHOC');
      const headers = sh('llvm-objdump', ['--macho', '--private-headers', executableOf(name)]);
      assert.match(headers, /segname NODE_SEA\b/);
      assert.match(headers, /sectname __NODE_SEA_BLOB/);
      assert.equal((headers.match(/cmd LC_CODE_SIGNATURE/g) ?? []).length, 1);
    }
  });

  test('the signer hashes pages exactly as the official signature of Node for macOS does', () => {
    for (const t of TARGETS.filter((x) => x.os === 'darwin')) {
      const official = readFileSync(join(RUNTIMES, `${t.pkg}-${NODE_VERSION}`, 'package', t.bin));
      assert.ok(verifyCodesign(join(RUNTIMES, `${t.pkg}-${NODE_VERSION}`, 'package', t.bin)).ok, 'the official binary verifies');
      const theirs = codeDirectoryHashes(official);
      const ours = pageHashes(official, theirs.codeLimit);
      assert.equal(ours.length, theirs.hashes.length);
      assert.ok(ours.every((h, i) => h.equals(theirs.hashes[i]!)), `${t.pkg}: page hashes differ from the official CodeDirectory`);
      // Re-signed ad hoc: the signature stays where Apple's was, and only page 0 (the header
      // with the new signature size) hashes differently.
      const resigned = codeDirectoryHashes(adhocSign(official, 'node'));
      assert.equal(resigned.codeLimit, theirs.codeLimit);
      const differing = resigned.hashes.flatMap((h, i) => (h.equals(theirs.hashes[i]!) ? [] : [i]));
      assert.deepEqual(differing, [0]);
    }
  });

  test('the Windows executable is PE32+ x86-64 with the NODE_SEA_BLOB resource, no stale signature, a correct checksum', () => {
    const exe = executableOf('ssohelper-win-x64.exe');
    assert.match(sh('file', ['-b', exe]), /^PE32\+ executable \(console\) x86-64/);
    const resources = sh('llvm-readobj', ['--coff-resources', exe]);
    assert.match(resources, /Name: NODE_SEA_BLOB/);
    const bytes = readFileSync(exe);
    const info = peInfo(bytes);
    assert.equal(info.security.size, 0);
    assert.equal(info.checksum, peChecksum(bytes));
    const r = spawnSync('osslsigncode', ['verify', '-in', exe], { encoding: 'utf8' });
    assert.match(`${r.stdout}${r.stderr}`, /No signature found/);
    assert.doesNotMatch(`${r.stdout}${r.stderr}`, /invalid PE checksum/);
  });

  test('the Homebrew formula and Scoop manifest point at the archives with their checksums and install completions', () => {
    const sums = new Map(readFileSync(file('SHA256SUMS'), 'utf8').trim().split('\n').map((l) => l.split('  ').reverse() as [string, string]));
    const formula = readFileSync(join(ROOT, 'dist', 'packaging', 'ssohelper.rb'), 'utf8');
    assert.doesNotMatch(formula, /@[A-Z0-9_]+@/);
    assert.match(formula, new RegExp(`version "${VERSION.replaceAll('.', '\\.')}"`));
    for (const a of ARCHIVES.filter((x) => x.t.os !== 'win32')) {
      const at = formula.indexOf(`/${a.name}"`);
      assert.ok(at > 0, a.name);
      assert.equal(/sha256 "([0-9a-f]{64})"/.exec(formula.slice(at))?.[1], sums.get(a.name), a.name);
    }
    // Paths inside the archive's folder, which Homebrew has unpacked and entered.
    for (const path of ['completions/ssohelper.bash', 'completions/_ssohelper', 'completions/ssohelper.fish'])
      assert.ok(formula.includes(`"${path}"`) && existsSync(join(unpacked, ARCHIVES[0]!.top, path)), path);
    assert.match(formula, /bin\.install "ssohelper"/);
    const win = ARCHIVES.find((a) => a.t.os === 'win32')!;
    const manifest = JSON.parse(readFileSync(join(ROOT, 'dist', 'packaging', 'ssohelper.json'), 'utf8'));
    assert.equal(manifest.version, VERSION);
    assert.equal(manifest.architecture['64bit'].hash, sums.get(win.name));
    assert.ok(manifest.architecture['64bit'].url.endsWith(`/${win.name}`));
    assert.equal(manifest.architecture['64bit'].extract_dir, win.top);
    assert.ok(existsSync(join(unpacked, win.top, manifest.bin)), manifest.bin);
  });
});

const fx = useEmulator({ assign: [['111111111111', 'Role1']] });

function runFile(bin: string, args: string[], env: Record<string, string>) {
  return collect(spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

describe('release executable and npm package against the emulator', () => {
  test('ssohelper-linux-x64 serves credentials and embeds Node ' + NODE_VERSION, async () => {
    await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600, refreshable: true }));
    const r = await runFile(executableOf('ssohelper-linux-x64'), ['get', 'dev', '--debug'], { ...fx.env, PATH: '/nonexistent' });
    const doc = processJson(r);
    assert.match(doc.AccessKeyId, /^ASIA/);
    assert.match(r.stderr, new RegExp(`node v${NODE_VERSION.replaceAll('.', '\\.')}`));
    assert.equal(fx.emu.counters.GetRoleCredentials, 1);
  });

  // The HTTP client asks whether this Node's agents take a proxy (src/net/http.ts): on the
  // release's Node the answer must be yes, and the request must really go through the proxy.
  test('ssohelper-linux-x64 sends its requests through HTTP_PROXY', async () => {
    const proxy = await TestProxy.start();
    try {
      await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600, refreshable: true }));
      const r = await runFile(executableOf('ssohelper-linux-x64'), ['get', 'dev'], { ...fx.env, PATH: '/nonexistent', HTTP_PROXY: proxy.url });
      assert.match(processJson(r).AccessKeyId, /^ASIA/);
      assert.ok(proxy.counters.forward >= 1, JSON.stringify(proxy.counters));
      assert.equal(fx.emu.counters.GetRoleCredentials, 1);
    } finally {
      await proxy.stop();
    }
  });

  test('the npm package: no runtime dependencies, Node >= 20.16, only the bundle, well under 20 MB', () => {
    const listing = sh('tar', ['-tzf', file(TARBALL)]).trim().split('\n').sort();
    assert.deepEqual(listing, ['package/LICENSE', 'package/README.md', 'package/bin/ssohelper-cold.cjs', 'package/bin/ssohelper-full.cjs', 'package/bin/ssohelper-sdk.cjs', 'package/bin/ssohelper.cjs', 'package/package.json']);
    const pkg = JSON.parse(sh('tar', ['-xzOf', file(TARBALL), 'package/package.json'])) as Record<string, unknown>;
    assert.equal(pkg.dependencies, undefined);
    assert.equal(pkg.private, undefined);
    assert.deepEqual(pkg.engines, { node: '>=20.16' });
    assert.deepEqual(pkg.bin, { ssohelper: 'bin/ssohelper.cjs' });
    for (const key of ['repository', 'keywords', 'license', 'files', 'description']) assert.ok(pkg[key], key);
    assert.match(sh('tar', ['-xzOf', file(TARBALL), 'package/bin/ssohelper.cjs']).slice(0, 40), /^#!\/usr\/bin\/env node\n/);
  });

  test('installed with the machine\'s Node 20 into a prefix, `get` and `env --format powershell` work', async () => {
    assert.match(sh(SYSTEM_NODE, ['--version']), /^v20\./);
    const prefix = join(scratch, 'prefix');
    // npm itself on the machine's node; PATH without node_modules/.bin, so `env node` is Node 20.
    const path = `/usr/local/bin:/usr/bin:/bin`;
    sh('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', file(TARBALL)], { env: { PATH: path, HOME: scratch } });
    const installed = join(prefix, 'lib', 'node_modules', 'ssohelper');
    const size = Number(sh('du', ['-sb', installed]).split('\t')[0]);
    assert.ok(size < 20 * 1024 * 1024, `${size} bytes installed`);
    const bin = join(prefix, 'bin', 'ssohelper');
    const env = { ...fx.env, PATH: `${join(prefix, 'bin')}:${path}` };
    await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600, refreshable: true }));
    const got = await runFile(bin, ['get', 'dev', '--debug'], env);
    const doc = processJson(got);
    assert.match(got.stderr, /node v20\./, 'ran on the machine\'s Node 20');
    // A token near its end is refreshed through the SDK, which the package loads from
    // bin/ssohelper-sdk.cjs; without --debug that prints nothing beside the credentials, though
    // the SDK warns on Node 20.
    await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 300, refreshable: true }));
    const quiet = await runFile(bin, ['get', 'p1'], env);
    processJson(quiet);
    assert.equal(quiet.stderr, '');
    assert.equal(fx.emu.counters['CreateToken:refresh_token'], 1, 'the token was refreshed');
    const ps = await runFile(bin, ['env', 'dev', '--format', 'powershell'], env);
    assert.equal(ps.code, 0, describeRun(ps));
    assert.match(ps.stdout, new RegExp(`^\\$Env:AWS_ACCESS_KEY_ID="${doc.AccessKeyId}"$`, 'm'));
    assert.match(ps.stdout, /^\$Env:AWS_SESSION_TOKEN="[A-Za-z0-9+/=]+"$/m);
    assert.equal(fx.emu.counters.GetRoleCredentials, 2, 'env for dev was served from the cache');
    // A first call for a role without --debug: the hot entry with bin/ssohelper-cold.cjs.
    rmSync(fx.home.roleCacheDir, { recursive: true, force: true });
    const first = await runFile(bin, ['get', 'dev'], env);
    assert.notEqual(processJson(first).AccessKeyId, doc.AccessKeyId);
    assert.equal(first.stderr, '');
    assert.equal(fx.emu.counters.GetRoleCredentials, 3);
  });
});
