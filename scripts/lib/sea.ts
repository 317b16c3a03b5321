// The single executable: the SEA blob, injection into the base binary, and the smoke check.
import { SEA_MAIN_ENTRY, SENTINEL_FUSE, fail, log, mib, root, seconds, writeAtomic } from './common.ts';
import { type Scripts, codeCaches } from './codeCache.ts';
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
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { EMBEDDED } from '../../src/boot/embedded.ts';
import { adhocSign } from './machoSign.ts';
import { stripSignature, withChecksum } from './pe.ts';
import { tempDir } from './temp.ts';

/** The operating systems executables are made for, as Node names them. */
export type TargetOs = 'linux' | 'darwin' | 'win32';

/**
 * The base binary as injection needs it: Windows's official node.exe carries an Authenticode
 * signature that the injection would make false, so a copy without it (in `work`) is used.
 */
export function baseFor(os: TargetOs, base: string, work: string): string {
  if (os !== 'win32') return base;
  const stripped = join(work, 'base-node.exe');
  writeFileSync(stripped, stripSignature(readFileSync(base)));
  return stripped;
}

/** postject's flags per OS: macOS keeps the blob in a segment of its own. */
export function postjectArgsFor(os: TargetOs): string[] {
  return os === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : [];
}

/**
 * What the OS needs of the injected executable: macOS an ad-hoc signature (postject dropped
 * Apple's, and Apple Silicon refuses unsigned code), Windows a PE checksum that matches the bytes.
 */
export function finishFor(os: TargetOs, exe: string): void {
  if (os === 'darwin') writeFileSync(exe, adhocSign(readFileSync(exe), 'ssohelper'));
  if (os === 'win32') writeFileSync(exe, withChecksum(readFileSync(exe)));
}

/** The SEA's main script (src/boot/seaMain.ts): a few lines that run the hot bundle asset. */
export async function seaMainCode(): Promise<string> {
  const r = await build({
    entryPoints: [join(root, SEA_MAIN_ENTRY)],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minifyWhitespace: true,
    charset: 'ascii',
    write: false,
    logLevel: 'warning',
    absWorkingDir: root,
  }).catch(() => fail('esbuild failed on the SEA main script (errors above)'));
  return r.outputFiles[0]!.text;
}

export interface SeaOptions {
  /** Makes the blob (and the code caches): same Node version as baseBinary, runnable here. */
  node: string;
  /** The Node binary the blob is injected into (any platform). */
  baseBinary: string;
  out: string;
  scripts: Scripts;
  /** Only when baseBinary runs on this platform: V8 rejects a cache from another. */
  codeCache: boolean;
  /** postject's extra flags, e.g. ['--macho-segment-name', 'NODE_SEA'] for macOS. */
  postjectArgs?: string[];
  force?: boolean;
}

export const seaSettings = (codeCache: boolean) => ({
  disableExperimentalSEAWarning: true,
  useCodeCache: codeCache,
  useSnapshot: false,
  // NODE_OPTIONS from the user's shell must not reach a credential helper: a stray
  // --require would run foreign code in a process that holds secrets, or break it outright.
  execArgvExtension: 'none',
});

