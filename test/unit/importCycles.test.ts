// `make lint` fails on an import cycle: the checker finds static and dynamic cycles and
// ignores type-only imports, which vanish at run time.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers/run.ts';
import { tempDir } from '../helpers/temp.ts';

function check(files: Record<string, string>): { status: number | null; stderr: string } {
  const dir = tempDir('cycles-');
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/import-cycles.ts'), dir], { encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a cycle through static and dynamic imports fails, naming the loop', () => {
  const r = check({
    'a.ts': "import { b } from './sub/b.ts';\nexport const a = 1;\n",
    'sub/b.ts': "export async function b() {\n  return (await import('./c.ts')).c;\n}\n",
    'sub/c.ts': "import {\n  a,\n} from '../a.ts';\nexport const c = a;\n",
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /import cycle: .*a\.ts -> .*sub\/b\.ts -> .*sub\/c\.ts -> .*a\.ts/);
});

test('type-only imports and comments do not make a cycle', () => {
  const r = check({
    'a.ts':
      "import type { B } from './b.ts';\nimport { type C } from './c.ts';\nexport type A = B | C;\nexport const a = 1;\n",
    'b.ts':
      "import { a } from './a.ts';\n// import { x } from './a.ts' would be fine here too\nexport type B = typeof a;\n",
    'c.ts': "/* import { a } from './a.ts'; */\nexport type C = string;\n",
  });
  assert.equal(r.status, 0, r.stderr);
});

test("the project's own src/ has no cycle", () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/import-cycles.ts')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('folders that import each other fail, though no module cycle exists', () => {
  const r = check({
    'cli/args.ts': 'export const args = 1;\n',
    'cli/help.ts': "import { list } from '../commands/list.ts';\nexport const help = list;\n",
    'commands/list.ts': "import { args } from '../cli/args.ts';\nexport const list = args;\n",
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /folder cycle: (cli -> commands -> cli|commands -> cli -> commands)/);
  assert.doesNotMatch(r.stderr, /^import cycle/m);
});
