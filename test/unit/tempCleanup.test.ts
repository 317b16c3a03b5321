// The suite leaves nothing in the temp folder: a process that made test homes removes them on
// exit, whether its tests passed or failed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers/run.ts';

test('homes made by a test process are gone after it exits, also when it fails', () => {
  const home = join(ROOT, 'test', 'helpers', 'home.ts');
  for (const ending of ['', 'process.exitCode = 1;']) {
    const script = `import { makeHome } from ${JSON.stringify(home)}; const h = makeHome(); console.log(h.dir); ${ending}`;
    let out: string;
    try {
      out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    } catch (err) {
      out = (err as { stdout: string }).stdout;
    }
    const dir = out.trim();
    assert.match(dir, /ssohelper-home-/);
    assert.equal(existsSync(dir), false, `${dir} was left behind`);
  }
});
