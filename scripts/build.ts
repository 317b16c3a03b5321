// Builds the two bundles and the single executable:
//   dist/ssohelper.cjs       src/boot/hot.ts: the cached answer for get/env/export-credentials, no packages
//   dist/ssohelper-full.cjs  src/main.ts: the whole program, loaded by the first only when needed
//   dist/ssohelper           Node SEA: the hot bundle as main script (code cache), the full
//                            bundle and its own V8 code cache as assets
//
//   node_modules/.bin/node scripts/build.ts [--outdir dist] [--bundle-only] [--force]
//       [--version-string X] [--skip-checks]
//
// The functions are exported for scripts that build for other targets: bundle() is
// target-independent; makeSea() takes the Node that makes the blob (same version as the base
// binary, runnable here) and the base binary apart, and a code cache only for this platform.
// The SEA step takes seconds and ~1 GB of memory (postject), so it is skipped when its inputs
// are the same as last time (dist/.sea-stamp).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Metafile, type Plugin } from 'esbuild';
import {
  COLD_ENTRIES,
  COLD_FILE,
  EMBEDDED,
  FULL_FILE,
  HOT_FILE,
  SDK_FILE,
  SDK_PACKAGES,
  SHARED_MODULES,
  wrapScript,
} from '../src/boot/embedded.ts';
import { FIXTURE, hasFixtureKey, roleCacheFile, writeConfig, writeFreshRoleCache, writeSsoToken } from './fixture.ts';
import { tempDir } from '../test/helpers/temp.ts';

export const root = resolve(import.meta.dirname, '..');
export const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const HOT_ENTRY = 'src/boot/hot.ts';
export const FULL_ENTRY = 'src/main.ts';
export const SEA_MAIN_ENTRY = 'src/boot/seaMain.ts';
export { COLD_FILE, FULL_FILE, HOT_FILE, SDK_FILE };
/** The pinned Node 24 from node_modules, never the machine's /usr/bin/node. */
export const hostNode = realpathSync(join(root, 'node_modules/.bin/node'));
// Builtins that the SDK's HTTP stack pulls in at module top; a cached answer needs none.
// Not 'net': a piped stdout loads it, and credential_process always pipes.
const HEAVY_BUILTINS = ['http', 'https', 'http2', 'tls', 'zlib'];

export function log(msg: string): void {
  process.stderr.write(`build: ${msg}\n`);
}

export class BuildError extends Error {}

function fail(msg: string): never {
  throw new BuildError(msg);
}

function seconds(since: number): string {
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


const HANDOVER_MODULE = join(root, 'src/boot/handover.ts');

/** A relative or absolute import's target, repo-relative; undefined for a builtin or a package. */
function targetOf(args: { path: string; importer: string; resolveDir: string }): string | undefined {
  if (!args.path.startsWith('.') && !args.path.startsWith('/')) return undefined;
  return relative(root, args.path.startsWith('/') ? args.path : join(args.resolveDir || dirname(args.importer), args.path));
}

/**
 * The hot bundle's and the cold script's dynamic imports: a cold module (`cold`, hot bundle only)
 * becomes a call to coldModule(), which loads the cold script; one the script holds itself
 * (`inside`, cold script only) stays; every other one becomes a call to handover(): the code
 * behind it lives only in the full bundle, which redoes the whole run.
 */
function dynamicImportPlugin(cold: { entries: string[]; shared: string[] } | undefined, inside: Set<string> | undefined): Plugin {
  return {
    name: 'dynamic-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const target = targetOf(args);
        if (target && cold?.entries.includes(target)) return { path: target, namespace: 'cold-chunk' };
        if (target && inside?.has(target)) return undefined;
        return { path: args.path, namespace: 'handover' };
      });
      b.onLoad({ filter: /.*/, namespace: 'handover' }, () => ({
        contents: `import { handover } from ${JSON.stringify(HANDOVER_MODULE)}; handover();`,
        loader: 'ts',
        resolveDir: root,
      }));
      b.onLoad({ filter: /.*/, namespace: 'cold-chunk' }, (args) => {
        const shared = cold?.shared ?? [];
        const imports = shared.map((m, i) => `import * as s${i} from ${JSON.stringify(join(root, m))};`).join('\n');
        const table = shared.map((m, i) => `${JSON.stringify(m)}: s${i}`).join(', ');
        return {
          contents: `${imports}\nimport { coldModule } from ${JSON.stringify(join(root, 'src/boot/embedded.ts'))};\nmodule.exports = coldModule(${JSON.stringify(args.path)}, { ${table} });`,
          loader: 'ts',
          resolveDir: root,
        };
      });
    },
  };
}

