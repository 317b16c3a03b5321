// Builds dist/ssohelper.cjs (esbuild, one CommonJS file) and dist/ssohelper (Node SEA).
//
//   node_modules/.bin/node scripts/build.ts [--entry src/main.ts] [--outdir dist]
//       [--bundle-only] [--force] [--version-string X] [--skip-lazy-check]
//
// The SEA step takes seconds and ~1 GB of memory (postject), so it is skipped when the bundle
// bytes, the base binary and the SEA settings are the same as last time (dist/.sea-stamp).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Metafile } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const { values: opts } = parseArgs({
  options: {
    entry: { type: 'string', default: 'src/main.ts' },
    outdir: { type: 'string', default: 'dist' },
    'bundle-only': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    'version-string': { type: 'string' },
    'skip-lazy-check': { type: 'boolean', default: false },
  },
  strict: true,
});

const entry = resolve(root, opts.entry);
const outdir = resolve(root, opts.outdir);
const bundlePath = join(outdir, 'ssohelper.cjs');
const exePath = join(outdir, 'ssohelper');
// The blob must be made by the same Node that becomes the base binary, and that Node must be
// the pinned 24.x from node_modules, never the machine's /usr/bin/node.
const baseNode = realpathSync(join(root, 'node_modules/.bin/node'));

function log(msg: string): void {
  process.stderr.write(`build: ${msg}\n`);
}

