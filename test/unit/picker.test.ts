// The picker's pure parts: rows, filtering, keys, movement and what is drawn.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeKey,
  filterRows,
  type PickerState,
  pickerRows,
  renderPicker,
  step,
  terminalDevices,
} from '../../src/tui/picker.ts';

const rows = [
  { name: 'dev', detail: '111111111111  ReadOnly  52m left' },
  { name: 'prod-admin', detail: '222222222222  Admin' },
  { name: 'prod-read', detail: '222222222222  ReadOnly' },
  { name: 'tool', detail: 'process' },
];
const start: PickerState = { query: '', selected: 0, top: 0 };

test('rows: account and role for SSO, the kind otherwise, time left when cached; sessions and broken profiles left out', () => {
  const base = { ssoSession: null, startUrl: null, expiresAt: null, problem: null };
  const made = pickerRows([
    { ...base, name: 'dev', kind: 'sso', accountId: '111111111111', roleName: 'ReadOnly', secondsLeft: 3120 },
    { ...base, name: 'tool', kind: 'process', accountId: null, roleName: null, secondsLeft: null },
    { ...base, name: 'corp', kind: 'sso-session', accountId: null, roleName: null, secondsLeft: null },
    { ...base, name: 'bad', kind: 'invalid', accountId: null, roleName: null, secondsLeft: null },
  ]);
  assert.deepEqual(
    made.map((r) => r.name),
    ['dev', 'tool'],
  );
  assert.match(made[0]?.detail ?? '', /^111111111111 {2}ReadOnly {2}52m/);
  assert.equal(made[1]?.detail, 'process');
});

test('filtering: every word, any case, in the name or the account and role', () => {
  assert.deepEqual(
    filterRows(rows, 'PROD read').map((r) => r.name),
    ['prod-read'],
  );
  assert.deepEqual(
    filterRows(rows, 'readonly').map((r) => r.name),
    ['dev', 'prod-read'],
  );
  assert.deepEqual(
    filterRows(rows, '2222').map((r) => r.name),
    ['prod-admin', 'prod-read'],
  );
  assert.equal(filterRows(rows, '').length, 4);
});

test('keys: arrows and Ctrl-N/P, pages, Enter, Esc and Ctrl-C, editing, unknown escapes ignored', () => {
  assert.equal(decodeKey('\x1b[A').kind, 'up');
  assert.equal(decodeKey('\x0e').kind, 'down');
  assert.equal(decodeKey('\x1b[6~').kind, 'pageDown');
  assert.equal(decodeKey('\r').kind, 'enter');
  assert.equal(decodeKey('\x1b').kind, 'cancel');
  assert.equal(decodeKey('\x03').kind, 'cancel');
  assert.equal(decodeKey('\x7f').kind, 'backspace');
  assert.equal(decodeKey('\x1b[1;5C').kind, 'none');
  assert.deepEqual(decodeKey('pro'), { kind: 'text', text: 'pro' });
});

test('moving and choosing: typing filters and resets the highlight; Enter returns the highlighted name; the window scrolls', () => {
  let s = step(start, { kind: 'text', text: 'prod' }, rows, 10).state;
  s = step(s, { kind: 'down' }, rows, 10).state;
  assert.equal(step(s, { kind: 'enter' }, rows, 10).done, 'prod-read');
  s = step(s, { kind: 'down' }, rows, 10).state;
  assert.equal(s.selected, 1, 'the highlight stops at the last match');
  assert.equal(step(s, { kind: 'cancel' }, rows, 10).cancelled, true);
  const nothing = step(start, { kind: 'text', text: 'zzz' }, rows, 10).state;
  assert.equal(step(nothing, { kind: 'enter' }, rows, 10).done, undefined, 'Enter with no match chooses nothing');
  let paged = start;
  for (let i = 0; i < 3; i++) paged = step(paged, { kind: 'down' }, rows, 2).state;
  assert.deepEqual(paged, { query: '', selected: 3, top: 2 });
});

test('drawing: the query line with counts, the highlighted row reversed, every line within the width', () => {
  const lines = renderPicker('profile for env', { query: 'prod', selected: 1, top: 0 }, rows, 40, 10);
  assert.match(lines[0] ?? '', /^profile for env \(2\/4/);
  assert.equal(lines.length, 3);
  assert.match(lines[2] ?? '', /^\x1b\[7m> prod-read/);
  for (const l of lines) assert.ok(l.replace(/\x1b\[[0-9;]*m/g, '').length <= 40, l);
  assert.deepEqual(renderPicker('t', { query: 'zzz', selected: 0, top: 0 }, rows, 80, 10).slice(1), [
    '  (no profile matches)',
  ]);
});

test('the terminal devices: /dev/tty, or the console on Windows', () => {
  assert.deepEqual(terminalDevices('linux'), { input: '/dev/tty', output: '/dev/tty' });
  assert.deepEqual(terminalDevices('win32'), { input: 'CONIN$', output: 'CONOUT$' });
});
