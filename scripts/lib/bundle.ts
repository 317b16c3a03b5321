// The four bundles (esbuild): the plugins that keep the hot and cold scripts small and turn
// import() into the right kind of load, and the check that the full bundle holds no SDK code.
import { FULL_ENTRY, HOT_ENTRY, fail, log, mib, root, seconds, writeIfChanged } from './common.ts';
import { mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import {
  COLD_ENTRIES,
  COLD_FILE,
  FULL_FILE,
  HOT_FILE,
  SDK_FILE,
  SDK_PACKAGES,
  SHARED_MODULES,
} from '../../src/boot/embedded.ts';

export const HANDOVER_MODULE = join(root, 'src/boot/handover.ts');

/** A relative or absolute import's target, repo-relative; undefined for a builtin or a package. */
export function targetOf(args: { path: string; importer: string; resolveDir: string }): string | undefined {
  if (!args.path.startsWith('.') && !args.path.startsWith('/')) return undefined;
  return relative(
    root,
    args.path.startsWith('/') ? args.path : join(args.resolveDir || dirname(args.importer), args.path),
  );
}

/**
 * The hot bundle's and the cold script's dynamic imports: a cold module (`cold`, hot bundle only)
 * becomes a call to coldModule(), which loads the cold script; one the script holds itself
 * (`inside`, cold script only) stays; every other one becomes a call to handover(): the code
 * behind it lives only in the full bundle, which redoes the whole run.
 */
export function dynamicImportPlugin(
  cold: { entries: string[]; shared: string[] } | undefined,
  inside: Set<string> | undefined,
): Plugin {
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
export function sharedPlugin(hotModules: Set<string>): Plugin {
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
export const sdkChunkPlugin: Plugin = {
  name: 'sdk-chunk',
  setup(b) {
    b.onResolve({ filter: /^@(aws-sdk|smithy|aws-crypto)\// }, (args) => {
      if (args.kind !== 'dynamic-import' || !SDK_PACKAGES.includes(args.path)) {
        return {
          errors: [
            {
              text: `${args.path} (from ${relative(root, args.importer)}): the full program may only import() the SDK packages in SDK_PACKAGES (src/boot/embedded.ts)`,
            },
          ],
        };
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
export function sdkEntry(): string {
  return SDK_PACKAGES.map(
    (p) =>
      `Object.defineProperty(exports, ${JSON.stringify(p)}, { enumerable: true, get: () => require(${JSON.stringify(p)}) });`,
  ).join('\n');
}

export interface Bundle {
  path: string;
  code: string;
  metafile: Metafile;
}

/** One bundle; with `write` false only its metafile and code are wanted, nothing is written. */
export async function esbuild(
  entry: string | { contents: string; name: string },
  outfile: string,
  version: string,
  plugins: Plugin[],
  write = true,
): Promise<Bundle> {
  const t0 = performance.now();
  const result = await build({
    ...(typeof entry === 'string'
      ? { entryPoints: [join(root, entry)] }
      : { stdin: { contents: entry.contents, resolveDir: root, sourcefile: entry.name, loader: 'js' as const } }),
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
  log(
    `bundle: ${relative(root, outfile)} ${mib(out.contents.length)} in ${seconds(t0)}${changed ? '' : ' (unchanged)'}`,
  );
  return { path: outfile, code: out.text, metafile: result.metafile };
}

export function bundledInputs(metafile: Metafile): string[] {
  // Only inputs that survived tree shaking appear in the output; the rest cost nothing.
  return Object.values(metafile.outputs).flatMap((o) =>
    Object.entries(o.inputs)
      .filter(([, v]) => v.bytesInOutput > 0)
      .map(([p]) => p),
  );
}

/** The four bundles into outdir; target-independent. Fails if the hot or cold one holds any package. */
export async function bundle(
  outdir: string,
  version: string,
): Promise<{ hot: Bundle; full: Bundle; sdk: Bundle; cold: Bundle }> {
  mkdirSync(outdir, { recursive: true });
  // First what the hot bundle holds when every import() hands over: the modules it shares.
  const alone = await esbuild(
    HOT_ENTRY,
    join(outdir, HOT_FILE),
    version,
    [dynamicImportPlugin(undefined, undefined)],
    false,
  );
  const hotModules = new Set(bundledInputs(alone.metafile).filter((p) => p.startsWith('src/')));
  const misplaced = COLD_ENTRIES.filter((m) => hotModules.has(m));
  if (misplaced.length > 0)
    fail(
      `the hot bundle imports ${misplaced.join(', ')} statically; a COLD_ENTRIES module must be reached only by import()`,
    );
  const coldEntry = `${COLD_ENTRIES.map((m, i) => `import * as m${i} from ${JSON.stringify(`./${m}`)};`).join('\n')}\nmodule.exports = { ${COLD_ENTRIES.map((m, i) => `${JSON.stringify(m)}: m${i}`).join(', ')} };`;
  const [cold, full, sdk] = await Promise.all([
    esbuild({ contents: coldEntry, name: 'cold-entry.js' }, join(outdir, COLD_FILE), version, [
      sharedPlugin(hotModules),
      dynamicImportPlugin(undefined, new Set(COLD_ENTRIES)),
    ]),
    esbuild(FULL_ENTRY, join(outdir, FULL_FILE), version, [sdkChunkPlugin]),
    esbuild({ contents: sdkEntry(), name: 'sdk-entry.js' }, join(outdir, SDK_FILE), version, []),
  ]);
  const shared = Object.keys(cold.metafile.inputs)
    .filter((p) => p.startsWith('shared:'))
    .map((p) => p.slice('shared:'.length))
    .sort();
  const hot = await esbuild(HOT_ENTRY, join(outdir, HOT_FILE), version, [
    dynamicImportPlugin({ entries: COLD_ENTRIES, shared }, undefined),
  ]);
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

export const SDK_INPUT = /node_modules\/(@aws-sdk|@smithy|@aws-crypto)\//;

/**
 * The full bundle holds no SDK code (it is all in the SDK bundle), and the SDK bundle keeps it
 * lazy (a login should not pay for STS): every module inside an esbuild __commonJS wrapper.
 */
export function checkFullBundle(full: Bundle, sdk: Bundle): number {
  const inFull = bundledInputs(full.metafile).filter((p) => SDK_INPUT.test(p));
  if (inFull.length > 0)
    fail(`${FULL_FILE} holds SDK code; it belongs in ${SDK_FILE}:\n  ${inFull.slice(0, 10).join('\n  ')}`);
  const sdkInputs = bundledInputs(sdk.metafile).filter((p) => SDK_INPUT.test(p));
  const unwrapped = sdkInputs.filter((p) => !sdk.code.includes(`${JSON.stringify(p)}(`));
  if (sdkInputs.length === 0 || unwrapped.length > 0) {
    fail(`SDK modules in ${SDK_FILE} are not wrapped for lazy evaluation:\n  ${unwrapped.slice(0, 10).join('\n  ')}`);
  }
  return sdkInputs.length;
}