function fail(msg: string): never {
  log(`error: ${msg}`);
  process.exit(1);
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(2)} s`;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

function versionString(): string {
  if (opts['version-string']) return opts['version-string'];
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
function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

function writeIfChanged(path: string, data: string | Uint8Array): boolean {
  const next = Buffer.from(data);
  if (existsSync(path) && readFileSync(path).equals(next)) return false;
  writeAtomic(path, next);
  return true;
}

// The hot path must not pay for the SDK: every SDK module must sit inside an esbuild
// __commonJS/__esm wrapper (run on first require), and running the bundle must not load the
// builtins that the SDK's HTTP stack pulls in at module top.
function checkLazy(code: string, metafile: Metafile): void {
  // Only inputs that survived tree shaking appear in the output; the rest cost nothing.
  const inOutput = Object.values(metafile.outputs).flatMap((o) =>
    Object.entries(o.inputs)
      .filter(([, v]) => v.bytesInOutput > 0)
      .map(([p]) => p),
  );
  const sdkInputs = inOutput.filter((p) => /node_modules\/(@aws-sdk|@smithy|@aws-crypto|proper-lockfile)\//.test(p));
  const unwrapped = sdkInputs.filter((p) => !code.includes(`${JSON.stringify(p)}(`));
  if (unwrapped.length > 0) {
    fail(
      `SDK modules are not wrapped for lazy evaluation (eager import somewhere?):\n  ${unwrapped.slice(0, 10).join('\n  ')}`,
    );
  }
  if (!code.includes('__commonJS') && sdkInputs.length > 0)
    fail('no __commonJS wrappers in the bundle; is the format still cjs?');

  const probe = `process.on('exit',()=>{process.getBuiltinModule('fs').writeSync(3,JSON.stringify(process.moduleLoadList))})`;
  const r = spawnSync(
    baseNode,
    ['--import', `data:text/javascript,${encodeURIComponent(probe)}`, bundlePath, '--version'],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: { PATH: '/nonexistent', HOME: '/nonexistent' },
      timeout: 30_000,
    },
  );
  const loaded = String(r.output[3] ?? '');
  if (loaded === '') {
    log(
      `warning: could not list the modules loaded by '--version' (exit ${r.status}); lazy-load runtime check skipped`,
    );
    return;
  }
  // Not 'net': a piped stdout loads it, and credential_process always pipes.
  const heavyList = ['http', 'https', 'http2', 'tls', 'zlib'];
  const heavy = heavyList.filter((m) => (JSON.parse(loaded) as string[]).includes(`NativeModule ${m}`));
  if (heavy.length > 0) fail(`'ssohelper --version' loads ${heavy.join(', ')}: some SDK or network code runs at start`);
  log(`lazy: ${sdkInputs.length} SDK/lock modules wrapped; '--version' loads none of ${heavyList.join('/')}`);
}

async function bundle(version: string): Promise<string> {
  if (!existsSync(entry)) fail(`entry ${relative(root, entry)} does not exist (use --entry PATH)`);
  const t0 = performance.now();
  const result = await build({
    // Lets an entry outside the repository (a scratch file) resolve the project's packages.
    nodePaths: [join(root, 'node_modules')],
    entryPoints: [entry],
    outfile: bundlePath,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    // No custom conditions means esbuild adds "module", and the SDK's exports maps list
    // "module" before "node": it would bundle dist-es, whose hundreds of __esm wrappers and
    // top-level __export calls cost ~7 ms on every run even with the code cache. An empty
    // list picks "node"/"require", the SDK's dist-cjs, behind cheap __commonJS wrappers.
    conditions: [],
    // Whitespace and syntax only: names stay readable in --debug stack traces, and the SEA code
    // cache makes parse size matter little.
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: false,
    legalComments: 'eof',
    sourcemap: false,
    define: { __SSOHELPER_VERSION__: JSON.stringify(version) },
    metafile: true,
    write: false,
    logLevel: 'warning',
    absWorkingDir: root,
  }).catch(() => fail('esbuild failed (errors above)'));
  const out = result.outputFiles.find((f) => f.path === bundlePath);
  if (!out) fail('esbuild produced no bundle');
  mkdirSync(outdir, { recursive: true });
  const changed = writeIfChanged(bundlePath, out.contents);
  writeIfChanged(join(outdir, 'ssohelper.meta.json'), JSON.stringify(result.metafile));
  log(
    `bundle: ${relative(root, bundlePath)} ${mib(out.contents.length)} in ${seconds(t0)}${changed ? '' : ' (unchanged)'}`,
  );
  if (!opts['skip-lazy-check']) checkLazy(out.text, result.metafile);
  return out.text;
}

function sea(code: string): void {
  const seaSettings = {
    disableExperimentalSEAWarning: true,
    useCodeCache: true,
    useSnapshot: false,
    // NODE_OPTIONS from the user's shell must not reach a credential helper: a stray
    // --require would run foreign code in a process that holds secrets, or break it outright.
    execArgvExtension: 'none',
  };
  const base = statSync(baseNode);
  const stamp = createHash('sha256')
    .update(code)
    .update(JSON.stringify(seaSettings))
    .update(`${baseNode}\0${base.size}\0${base.mtimeMs}\0${process.version}`)
    .digest('hex');
  const stampPath = join(outdir, '.sea-stamp');
  if (!opts.force && existsSync(exePath) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp) {
    log(`sea: ${relative(root, exePath)} up to date`);
    return;
  }

  const t0 = performance.now();
  // A private work directory inside dist/ (same filesystem, so the final rename is atomic): a
  // concurrent build cannot swap the bundle under this one, and an interrupted build never
  // leaves a plain node binary or half a SEA under the final name.
  // Leftovers of builds killed outright (SIGKILL, power loss) are ~250 MB each.
  for (const name of readdirSync(outdir)) {
    const p = join(outdir, name);
    if (name.startsWith('.sea-') && Date.now() - statSync(p).mtimeMs > 3600_000) rmSync(p, { recursive: true, force: true });
  }
  const work = mkdtempSync(join(outdir, '.sea-'));
  process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  // Ctrl-C also reaches the tool running under spawnSync; exiting through 'exit' cleans up.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));
  const main = join(work, 'ssohelper.cjs');
  const blob = join(work, 'ssohelper.blob');
  const exe = join(work, 'ssohelper');
  const seaConfig = join(work, 'sea-config.json');
  writeFileSync(main, code);
  writeFileSync(seaConfig, JSON.stringify({ main, output: blob, ...seaSettings }));
  // postject (LIEF) prints a page of harmless "Can't find string offset" warnings: show the
  // tools' output only when they fail.
  const run = (file: string, args: string[]) => {
    const r = spawnSync(file, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) {
      process.stderr.write(`${r.stdout}${r.stderr}`);
      fail(`${relative(root, file) || file} ${args.join(' ')} exited ${r.status ?? r.signal}`);
    }
  };
  run(baseNode, ['--experimental-sea-config', seaConfig]);
  const tBlob = performance.now();

  copyFileSync(baseNode, exe);
  chmodSync(exe, 0o755);
  run(baseNode, [join(root, 'node_modules/postject/dist/cli.js'), exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SENTINEL_FUSE]);
  // postject flips the fuse from :0 to :1; unflipped, the binary would start as plain node.
  if (!readFileSync(exe).includes(`${SENTINEL_FUSE}:1`)) fail('postject did not flip the SEA fuse');
  // Copied once more before it is put in place. postject writes the whole file in one large
  // write, which this kernel appears to keep in the page cache as large folios; an executable run
  // from those maps whole folios. Measured: 59 MiB peak RSS for a cached `get` straight from
  // postject's output (80 MiB after one writeFileSync of the bytes) against 44 MiB after a
  // copy, which is also what cp, install(1) and a read back from disk give. Same bytes either
  // way; only the build machine's page cache differs, but the benchmark and tests run there.
  const final = join(work, 'ssohelper.final');
  copyFileSync(exe, final);
  renameSync(final, exePath);
  writeAtomic(stampPath, stamp);
  const blobSecs = ((tBlob - t0) / 1000).toFixed(2);
  log(
    `sea: ${relative(root, exePath)} ${mib(statSync(exePath).size)} in ${seconds(t0)} (blob ${blobSecs} s, base ${relative(root, baseNode)} ${process.version})`,
  );
}

function smoke(version: string): void {
  const r = spawnSync(exePath, ['--version'], { encoding: 'utf8', env: { PATH: '/nonexistent' }, timeout: 30_000 });
  if (r.status === 0 && r.stdout.includes(version)) {
    log(`smoke: ${relative(root, exePath)} --version -> ${r.stdout.trim()}`);
  } else {
    log(
      `warning: '${relative(root, exePath)} --version' exited ${r.status ?? r.signal} and printed ${JSON.stringify(r.stdout.trim())}; expected ${version}`,
    );
  }
}

if (process.versions.node.split('.')[0] !== '24')
  fail(`run this with node_modules/.bin/node (Node 24), not ${process.execPath} ${process.version}`);
if (realpathSync(process.execPath) !== baseNode)
  log(`warning: running under ${process.execPath}, SEA base is ${baseNode}`);
const t0 = performance.now();
const version = versionString();
log(`version: ${version} (esbuild define __SSOHELPER_VERSION__), entry ${relative(root, entry) || entry}`);
const code = await bundle(version);
if (!opts['bundle-only']) {
  mkdirSync(dirname(exePath), { recursive: true });
  sea(code);
  smoke(version);
}
log(`done in ${seconds(t0)}`);
