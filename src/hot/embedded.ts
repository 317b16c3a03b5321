// The scripts inside the single executable. Its main script (src/hot/seaMain.ts) only runs the
// hot bundle (src/hot.ts); the hot bundle runs the full program (src/main.ts) when it has to.
// Both bundles are SEA assets, each with a V8 code cache that the build trained by running the
// path it serves, so neither compiles anything on that path; the full bundle is not even read
// by a cached answer. Beside a plain bundle (npm package, tests) the full program is a file.

export const HOT_FILE = 'ssohelper.cjs';
export const FULL_FILE = 'ssohelper-full.cjs';
export const HOT_ASSET = 'hot.cjs';
export const HOT_CACHE_ASSET = 'hot.cache';
export const FULL_ASSET = 'full.cjs';
export const FULL_CACHE_ASSET = 'full.cache';

/** The CommonJS wrapper; the build compiles exactly this text to make the code caches. */
export function wrapScript(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

export type LoadedFrom = 'file' | 'asset' | 'asset+cache' | 'asset, cache rejected';

const HOT_LOAD = Symbol.for('ssohelper.hotLoadedFrom');

/** `require` for a bundle that needs only Node's builtins, without building a module resolver. */
function builtinRequire(id: string): unknown {
  const m = process.getBuiltinModule(id);
  if (m === undefined) throw new Error(`${id} is not a Node builtin; the bundle should contain it`);
  return m;
}

/** Runs an embedded script; only inside the single executable. */
export function runEmbedded(asset: string, cacheAsset: string, filename: string, require: (id: string) => unknown): LoadedFrom {
  const sea = process.getBuiltinModule('node:sea');
  const vm = process.getBuiltinModule('node:vm');
  let cachedData: Buffer | undefined;
  try {
    cachedData = Buffer.from(sea.getRawAsset(cacheAsset));
  } catch {
    // Built without code caches (a base binary for another platform): V8 compiles from source.
  }
  const script = new vm.Script(wrapScript(sea.getAsset(asset, 'utf8')), { filename, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, filename, '.');
  if (!cachedData) return 'asset';
  return script.cachedDataRejected ? 'asset, cache rejected' : 'asset+cache';
}

/** The single executable's main script: the hot bundle, remembering how it was loaded. */
export function runHotBundle(): void {
  // The hot bundle holds no package (the build checks), so Node's builtins are all it requires.
  (globalThis as Record<symbol, unknown>)[HOT_LOAD] = runEmbedded(HOT_ASSET, HOT_CACHE_ASSET, HOT_FILE, builtinRequire);
}

/** How the hot bundle itself was loaded: 'file' when run by node directly. */
export function hotLoadedFrom(): LoadedFrom {
  return ((globalThis as Record<symbol, unknown>)[HOT_LOAD] as LoadedFrom | undefined) ?? 'file';
}

/** Runs the full program, which reads process.argv itself and exits when done. */
export function runFullProgram(): LoadedFrom {
  if (!process.getBuiltinModule('node:sea').isSea()) {
    process.getBuiltinModule('node:module').createRequire(__filename)(`./${FULL_FILE}`);
    return 'file';
  }
  // Every package is bundled into the full program too; a real require keeps whatever else a
  // bundled package might ask of it (require.resolve, require.cache) working.
  return runEmbedded(FULL_ASSET, FULL_CACHE_ASSET, FULL_FILE, process.getBuiltinModule('node:module').createRequire(process.execPath));
}
