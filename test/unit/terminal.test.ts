// Terminal facts, colour and fitting text to a width.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderTable } from '../../src/format/table.ts';
import { reflow, wrapCommand, wrapUsage, wrapWords } from '../../src/format/wrap.ts';
import { marks, paint, terminal, type TerminalProbe, visibleLength } from '../../src/terminal.ts';

const probe = (ttys: number[], columns?: number): TerminalProbe => ({
  isatty: (fd) => ttys.includes(fd),
  columns: () => columns,
});
const longest = (text: string) => Math.max(...text.split('\n').map((l) => visibleLength(l)));

describe('terminal facts', () => {
  test('a terminal gets its width and colour; a pipe gets 80 columns and none', () => {
    const t = terminal({ TERM: 'xterm-256color' }, probe([2], 132));
    assert.equal(t.width('stderr'), 132);
    assert.equal(t.colour('stderr'), true);
    assert.equal(t.width('stdout'), 80);
    assert.equal(t.colour('stdout'), false);
    assert.equal(t.fancy('stdout'), false);
  });
  test('NO_COLOR turns colour off but keeps the redrawn lines; TERM=dumb turns both off', () => {
    const noColour = terminal({ NO_COLOR: '1', TERM: 'xterm' }, probe([1, 2], 100));
    assert.equal(noColour.colour('stderr'), false);
    assert.equal(noColour.fancy('stderr'), true);
    assert.equal(
      terminal({ NO_COLOR: '', TERM: 'xterm' }, probe([2])).colour('stderr'),
      true,
      'an empty NO_COLOR is unset (no-color.org)',
    );
    const dumb = terminal({ TERM: 'dumb' }, probe([1, 2], 100));
    assert.equal(dumb.colour('stderr'), false);
    assert.equal(dumb.fancy('stderr'), false);
  });
  test('a terminal that reports no width falls back to COLUMNS, then 80; never below 40', () => {
    assert.equal(terminal({ COLUMNS: '100' }, probe([1])).width('stdout'), 100);
    assert.equal(terminal({ COLUMNS: 'wide' }, probe([1])).width('stdout'), 80);
    assert.equal(terminal({}, probe([1], 12)).width('stdout'), 40);
  });
  test('marks are coloured only when asked', () => {
    assert.deepEqual(marks(false), { ok: '✓', bad: '✗', warn: '!' });
    assert.equal(marks(true).bad, '\x1b[31m✗\x1b[0m');
    assert.equal(visibleLength(paint(true, 'green', 'ok')), 2);
  });
});

describe('fitting text to a width', () => {
  test('words wrap at spaces; a word longer than the width is cut', () => {
    assert.deepEqual(wrapWords('one two three four', 9), ['one two', 'three', 'four']);
    assert.deepEqual(wrapWords('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
    assert.deepEqual(wrapWords('', 10), ['']);
  });
  test('reflow joins prose broken for another width and keeps indented lines and blank lines', () => {
    const text = 'alpha beta\ngamma delta epsilon\n\nList:\n  one two three four five\n  six';
    assert.equal(reflow(text, 20), 'alpha beta gamma\ndelta epsilon\n\nList:\n  one two three four\n  five\n  six');
  });
  test('a usage line breaks between whole options, under the first argument', () => {
    const lines = wrapUsage(
      'ssohelper exec [PROFILE] [--region REGION | --no-region] [--nested] [--] COMMAND [ARGS...]',
      50,
    );
    assert.deepEqual(lines, [
      'Usage: ssohelper exec [PROFILE]',
      '                      [--region REGION | --no-region]',
      '                      [--nested] [--] COMMAND',
      '                      [ARGS...]',
    ]);
  });
  test('an example command is continued with a backslash before an option, so it still pastes', () => {
    const lines = wrapCommand("ssohelper sync --name '{account_id} {role_name}' --dry-run", 40);
    assert.deepEqual(lines, ['  ssohelper sync \\', "      --name '{account_id} {role_name}' \\", '      --dry-run']);
    assert.deepEqual(wrapCommand('ssohelper get dev --login   (signs in first when the session has expired)', 40), [
      '  # signs in first when the session has',
      '  # expired',
      '  ssohelper get dev --login',
    ]);
  });
  test('a table wraps its last column under itself and a too-long cell on its own lines', () => {
    const rows = [
      ['--short', 'a description long enough to need two lines here, and a third one too'],
      ['AWS_ONE, AWS_TWO, AWS_THREE, AWS_FOUR, AWS_FIVE', 'x'],
    ];
    const out = renderTable(rows, { indent: '  ', maxColumnWidth: 10, width: 40 });
    assert.equal(
      out,
      [
        '  --short     a description long enough',
        '              to need two lines here,',
        '              and a third one too',
        '  AWS_ONE, AWS_TWO, AWS_THREE, AWS_FOUR,',
        '  AWS_FIVE',
        '              x',
      ].join('\n'),
    );
    assert.ok(longest(out) <= 40);
    // Less than 20 columns left for the last one: a long line reads better than a sliver.
    assert.equal(
      renderTable([['a-rather-wide-first-cell', 'and the text that follows it']], { width: 40 }),
      'a-rather-wide-first-cell  and the text that follows it',
    );
  });
  test('coloured cells are padded by what shows, not by their bytes', () => {
    const out = renderTable([
      [paint(true, 'green', '✓'), 'a'],
      ['xy', 'b'],
    ]);
    assert.deepEqual(out.split('\n').map(visibleLength), [5, 5]);
  });
});
