// The throttle note is a file other processes write: read as hostile.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startPace } from '../../src/net/pacer.ts';
import { parseNote } from '../../src/sso/budget.ts';

test('a note of ours reads back as the pacer state it holds', () => {
  const state = { ...startPace(3, 1_000, 80), recent: [900, 950] };
  assert.deepEqual(parseNote(JSON.stringify(state)), state);
});

test('anything else is no note: not JSON, missing or non-finite fields, absurd rates, huge lists', () => {
  const good = startPace(3, 1_000, 80);
  for (const bad of [
    'not json',
    'null',
    '[]',
    JSON.stringify({ ...good, rate: 'fast' }),
    JSON.stringify({ ...good, next: null }),
    JSON.stringify({ ...good, rate: 0 }),
    JSON.stringify({ ...good, rate: -1 }),
    JSON.stringify({ ...good, ceiling: 1e9, rate: 1e9 }),
    JSON.stringify({ ...good, rate: 100, ceiling: 80 }),
    JSON.stringify({ ...good, recent: 'x' }),
    JSON.stringify({ ...good, recent: Array.from({ length: 1001 }, () => 1) }),
    JSON.stringify({ ...good, recent: [1, 'x'] }),
  ]) {
    assert.equal(parseNote(bad), undefined, bad.slice(0, 60));
  }
});
