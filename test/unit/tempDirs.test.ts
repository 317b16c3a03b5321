// The suite leaves nothing in the temp folder: every temporary directory of the tests, their
// helpers and the build/bench scripts comes from tempDir() (scripts/lib/temp.ts), which removes
// it when the process ends, whether it returns, throws, or is stopped by a signal.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { once } from 'node:events';
import { test } from 'node:test';
import { sources } from '../../scripts/lib/sources.ts';
import { ROOT } from '../helpers/run.ts';
import { tempDir } from '../helpers/temp.ts';

const HELPER = join(ROOT, 'scripts', 'lib', 'temp.ts');

const sourceFiles = (dir: string) => sources(dir, /\.(ts|js|cjs|mjs|py|sh)$/);

test('no test, helper or script makes a temporary directory or file except through tempDir()', () => {
  // Built from parts so this file does not match itself.
  const made = new RegExp(
    [
      'mk' + 'dtemp',
      '\\btmp' + 'dir\\(',
      '\\bmk' + 'temp\\b',
      'Temporary' + 'Directory',
      'NamedTemporary' + 'File',
    ].join('|'),
  );
  const offenders: string[] = [];
  for (const file of [...sourceFiles(join(ROOT, 'test')), ...sourceFiles(join(ROOT, 'scripts'))]) {
    if (file === HELPER) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (made.test(line)) offenders.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(
    offenders,
    [],
    'use tempDir() from scripts/lib/temp.ts (tests: test/helpers/temp.ts), which removes the directory when the process ends',
  );
});

/** A process that makes a temporary directory under `parent`, prints it, then `then`s. */
function child(parent: string, then: 'exit' | 'throw' | 'wait') {
  const end = { exit: '', throw: "throw new Error('boom');", wait: 'setInterval(() => {}, 1000);' }[then];
  const code = `const { tempDir } = await import(${JSON.stringify(HELPER)}); console.log(tempDir('t-', ${JSON.stringify(parent)})); ${end}`;
  return spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
}

async function firstLine(c: ReturnType<typeof child>): Promise<string> {
  let out = '';
  for await (const chunk of c.stdout) {
    out += chunk;
    if (out.includes('\n')) break;
  }
  return out.trim();
}

for (const then of ['exit', 'throw'] as const) {
  test(`tempDir's directory is gone after the process ${then === 'exit' ? 'returns' : 'throws'}`, async () => {
    const parent = tempDir('tempdir-test-');
    const c = child(parent, then);
    const [dir, [code]] = await Promise.all([firstLine(c), once(c, 'close')]);
    assert.equal(code, then === 'exit' ? 0 : 1);
    assert.ok(dir.startsWith(join(parent, 't-')), dir);
    assert.equal(existsSync(dir), false);
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} removes tempDir's directories and still ends the process by the signal`, async () => {
    const parent = tempDir('tempdir-test-');
    const c = child(parent, 'wait');
    const closed = once(c, 'close');
    const dir = await firstLine(c);
    assert.ok(existsSync(dir), 'made');
    c.kill(signal);
    const [code, by] = await closed;
    assert.deepEqual([code, by], [null, signal]);
    assert.equal(existsSync(dir), false);
    assert.deepEqual(readdirSync(parent), []);
  });
}