/**
 * In the cold script, a module the hot bundle already holds is taken from it (coldModule()
 * hands them over), never bundled a second time: one copy of each class and of each piece of
 * state (the hand-over flag, the files being written).
 */
function sharedPlugin(hotModules: Set<string>): Plugin {
  return {
    name: 'shared',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const target = targetOf(args);
        return target && hotModules.has(target) ? { path: target, namespace: 'shared' } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'shared' }, (args) => ({
        contents: `const m = globalThis[Symbol.for(${JSON.stringify(SHARED_MODULES)})]?.[${JSON.stringify(args.path)}]; if (!m) throw new Error(${JSON.stringify(`${args.path} was not handed over by the hot bundle`)}); module.exports = m;`,
        loader: 'js',
      }));
    },
  };
}

// In the full bundle an AWS SDK package is a call into the SDK bundle, a script of its own that
// is read and compiled only when a command first needs a client (src/boot/embedded.ts): the SDK
// is three quarters of all the code, and every run of the full program paid for reading it.
const sdkChunkPlugin: Plugin = {
  name: 'sdk-chunk',
  setup(b) {
    b.onResolve({ filter: /^@(aws-sdk|smithy|aws-crypto)\// }, (args) => {
      if (args.kind !== 'dynamic-import' || !SDK_PACKAGES.includes(args.path)) {
        return { errors: [{ text: `${args.path} (from ${relative(root, args.importer)}): the full program may only import() the SDK packages in SDK_PACKAGES (src/boot/embedded.ts)` }] };
      }
      return { path: args.path, namespace: 'sdk-chunk' };
    });
    b.onLoad({ filter: /.*/, namespace: 'sdk-chunk' }, (args) => ({
      contents: `import { sdkPackage } from ${JSON.stringify(join(root, 'src/boot/embedded.ts'))}; module.exports = sdkPackage(${JSON.stringify(args.path)});`,
      loader: 'ts',
      resolveDir: root,
    }));
  },
};

/** The SDK bundle's entry: each package behind a getter, so that loading one runs only its code. */
function sdkEntry(): string {
  return SDK_PACKAGES.map((p) => `Object.defineProperty(exports, ${JSON.stringify(p)}, { enumerable: true, get: () => require(${JSON.stringify(p)}) });`).join('\n');
}

export interface Bundle {
  path: string;
  code: string;
  metafile: Metafile;
}

/** One bundle; with `write` false only its metafile and code are wanted, nothing is written. */
async function esbuild(entry: string | { contents: string; name: string }, outfile: string, version: string, plugins: Plugin[], write = true): Promise<Bundle> {
  const t0 = performance.now();
  const result = await build({
    ...(typeof entry === 'string' ? { entryPoints: [join(root, entry)] } : { stdin: { contents: entry.contents, resolveDir: root, sourcefile: entry.name, loader: 'js' as const } }),
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    // No custom conditions means esbuild adds "module", and the SDK's exports maps list
    // "module" before "node": it would bundle dist-es, whose hundreds of __esm wrappers and
    // top-level __export calls cost ~7 ms on every run even with the code cache. An empty
    // list picks "node"/"require", the SDK's dist-cjs, behind cheap __commonJS wrappers.
    conditions: [],
    // Whitespace and syntax only: names stay readable in --debug stack traces, and the code
    // caches make parse size matter little.
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: false,
    // ASCII output: the SEA asset is decoded without surprises, and V8 keeps one-byte strings.
    charset: 'ascii',
    legalComments: 'eof',
    sourcemap: false,
    define: { __SSOHELPER_VERSION__: JSON.stringify(version) },
    plugins,
    metafile: true,
    write: false,
    logLevel: 'warning',
    absWorkingDir: root,
  }).catch(() => fail('esbuild failed (errors above)'));
  const out = result.outputFiles.find((f) => f.path === outfile);
  if (!out) fail(`esbuild produced no ${outfile}`);
  if (!write) return { path: outfile, code: out.text, metafile: result.metafile };
  const changed = writeIfChanged(outfile, out.contents);
  writeIfChanged(outfile.replace(/\.cjs$/, '.meta.json'), JSON.stringify(result.metafile));
  log(`bundle: ${relative(root, outfile)} ${mib(out.contents.length)} in ${seconds(t0)}${changed ? '' : ' (unchanged)'}`);
  return { path: outfile, code: out.text, metafile: result.metafile };
}

