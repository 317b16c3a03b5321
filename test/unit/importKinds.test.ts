// Every import() under src/ names its kind (src/util/load.ts), and the name is true for the
// bundles scripts/build.ts makes: `awsSdk` for an SDK package, `cold` for one of COLD_ENTRIES,
// `fullProgram` for any other import() in a module the hot entry or the cold script holds (there
// it hands the run over), `lazy` for the rest (modules only the full program holds).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';
import { build, type Plugin } from 'esbuild';
import { COLD_ENTRIES } from '../../src/boot/embedded.ts';
import { ROOT } from '../helpers/run.ts';
import { sources } from '../../scripts/lib/sources.ts';

// Static imports only: what a bundle holds before any import() runs.
const staticOnly: Plugin = {
  name: 'static-only',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (a) => (a.kind === 'dynamic-import' ? { path: a.path, external: true } : undefined));
  },
};

async function modulesOf(entryPoints: string[]): Promise<string[]> {
  const r = await build({
    entryPoints,
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    logLevel: 'silent',
    outdir: 'out',
    plugins: [staticOnly],
  });
  return Object.keys(r.metafile.inputs).filter((f) => f.startsWith('src/'));
}

const CALL = /(\w+)?(\(\s*\(\)\s*=>\s*)?(?<![\w.])import\(\s*['"]([^'"]+)['"]\s*\)/g;

test('each import() under src/ goes through the helper that names what it does in every bundle', async () => {
  const early = new Set([...(await modulesOf(['src/boot/hot.ts'])), ...(await modulesOf(COLD_ENTRIES))]);
  assert.ok(
    early.has('src/credentials/cached.ts') && early.has('src/credentials/fetch.ts'),
    'the hot and cold module sets look right',
  );
  const wrong: string[] = [];
  let calls = 0;
  for (const file of sources(join(ROOT, 'src'))) {
    const path = relative(ROOT, file);
    if (path === join('src', 'util', 'load.ts')) continue;
    // Comments and type positions (`typeof import('x')`, `: import('x').T`) are not loads.
    const code = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '')
      .replace(/(typeof\s+|:\s*)import\(/g, '$1IMPORT_TYPE(');
    for (const m of code.matchAll(CALL)) {
      calls++;
      const [, helper, arrow, spec] = m as unknown as [string, string | undefined, string | undefined, string];
      const target = spec.startsWith('.') ? normalize(join(dirname(path), spec)) : undefined;
      const kind =
        target === undefined
          ? 'awsSdk'
          : COLD_ENTRIES.includes(target)
            ? 'cold'
            : early.has(path)
              ? 'fullProgram'
              : 'lazy';
      if (!arrow || helper !== kind)
        wrong.push(
          `${path}: import('${spec}') should be ${kind}(() => import('${spec}'))${helper ? `, not ${helper}` : ''}`,
        );
    }
  }
  assert.ok(calls > 40, `found ${calls} import() calls`);
  assert.deepEqual(wrong, []);
});
