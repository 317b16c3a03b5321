// The scripts inside the single executable. Its main script (src/hot/seaMain.ts) only runs the
// hot bundle (src/hot.ts: cached answers); on a cache miss for an SSO role the hot bundle loads
// the cold script (the lock, the portal request, the cache write), which runs in the same start
// and shares the hot bundle's modules; anything else runs the full program (src/main.ts), and
// the full program loads the AWS SDK bundle (the OIDC and STS clients, three quarters of all the
// code) the first time it imports one of them. Each is a SEA asset with a V8 code cache trained
// by running what it serves, and none is read before it is needed.
// Beside a plain bundle (npm package, tests) the others are files.

export const HOT_FILE = 'ssohelper.cjs';
export const FULL_FILE = 'ssohelper-full.cjs';
export const HOT_ASSET = 'hot.cjs';
export const HOT_CACHE_ASSET = 'hot.cache';
export const FULL_ASSET = 'full.cjs';
export const FULL_CACHE_ASSET = 'full.cache';
export const SDK_FILE = 'ssohelper-sdk.cjs';
export const COLD_FILE = 'ssohelper-cold.cjs';
export const COLD_ASSET = 'cold.cjs';
export const COLD_CACHE_ASSET = 'cold.cache';
/** Where the hot bundle hands its modules to the cold script (scripts/build.ts, sharedPlugin). */
export const SHARED_MODULES = 'ssohelper.sharedModules';
export const SDK_ASSET = 'sdk.cjs';
export const SDK_CACHE_ASSET = 'sdk.cache';

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
  return loadEmbedded(asset, cacheAsset, filename, require).loadedFrom;
}

function compileEmbedded(asset: string, cacheAsset: string, filename: string): { cachedData: Buffer | undefined; script: import('node:vm').Script } {
  const sea = process.getBuiltinModule('node:sea');
  const vm = process.getBuiltinModule('node:vm');
  let cachedData: Buffer | undefined;
  try {
    cachedData = Buffer.from(sea.getRawAsset(cacheAsset));
  } catch {
    // Built without code caches (a base binary for another platform): V8 compiles from source.
  }
  return { cachedData, script: new vm.Script(wrapScript(sea.getAsset(asset, 'utf8')), { filename, cachedData }) };
}

function loadEmbedded(asset: string, cacheAsset: string, filename: string, require: (id: string) => unknown): { loadedFrom: LoadedFrom; exports: unknown } {
  const { cachedData, script } = compileEmbedded(asset, cacheAsset, filename);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, filename, '.');
  const loadedFrom = !cachedData ? 'asset' : script.cachedDataRejected ? 'asset, cache rejected' : 'asset+cache';
  return { loadedFrom, exports: module.exports };
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

/**
 * For `--version --debug`: whether the cold and SDK scripts' code caches would be taken, found by
 * compiling each without running it (the hot and full ones report as they load). A rejected
 * cache costs every run that loads the script its compile time.
 */
export function otherScriptsLoadable(): string {
  if (!process.getBuiltinModule('node:sea').isSea()) return 'cold script and SDK from files';
  const how = (asset: string, cacheAsset: string, filename: string) => {
    const { cachedData, script } = compileEmbedded(asset, cacheAsset, filename);
    return !cachedData ? 'asset' : script.cachedDataRejected ? 'asset, cache rejected' : 'asset+cache';
  };
  return `cold script from ${how(COLD_ASSET, COLD_CACHE_ASSET, COLD_FILE)}, SDK from ${how(SDK_ASSET, SDK_CACHE_ASSET, SDK_FILE)}`;
}

let sdk: Record<string, unknown> | undefined;

/**
 * An AWS SDK package from the SDK bundle, which is loaded on the first call. The build turns the
 * full program's `import('@aws-sdk/…')` into this (scripts/build.ts, sdkChunkPlugin).
 */
export function sdkPackage(name: string): unknown {
  if (!sdk) {
    const { isSea } = process.getBuiltinModule('node:sea');
    const { createRequire } = process.getBuiltinModule('node:module');
    sdk = (
      isSea()
        ? loadEmbedded(SDK_ASSET, SDK_CACHE_ASSET, SDK_FILE, createRequire(process.execPath)).exports
        : createRequire(__filename)(`./${SDK_FILE}`)
    ) as Record<string, unknown>;
  }
  if (!(name in sdk)) throw new Error(`${name} is not in ${SDK_FILE}; add it to SDK_PACKAGES in scripts/build.ts`);
  return sdk[name];
}

let cold: Record<string, unknown> | undefined;

/**
 * A module of the cold script, which is loaded on the first call. The build turns the hot
 * bundle's `import()` of a cold module into this (scripts/build.ts, coldChunkPlugin). `shared`
 * holds the hot bundle's own modules that the cold script uses, by path: it takes them from here
 * instead of having copies, so both see one error class, one hand-over flag, one set of files
 * being written.
 */
export function coldModule(path: string, shared: Record<string, unknown>): unknown {
  if (!cold) {
    (globalThis as Record<symbol, unknown>)[Symbol.for(SHARED_MODULES)] = shared;
    const { isSea } = process.getBuiltinModule('node:sea');
    cold = (
      isSea()
        ? loadEmbedded(COLD_ASSET, COLD_CACHE_ASSET, COLD_FILE, builtinRequire).exports
        : process.getBuiltinModule('node:module').createRequire(__filename)(`./${COLD_FILE}`)
    ) as Record<string, unknown>;
  }
  if (!(path in cold)) throw new Error(`${path} is not in ${COLD_FILE}; add it to COLD_ENTRIES in scripts/build.ts`);
  return cold[path];
}