function bundledInputs(metafile: Metafile): string[] {
  // Only inputs that survived tree shaking appear in the output; the rest cost nothing.
  return Object.values(metafile.outputs).flatMap((o) =>
    Object.entries(o.inputs)
      .filter(([, v]) => v.bytesInOutput > 0)
      .map(([p]) => p),
  );
}

/** The four bundles into outdir; target-independent. Fails if the hot or cold one holds any package. */
export async function bundle(outdir: string, version: string): Promise<{ hot: Bundle; full: Bundle; sdk: Bundle; cold: Bundle }> {
  mkdirSync(outdir, { recursive: true });
  // First what the hot bundle holds when every import() hands over: the modules it shares.
  const alone = await esbuild(HOT_ENTRY, join(outdir, HOT_FILE), version, [dynamicImportPlugin(undefined, undefined)], false);
  const hotModules = new Set(bundledInputs(alone.metafile).filter((p) => p.startsWith('src/')));
  const misplaced = COLD_ENTRIES.filter((m) => hotModules.has(m));
  if (misplaced.length > 0) fail(`the hot bundle imports ${misplaced.join(', ')} statically; a COLD_ENTRIES module must be reached only by import()`);
  const coldEntry = `${COLD_ENTRIES.map((m, i) => `import * as m${i} from ${JSON.stringify(`./${m}`)};`).join('\n')}\nmodule.exports = { ${COLD_ENTRIES.map((m, i) => `${JSON.stringify(m)}: m${i}`).join(', ')} };`;
  const [cold, full, sdk] = await Promise.all([
    esbuild({ contents: coldEntry, name: 'cold-entry.js' }, join(outdir, COLD_FILE), version, [sharedPlugin(hotModules), dynamicImportPlugin(undefined, new Set(COLD_ENTRIES))]),
    esbuild(FULL_ENTRY, join(outdir, FULL_FILE), version, [sdkChunkPlugin]),
    esbuild({ contents: sdkEntry(), name: 'sdk-entry.js' }, join(outdir, SDK_FILE), version, []),
  ]);
  const shared = Object.keys(cold.metafile.inputs).filter((p) => p.startsWith('shared:')).map((p) => p.slice('shared:'.length)).sort();
  const hot = await esbuild(HOT_ENTRY, join(outdir, HOT_FILE), version, [dynamicImportPlugin({ entries: COLD_ENTRIES, shared }, undefined)]);
  const leaked = bundledInputs(hot.metafile).filter((p) => p.startsWith('src/') && !hotModules.has(p));
  if (leaked.length > 0) fail(`cold modules ended up in the hot bundle: ${leaked.join(', ')}`);
  for (const [name, b, hint] of [
    [HOT_ENTRY, hot, 'import it dynamically so it runs from the full bundle'],
    [COLD_FILE, cold, 'the cold script runs beside the hot one and may only use builtins'],
  ] as const) {
    const packages = bundledInputs(b.metafile).filter((p) => p.includes('node_modules/'));
    if (packages.length > 0) fail(`${name} holds package code; ${hint}:\n  ${packages.slice(0, 10).join('\n  ')}`);
  }
  return { hot, full, sdk, cold };
}

const SDK_INPUT = /node_modules\/(@aws-sdk|@smithy|@aws-crypto)\//;

/**
 * The full bundle holds no SDK code (it is all in the SDK bundle), and the SDK bundle keeps it
 * lazy (a login should not pay for STS): every module inside an esbuild __commonJS wrapper.
 */
