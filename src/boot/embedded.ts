// The scripts inside the single executable. Its main script (src/boot/seaMain.ts) only runs the
// hot bundle (src/boot/hot.ts: cached answers); on a cache miss for an SSO role the hot bundle loads
// the cold script (the lock, the portal request, the cache write), which runs in the same start
// and shares the hot bundle's modules; anything else runs the full program (src/main.ts), and
// the full program loads the AWS SDK bundle (the OIDC and STS clients, three quarters of all the
// code) the first time it imports one of them. Each is a SEA asset with a V8 code cache trained
// by running what it serves, and none is read before it is needed.
// Beside a plain bundle (npm package, tests) the others are files.

export const HOT_FILE = 'ssohelper.cjs';
export const COLD_FILE = 'ssohelper-cold.cjs';
export const FULL_FILE = 'ssohelper-full.cjs';
export const SDK_FILE = 'ssohelper-sdk.cjs';

/** An embedded script: its file beside a plain bundle, and its SEA asset and code-cache asset. */
export interface EmbeddedScript {
  file: string;
  asset: string;
  cache: string;
}

/** The four scripts by role; the build embeds each role's code and trained cache under these names. */
export const EMBEDDED = {
  hot: { file: HOT_FILE, asset: 'hot.cjs', cache: 'hot.cache' },
  cold: { file: COLD_FILE, asset: 'cold.cjs', cache: 'cold.cache' },
  full: { file: FULL_FILE, asset: 'full.cjs', cache: 'full.cache' },
  sdk: { file: SDK_FILE, asset: 'sdk.cjs', cache: 'sdk.cache' },
} as const satisfies Record<string, EmbeddedScript>;

/** The AWS SDK packages the full program imports; they make up the SDK bundle. */
export const SDK_PACKAGES = ['@aws-sdk/client-sso-oidc', '@aws-sdk/client-sts'];

/**
 * The cold script's modules that the hot bundle (or a module both share) may import(),
 * repo-relative: what a first `get` for an SSO role needs beyond a cached answer (the lock, the
 * portal request, the HTTP client, the cache write). They run in the hot entry's own start,
 * from a script of their own, so a cached answer neither reads nor compiles them. A token
 * refresh, a login or a role chain still hands over (the SDK, the browser, STS).
 */
export const COLD_ENTRIES = [
  'src/credentials/refill.ts',
  'src/credentials/fetch.ts',
  'src/net/http.ts',
  'src/net/settings.ts',
  'src/net/trust.ts',
  'src/net/proxy.ts',
  'src/net/tlsSessions.ts',
];

/** Where the hot bundle hands its modules to the cold script (scripts/build.ts, sharedPlugin). */
export const SHARED_MODULES = 'ssohelper.sharedModules';

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
export function runEmbedded(s: EmbeddedScript, require: (id: string) => unknown): LoadedFrom {
  return loadEmbedded(s, require).loadedFrom;
}

/** Compiles an embedded script (with its code cache when the build made one) without running it. */
function compileEmbedded(s: EmbeddedScript): { script: import('node:vm').Script; loadedFrom: LoadedFrom } {
  const sea = process.getBuiltinModule('node:sea');
  const vm = process.getBuiltinModule('node:vm');
  let cachedData: Buffer | undefined;
  try {
    cachedData = Buffer.from(sea.getRawAsset(s.cache));
  } catch {
    // Built without code caches (a base binary for another platform): V8 compiles from source.
  }
  const script = new vm.Script(wrapScript(sea.getAsset(s.asset, 'utf8')), { filename: s.file, cachedData });
  return {
    script,
    loadedFrom: !cachedData ? 'asset' : script.cachedDataRejected ? 'asset, cache rejected' : 'asset+cache',
  };
}

function loadEmbedded(
  s: EmbeddedScript,
  require: (id: string) => unknown,
): { loadedFrom: LoadedFrom; exports: unknown } {
  const { script, loadedFrom } = compileEmbedded(s);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, s.file, '.');
  return { loadedFrom, exports: module.exports };
}

/**
 * The exports of a script that is loaded once and then asked for its parts (the SDK bundle, the
 * cold script): the asset in the single executable, else the file beside this bundle.
 */
function scriptParts(s: EmbeddedScript, require: () => (id: string) => unknown): Record<string, unknown> {
  return (
    process.getBuiltinModule('node:sea').isSea()
      ? loadEmbedded(s, require()).exports
      : process.getBuiltinModule('node:module').createRequire(__filename)(`./${s.file}`)
  ) as Record<string, unknown>;
}

function partOf(parts: Record<string, unknown>, name: string, s: EmbeddedScript, list: string): unknown {
  if (!(name in parts)) throw new Error(`${name} is not in ${s.file}; add it to ${list} in scripts/build.ts`);
  return parts[name];
}

/** The single executable's main script: the hot bundle, remembering how it was loaded. */
export function runHotBundle(): void {
  // The hot bundle holds no package (the build checks), so Node's builtins are all it requires.
  (globalThis as Record<symbol, unknown>)[HOT_LOAD] = runEmbedded(EMBEDDED.hot, builtinRequire);
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
  return runEmbedded(EMBEDDED.full, process.getBuiltinModule('node:module').createRequire(process.execPath));
}

/**
 * For `--version --debug`: whether the cold and SDK scripts' code caches would be taken, found by
 * compiling each without running it (the hot and full ones report as they load). A rejected
 * cache costs every run that loads the script its compile time.
 */
export function otherScriptsLoadable(): string {
  if (!process.getBuiltinModule('node:sea').isSea()) return 'cold script and SDK from files';
  return `cold script from ${compileEmbedded(EMBEDDED.cold).loadedFrom}, SDK from ${compileEmbedded(EMBEDDED.sdk).loadedFrom}`;
}

let sdk: Record<string, unknown> | undefined;

/**
 * An AWS SDK package from the SDK bundle, which is loaded on the first call. The build turns the
 * full program's `import('@aws-sdk/…')` into this (scripts/build.ts, sdkChunkPlugin).
 */
export function sdkPackage(name: string): unknown {
  sdk ??= scriptParts(EMBEDDED.sdk, () => process.getBuiltinModule('node:module').createRequire(process.execPath));
  return partOf(sdk, name, EMBEDDED.sdk, 'SDK_PACKAGES');
}

let cold: Record<string, unknown> | undefined;

/**
 * A module of the cold script, which is loaded on the first call. The build turns the hot
 * bundle's `import()` of a cold module into this (scripts/build.ts, dynamicImportPlugin). `shared`
 * holds the hot bundle's own modules that the cold script uses, by path: it takes them from here
 * instead of having copies, so both see one error class, one hand-over flag, one set of files
 * being written.
 */
export function coldModule(path: string, shared: Record<string, unknown>): unknown {
  if (!cold) {
    (globalThis as Record<symbol, unknown>)[Symbol.for(SHARED_MODULES)] = shared;
    cold = scriptParts(EMBEDDED.cold, () => builtinRequire);
  }
  return partOf(cold, path, EMBEDDED.cold, 'COLD_ENTRIES');
}
