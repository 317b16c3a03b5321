// The layout section of docs/development.md is the folder map a reader relies on: it must match the tree.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers/run.ts';

/** Folders under `top` that hold at least one file (an empty folder left behind is not tree). */
function folders(top: string): string[] {
  const holdsFiles = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some(
      (e) => e.isFile() || (e.isDirectory() && holdsFiles(join(dir, e.name))),
    );
  return readdirSync(join(ROOT, top), { withFileTypes: true })
    .filter((e) => e.isDirectory() && holdsFiles(join(ROOT, top, e.name)))
    .map((e) => e.name)
    .sort();
}

/** The `  name/` entries listed under `top/` in the layout block of docs/development.md. */
function listed(readme: string, top: string): string[] {
  const block = /```\nsrc\/\n[\s\S]*?```/.exec(readme)?.[0] ?? '';
  const start = block.indexOf(`\n${top}/`) + 1;
  const end = block.slice(start + 1).search(/\n\S/);
  const part = block.slice(start, end < 0 ? undefined : start + 1 + end);
  return [...part.matchAll(/^ {2}([\w.-]+)\//gm)].map((m) => m[1] as string).sort();
}

test('the layout in docs/development.md names every folder under src/ and test/', () => {
  const readme = readFileSync(join(ROOT, 'docs', 'development.md'), 'utf8');
  for (const top of ['src', 'test']) {
    const missing = folders(top).filter((f) => !listed(readme, top).includes(f));
    assert.deepEqual(missing, [], `${top}/ folders missing from the layout section of docs/development.md`);
  }
  // No folder is listed that the tree has never had (a folder may be listed just before it lands).
  assert.deepEqual(
    listed(readme, 'src').filter((f) => !folders('src').includes(f)),
    [],
    'src/ folders listed in docs/development.md but absent',
  );
});