export function checkFullBundle(full: Bundle, sdk: Bundle): number {
  const inFull = bundledInputs(full.metafile).filter((p) => SDK_INPUT.test(p));
  if (inFull.length > 0) fail(`${FULL_FILE} holds SDK code; it belongs in ${SDK_FILE}:\n  ${inFull.slice(0, 10).join('\n  ')}`);
  const sdkInputs = bundledInputs(sdk.metafile).filter((p) => SDK_INPUT.test(p));
  const unwrapped = sdkInputs.filter((p) => !sdk.code.includes(`${JSON.stringify(p)}(`));
  if (sdkInputs.length === 0 || unwrapped.length > 0) {
    fail(`SDK modules in ${SDK_FILE} are not wrapped for lazy evaluation:\n  ${unwrapped.slice(0, 10).join('\n  ')}`);
  }
  return sdkInputs.length;
}

const PROBE = `process.on('exit',()=>{const m=process.getBuiltinModule('module');process.getBuiltinModule('fs').writeSync(3,JSON.stringify({builtins:process.moduleLoadList,files:Object.keys(m.Module._cache)}))})`;

/** Node's arguments that run `script` with the probe: it writes what was loaded to fd 3 at exit. */
export function probedArgs(script: string, args: string[]): string[] {
  return ['--import', `data:text/javascript,${encodeURIComponent(PROBE)}`, script, ...args];
}

/** What the probe wrote: the builtins (without the "NativeModule " prefix) and the files loaded. */
export function probeReport(raw: string): { builtins: string[]; files: string[] } {
  const seen = raw ? (JSON.parse(raw) as { builtins: string[]; files: string[] }) : { builtins: [], files: [] };
  return { builtins: seen.builtins.filter((b) => b.startsWith('NativeModule ')).map((b) => b.slice('NativeModule '.length)), files: seen.files };
}

/** Runs a bundle under node and lists the builtins and files it loaded. */
export function loadedBy(nodeBin: string, script: string, args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string; builtins: string[]; files: string[] } {
  const r = spawnSync(nodeBin, probedArgs(script, args), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    env,
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ...probeReport(String(r.output[3] ?? '')) };
}

/**
 * The run-time half of the hot-path check: a cached `get` from the hot bundle under this Node
 * must answer without loading the full bundle or any network builtin.
 */
