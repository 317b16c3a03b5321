// Loads and runs the full program (src/main.ts, bundled as dist/ssohelper-full.cjs). In the
// single executable it is a SEA asset with a V8 code cache made at build time, so it is neither
// read nor parsed by runs that never need it; beside a plain bundle it is a file next to it.

export const FULL_FILE = 'ssohelper-full.cjs';
export const FULL_ASSET = 'full.cjs';
export const FULL_CACHE_ASSET = 'full.cache';

/** The CommonJS wrapper; the build compiles exactly this text to make the code cache. */
export function wrapFull(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

export type FullLoad = 'file' | 'asset' | 'asset+cache' | 'asset, cache rejected';

/** Runs the full program, which reads process.argv itself and exits when done. */
export function runFullProgram(): FullLoad {
  const sea = process.getBuiltinModule('node:sea');
  const { createRequire } = process.getBuiltinModule('node:module');
  if (!sea.isSea()) {
    createRequire(__filename)(`./${FULL_FILE}`);
    return 'file';
  }
  const vm = process.getBuiltinModule('node:vm');
  let cachedData: Buffer | undefined;
  try {
    cachedData = Buffer.from(sea.getRawAsset(FULL_CACHE_ASSET));
  } catch {
    // Built without a code cache (a base binary for another platform): V8 compiles from source.
  }
  const script = new vm.Script(wrapFull(sea.getAsset(FULL_ASSET, 'utf8')), { filename: FULL_FILE, cachedData });
  // The full bundle needs only Node's builtins: everything else is bundled into it.
  const require = createRequire(process.execPath);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, FULL_FILE, '.');
  if (!cachedData) return 'asset';
  return script.cachedDataRejected ? 'asset, cache rejected' : 'asset+cache';
}
