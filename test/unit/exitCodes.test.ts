// The exit codes live in one table (src/errors.ts); help and the README are checked against it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMMANDS } from '../../src/commands/index.ts';
import { commandHelp, exitCodesOf, mainHelp } from '../../src/cli/help.ts';
import { EXIT, EXIT_DESCRIPTIONS, EXIT_LABELS, EXIT_ONLY_FOR } from '../../src/errors.ts';
import { ROOT } from '../helpers/run.ts';

const codes = Object.values(EXIT).sort((a, b) => a - b);

test('every exit code has a description and a short label, once', () => {
  assert.deepEqual(
    EXIT_DESCRIPTIONS.map(([c]) => c).sort((a, b) => a - b),
    codes,
  );
  assert.deepEqual(
    Object.keys(EXIT_LABELS)
      .map(Number)
      .sort((a, b) => a - b),
    codes,
  );
});

test("each command's help lists the codes it can end with, generated from the table", () => {
  for (const command of COMMANDS) {
    const help = commandHelp(command).replace(/\n/g, ' ');
    for (const code of codes) {
      const listed = help.includes(`${code} ${EXIT_LABELS[code]}`);
      const applies = (EXIT_ONLY_FOR[code] ?? command.name) === command.name;
      assert.equal(listed, applies, `${command.name} --help and exit code ${code}`);
    }
  }
  assert.deepEqual(exitCodesOf('get').slice(0, 3), ['0 ok', '1 internal error', '2 usage']);
  // Wide enough that no description wraps: the row is then exactly code, padding, text.
  const main = mainHelp(COMMANDS, 500);
  for (const [code, text] of EXIT_DESCRIPTIONS)
    assert.ok(main.includes(`${String(code).padEnd(3)}  ${text}`), `ssohelper --help lacks ${code}`);
});

test("the reference's exit-code table (docs/reference.md) has exactly the codes of the table", () => {
  const readme = readFileSync(join(ROOT, 'docs', 'reference.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('## Exit codes'),
    readme.indexOf('\n## ', readme.indexOf('## Exit codes') + 1),
  );
  const rows = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
  assert.deepEqual(rows, codes);
});