export function checkHotPath(outdir: string): string[] {
  const home = tempDir('ssohelper-build-');
  try {
    writeConfig(home);
    writeFreshRoleCache(home);
    const env = { HOME: home, PATH: '/nonexistent', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
    const r = loadedBy(hostNode, join(outdir, HOT_FILE), ['get', FIXTURE.profile], env);
    if (r.status !== 0 || !hasFixtureKey(r.stdout)) fail(`a cached 'get' from ${HOT_FILE} failed (exit ${r.status}): ${r.stdout}${r.stderr}`);
    if (r.files.some((f) => f.endsWith(FULL_FILE))) fail(`a cached 'get' loaded ${FULL_FILE}: something on the hot path handed over to the full program`);
    if (r.files.some((f) => f.endsWith(COLD_FILE))) fail(`a cached 'get' loaded ${COLD_FILE}: the cold script is for a cache miss`);
    const heavy = HEAVY_BUILTINS.filter((m) => r.builtins.includes(m));
    if (heavy.length > 0) fail(`a cached 'get' loads node:${heavy.join(', node:')}`);
    // And the other way round: a command the hot bundle does not know must reach the full one.
    const v = loadedBy(hostNode, join(outdir, HOT_FILE), ['--version'], env);
    if (v.status !== 0 || !v.files.some((f) => f.endsWith(FULL_FILE))) fail(`'--version' did not run the full program (exit ${v.status}): ${v.stderr}`);
    const vHeavy = HEAVY_BUILTINS.filter((m) => v.builtins.includes(m));
    if (vHeavy.length > 0) fail(`'--version' loads node:${vHeavy.join(', node:')}: some SDK or network code runs at start`);
    return r.builtins;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

// Runs in a child `node`: compiles a wrapped bundle exactly as src/boot/embedded.ts does, runs
// it, and on its successful exit writes the code cache of everything compiled so far.
const TRAINER = `
const fs = require('fs'), vm = require('vm'), path = require('path'), { createRequire } = require('module');
const { TRAIN_SOURCE, TRAIN_OUT, TRAIN_FILENAME, TRAIN_DIR, TRAIN_ARGS } = process.env;
const script = new vm.Script(fs.readFileSync(TRAIN_SOURCE, 'utf8'), { filename: TRAIN_FILENAME });
if (TRAIN_ARGS === 'compile') {
  fs.writeFileSync(TRAIN_OUT, script.createCachedData());
  process.exit(0);
}
const runs = JSON.parse(TRAIN_ARGS);
const exit = process.exit.bind(process);
let done = 0;
const start = () => {
  process.argv = [process.execPath, process.execPath, ...runs[done]];
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(process.execPath), module, path.join(TRAIN_DIR, TRAIN_FILENAME), TRAIN_DIR);
};
// Each run ends in process.exit: the next starts from the same compiled script, so the cache
// holds what all of them ran. What follows a real exit must not run: the exit throws STOP,
// which ends the run's promise chain and is ignored.
const STOP = Symbol('stop');
const ignoreStop = (e) => {
  if (e === STOP) return;
  console.error(e);
  exit(1);
};
process.on('unhandledRejection', ignoreStop);
process.on('uncaughtException', ignoreStop);
process.exit = (code) => {
  if (code) exit(code);
  if (++done === runs.length) {
    fs.writeFileSync(TRAIN_OUT, script.createCachedData());
    exit(0);
  }
  setImmediate(start);
  throw STOP;
};
start();
`;

/**
 * A trained V8 code cache: `node` (the Node that the SEA embeds, on this platform only) compiles
 * exactly the text src/boot/embedded.ts compiles, runs it as `ssohelper <args>` for each entry of
 * `runs` in turn in one process, in `env`, and writes the cache once the last exits 0. V8
 * compiles functions lazily, so a cache made right after compiling (what Node's own useCodeCache
 * does) holds little beyond the top level; this one holds every function the runs needed.
 * `beside` are files the runs find next to the script (the cold script, for the hot bundle).
 */
export async function trainedCodeCache(
  node: string,
  code: string,
  filename: string,
  work: string,
  runs: string[][] | 'compile',
  env: Record<string, string>,
  beside: Record<string, string> = {},
): Promise<Buffer> {
  const dir = join(work, `${filename}.training`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(beside)) writeFileSync(join(dir, name), text);
  const src = join(dir, `${filename}.wrapped.js`);
  const out = join(dir, `${filename}.cache`);
  writeFileSync(src, wrapScript(code));
  const what = `${filename} (${runs === 'compile' ? runs : runs.map((r) => r.join(' ')).join('; ')})`;
  return runTrainer(node, TRAINER, { ...env, TRAIN_SOURCE: src, TRAIN_OUT: out, TRAIN_FILENAME: filename, TRAIN_DIR: dir, TRAIN_ARGS: runs === 'compile' ? runs : JSON.stringify(runs) }, out, what);
}

/** Runs a trainer program in a child `node` (async: the stub server here must answer it) and reads the cache it wrote. */
async function runTrainer(node: string, program: string, env: Record<string, string>, out: string, what: string): Promise<Buffer> {
  const child = spawn(node, ['-e', program], { env: { ...env, PATH: '/nonexistent' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const status = await new Promise<number | null>((ok) => child.on('close', ok));
  if (status !== 0 || !existsSync(out)) fail(`the code-cache training run of ${what} failed with exit ${status}:\n${output}`);
  return readFileSync(out);
}

/** The embedded scripts' code, by role. */
export type Scripts = Record<keyof typeof EMBEDDED, string>;

/**
 * Trains the cold script's cache: runs the hot bundle (a file, beside the cold script) as
 * `ssohelper <args>`, compiling the cold script with exactly the text embedded.ts compiles when
 * the hot bundle asks for it, and writes that script's cache once the run exits 0.
 */
const COLD_TRAINER = `
const fs = require('fs'), vm = require('vm'), path = require('path'), Module = require('module');
const { TRAIN_HOT, TRAIN_COLD, TRAIN_SOURCE, TRAIN_OUT, TRAIN_FILENAME, TRAIN_ARGS } = process.env;
let script;
const plain = Module._extensions['.js'];
Module._extensions['.cjs'] = function (module, filename) {
  if (filename !== TRAIN_COLD) return plain(module, filename);
  script = new vm.Script(fs.readFileSync(TRAIN_SOURCE, 'utf8'), { filename: TRAIN_FILENAME });
  script.runInThisContext()(module.exports, require, module, TRAIN_FILENAME, '.');
};
const exit = process.exit.bind(process);
process.exit = (code) => {
  if (!code && script) fs.writeFileSync(TRAIN_OUT, script.createCachedData());
  exit(code);
};
process.argv = [process.execPath, TRAIN_HOT, ...JSON.parse(TRAIN_ARGS)];
require(TRAIN_HOT);
`;

async function trainedColdCache(node: string, scripts: Scripts, work: string, args: string[], env: Record<string, string>): Promise<Buffer> {
  const dir = join(work, 'cold-training');
  mkdirSync(dir, { recursive: true });
  const hot = join(dir, HOT_FILE);
  const cold = join(dir, COLD_FILE);
  const src = join(dir, `${COLD_FILE}.wrapped.js`);
  const out = join(dir, `${COLD_FILE}.cache`);
  writeFileSync(hot, scripts.hot);
  writeFileSync(cold, scripts.cold);
  writeFileSync(src, wrapScript(scripts.cold));
  const trainerEnv = { ...env, TRAIN_HOT: hot, TRAIN_COLD: cold, TRAIN_SOURCE: src, TRAIN_OUT: out, TRAIN_FILENAME: COLD_FILE, TRAIN_ARGS: JSON.stringify(args) };
  return runTrainer(node, COLD_TRAINER, trainerEnv, out, `${COLD_FILE} (${args.join(' ')})`);
}

/**
 * The four caches, trained against a stub portal here. The hot bundle's on a first `get` (what
 * of it runs in the hot bundle: the miss, the write, the output) followed by a cached one; the
 * cold script's on a first `get`, which the hot entry runs with it; the full bundle's on a first
 * `get` run by the full program alone (a --debug run, or after a hand-over: the lock, the token,
 * the request and the write are the same). The SDK bundle's holds what compiling it gives (its
 * users, login and refresh, vary too much to train on one run).
 */
export async function codeCaches(node: string, scripts: Scripts, work: string): Promise<Record<keyof Scripts, Buffer>> {
  const home = tempDir('ssohelper-train-');
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        roleCredentials: {
          accessKeyId: 'ASIATRAININGEXAMPLE0',
          secretAccessKey: 'trainingSecretAccessKeyEXAMPLE',
          sessionToken: 'trainingSessionTokenEXAMPLE',
          expiration: Date.now() + 3600_000,
        },
      }),
    );
  });
  try {
    writeConfig(home);
    await writeSsoToken(home, { accessToken: 'trainingAccessToken', expiresAt: new Date(Date.now() + 3600_000) });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const env = { HOME: home, AWS_ENDPOINT_URL_SSO: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    const get = ['get', FIXTURE.profile];
    const cold = await trainedColdCache(node, scripts, work, get, env);
    rmSync(roleCacheFile(home));
    const full = await trainedCodeCache(node, scripts.full, FULL_FILE, work, [get], env);
    rmSync(roleCacheFile(home));
    // A first get (the hot bundle's part of it: the miss, the write, the output), then a cached
    // one from the entry it wrote.
    const hot = await trainedCodeCache(node, scripts.hot, HOT_FILE, work, [get, get], env, { [COLD_FILE]: scripts.cold });
    const sdk = await trainedCodeCache(node, scripts.sdk, SDK_FILE, work, 'compile', {});
    return { hot, full, sdk, cold };
  } finally {
    server.close();
    rmSync(home, { recursive: true, force: true });
  }
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
    .update(`${o.node}\0${stat(o.node).size}\0${stat(o.node).mtimeMs}\0${o.baseBinary}\0${stat(o.baseBinary).size}\0${stat(o.baseBinary).mtimeMs}`)
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
    if (name.startsWith('.sea-') && Date.now() - statSync(p).mtimeMs > 3600_000) rmSync(p, { recursive: true, force: true });
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
    writeFileSync(seaConfig, JSON.stringify({ main, output: blob, assets, ...settings }));
    // postject (LIEF) prints a page of harmless "Can't find string offset" warnings: show the
    // tools' output only when they fail.
    const run = (file: string, args: string[]) => {
      const r = spawnSync(file, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      if (r.status !== 0) {
        process.stderr.write(`${r.stdout}${r.stderr}`);
        fail(`${relative(root, file) || file} ${args.join(' ')} exited ${r.status ?? r.signal}`);
      }
    };
    run(o.node, ['--experimental-sea-config', seaConfig]);
    const tBlob = performance.now();
    copyFileSync(o.baseBinary, exe);
    chmodSync(exe, 0o755);
    run(o.node, [join(root, 'node_modules/postject/dist/cli.js'), exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SENTINEL_FUSE, ...(o.postjectArgs ?? [])]);
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
    log(`sea: ${relative(root, o.out)} ${mib(statSync(o.out).size)} in ${seconds(t0)} (blob ${blobSecs} s, base ${relative(root, o.baseBinary) || o.baseBinary})`);
    return true;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The built executable on this machine: version, and the full program from its code cache. */
export function smoke(exe: string, version: string): void {
  const r = spawnSync(exe, ['--version'], { encoding: 'utf8', env: { PATH: '/nonexistent', SSOHELPER_DEBUG: '1' }, timeout: 30_000 });
  if (r.status !== 0 || !r.stdout.includes(version)) {
    fail(`'${relative(root, exe)} --version' exited ${r.status ?? r.signal} and printed ${JSON.stringify(r.stdout.trim())}; expected ${version}\n${r.stderr}`);
  }
  // The hot entry reports how both bundles were loaded when debugging.
  const how = /hot script loaded from (.*)/.exec(r.stderr)?.[1] ?? 'unknown';
  if (how !== 'asset+cache, full program from asset+cache') fail(`'${relative(root, exe)} --version': hot script loaded from ${how}, expected both from asset+cache`);
  // And the full program compiles the other two to see whether their caches are taken.
  const others = /ssohelper\[debug\] (cold script from .*)/.exec(r.stderr)?.[1] ?? 'unknown';
  if (others !== 'cold script from asset+cache, SDK from asset+cache') fail(`'${relative(root, exe)} --version': ${others}, expected both from asset+cache`);
  log(`smoke: ${relative(root, exe)} --version -> ${r.stdout.trim()} (hot script loaded from ${how}; ${others})`);
}

async function main(): Promise<void> {
  const { values: opts } = parseArgs({
    options: {
      outdir: { type: 'string', default: 'dist' },
      'bundle-only': { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      'version-string': { type: 'string' },
      'skip-checks': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (process.versions.node.split('.')[0] !== '24') fail(`run this with node_modules/.bin/node (Node 24), not ${process.execPath} ${process.version}`);
  const outdir = resolve(root, opts.outdir);
  const t0 = performance.now();
  const version = opts['version-string'] ?? versionString();
  log(`version: ${version} (esbuild define __SSOHELPER_VERSION__)`);
  const { hot, full, sdk, cold } = await bundle(outdir, version);
  if (!opts['skip-checks']) {
    const wrapped = checkFullBundle(full, sdk);
    const builtins = checkHotPath(outdir);
    log(`lazy: no SDK code in ${FULL_FILE}, ${wrapped} SDK modules wrapped in ${SDK_FILE}; a cached 'get' loads ${builtins.length} builtins, no package, neither ${COLD_FILE} nor ${FULL_FILE}`);
  }
  if (!opts['bundle-only']) {
    const exe = join(outdir, 'ssohelper');
    await makeSea({ node: hostNode, baseBinary: hostNode, out: exe, scripts: { hot: hot.code, full: full.code, sdk: sdk.code, cold: cold.code }, codeCache: true, force: opts.force });
    smoke(exe, version);
  }
  log(`done in ${seconds(t0)}`);
}

if (import.meta.main) {
  await main().catch((err: unknown) => {
    log(`error: ${err instanceof BuildError ? err.message : (err as Error).stack}`);
    process.exit(1);
  });
}
