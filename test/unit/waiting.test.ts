// The status line of a paced listing or a long wait: only on a terminal, a wait shown after 2 s.
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { statusLine, WAIT_SHOWN_MS } from '../../src/tui/waiting.ts';

test('on a terminal: counts rewritten in place, a wait shown only once it lasts, erased at the end', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const out: string[] = [];
    const line = statusLine(
      (t) => out.push(t),
      () => true,
    );
    line.progress('listing accounts', 1, 3);
    line.waiting('throttled by the portal, retrying…');
    assert.deepEqual(out, ['\r\x1b[2Klisting accounts: 1/3'], 'a short wait says nothing');
    mock.timers.tick(WAIT_SHOWN_MS);
    assert.equal(out.at(-1), '\r\x1b[2Klisting accounts: 1/3 — waiting: throttled by the portal, retrying…');
    line.waiting(undefined);
    line.progress('listing accounts', 2, 3);
    assert.equal(out.at(-1), '\r\x1b[2Klisting accounts: 2/3');
    line.waiting('throttled by the portal, retrying…');
    line.waiting(undefined);
    mock.timers.tick(WAIT_SHOWN_MS);
    assert.doesNotMatch(out.join(''), /2\/3 — waiting/, 'a wait that ended before 2 s is never shown');
    line.end();
    assert.equal(out.at(-1), '\r\x1b[2K');
  } finally {
    mock.timers.reset();
  }
});

test('not a terminal (a pipe, a log file): nothing at all', () => {
  const out: string[] = [];
  const line = statusLine(
    (t) => out.push(t),
    () => false,
  );
  line.progress('listing accounts', 1, 3);
  line.waiting('throttled by the portal, retrying…');
  line.end();
  assert.deepEqual(out, []);
});