/** Makes the single executable at o.out; resolves to false when it was already up to date. */
export async function makeSea(o: SeaOptions): Promise<boolean> {
  const settings = seaSettings(o.codeCache);
  const stat = (p: string) => statSync(p);
  const stamp = createHash('sha256')
    .update(JSON.stringify(o.scripts))
    .update(readFileSync(join(root, SEA_MAIN_ENTRY)))
    // The code caches' training lives here.
    .update(readFileSync(join(root, 'scripts/build.ts')))
    .update(readFileSync(join(root, 'src/boot/embedded.ts')))
    .update(JSON.stringify({ settings, postject: o.postjectArgs ?? [] }))
    .update(
      `${o.node}\0${stat(o.node).size}\0${stat(o.node).mtimeMs}\0${o.baseBinary}\0${stat(o.baseBinary).size}\0${stat(o.baseBinary).mtimeMs}`,
    )
    .digest('hex');
  const stampPath = `${o.out}.sea-stamp`;
  if (!o.force && existsSync(o.out) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp) {
    log(`sea: ${relative(root, o.out)} up to date`);
    return false;
  }
  const outdir = resolve(o.out, '..');
  mkdirSync(outdir, { recursive: true });
  const t0 = performance.now();
  // A private work directory beside the output (same filesystem, so the final rename is
  // atomic): a concurrent build cannot swap files under this one, and an interrupted build never
  // leaves a plain node binary or half a SEA under the final name.
  // Leftovers of builds killed outright (SIGKILL, power loss) are ~250 MB each.
  for (const name of readdirSync(outdir)) {
    const p = join(outdir, name);
    if (name.startsWith('.sea-') && Date.now() - statSync(p).mtimeMs > 3600_000)
      rmSync(p, { recursive: true, force: true });
  }
  // Removed on every way out: here when done or failed, by tempDir at exit or on a signal.
  const work = tempDir('.sea-', outdir);
  try {
    const main = join(work, 'sea-main.cjs');
    const blob = join(work, 'ssohelper.blob');
    const exe = join(work, 'ssohelper');
    const seaConfig = join(work, 'sea-config.json');
    writeFileSync(main, await seaMainCode());
    const assets: Record<string, string> = {};
    const embed = (name: string, data: string | Buffer) => {
      assets[name] = join(work, name);
      writeFileSync(assets[name], data);
    };
    const roles = Object.keys(EMBEDDED) as Array<keyof Scripts>;
    for (const role of roles) embed(EMBEDDED[role].asset, o.scripts[role]);
    if (o.codeCache) {
      const caches = await codeCaches(o.node, o.scripts, work);
      for (const role of roles) embed(EMBEDDED[role].cache, caches[role]);
    }
    // Paths relative to the work directory, which the blob maker runs in: the blob records the
    // main script's path, and a temporary directory's random name would make every build's bytes
    // differ (and put the build machine's paths into the executable).
    const relativeAssets = Object.fromEntries(Object.entries(assets).map(([k, v]) => [k, relative(work, v)]));
    writeFileSync(
      seaConfig,
      JSON.stringify({
        main: relative(work, main),
        output: relative(work, blob),
        assets: relativeAssets,
        ...settings,
      }),
    );
    // postject (LIEF) prints a page of harmless "Can't find string offset" warnings: show the
    // tools' output only when they fail.
    const run = (file: string, args: string[], cwd = root) => {
      const r = spawnSync(file, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      if (r.status !== 0) {
        process.stderr.write(`${r.stdout}${r.stderr}`);
        fail(`${relative(root, file) || file} ${args.join(' ')} exited ${r.status ?? r.signal}`);
      }
    };
    run(o.node, ['--experimental-sea-config', seaConfig], work);
    const tBlob = performance.now();
    copyFileSync(o.baseBinary, exe);
    chmodSync(exe, 0o755);
    run(o.node, [
      join(root, 'node_modules/postject/dist/cli.js'),
      exe,
      'NODE_SEA_BLOB',
      blob,
      '--sentinel-fuse',
      SENTINEL_FUSE,
      ...(o.postjectArgs ?? []),
    ]);
    // postject flips the fuse from :0 to :1; unflipped, the binary would start as plain node.
    if (!readFileSync(exe).includes(`${SENTINEL_FUSE}:1`)) fail('postject did not flip the SEA fuse');
    // Copied once more before it is put in place. postject writes the whole file in one large
    // write, which this kernel appears to keep in the page cache as large folios; an executable
    // run from those maps whole folios. Measured: 59 MiB peak RSS for a cached `get` straight
    // from postject's output (80 MiB after one writeFileSync of the bytes) against 44 MiB after
    // a copy, which is also what cp, install(1) and a read back from disk give. Same bytes
    // either way; only the build machine's page cache differs, but the bench and tests run there.
    const final = join(work, 'ssohelper.final');
    copyFileSync(exe, final);
    renameSync(final, o.out);
    writeAtomic(stampPath, stamp);
    const blobSecs = ((tBlob - t0) / 1000).toFixed(2);
    log(
      `sea: ${relative(root, o.out)} ${mib(statSync(o.out).size)} in ${seconds(t0)} (blob ${blobSecs} s, base ${relative(root, o.baseBinary) || o.baseBinary})`,
    );
    return true;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The built executable on this machine: version, and the full program from its code cache. */
export function smoke(exe: string, version: string): void {
  const r = spawnSync(exe, ['--version'], {
    encoding: 'utf8',
    env: { PATH: '/nonexistent', SSOHELPER_DEBUG: '1' },
    timeout: 30_000,
  });
  if (r.status !== 0 || !r.stdout.includes(version)) {
    fail(
      `'${relative(root, exe)} --version' exited ${r.status ?? r.signal} and printed ${JSON.stringify(r.stdout.trim())}; expected ${version}\n${r.stderr}`,
    );
  }
  // The hot entry reports how both bundles were loaded when debugging.
  const how = /hot script loaded from (.*)/.exec(r.stderr)?.[1] ?? 'unknown';
  if (how !== 'asset+cache, full program from asset+cache')
    fail(`'${relative(root, exe)} --version': hot script loaded from ${how}, expected both from asset+cache`);
  // And the full program compiles the other two to see whether their caches are taken.
  const others = /ssohelper\[debug\] (cold script from .*)/.exec(r.stderr)?.[1] ?? 'unknown';
  if (others !== 'cold script from asset+cache, SDK from asset+cache')
    fail(`'${relative(root, exe)} --version': ${others}, expected both from asset+cache`);
  log(`smoke: ${relative(root, exe)} --version -> ${r.stdout.trim()} (hot script loaded from ${how}; ${others})`);
}
