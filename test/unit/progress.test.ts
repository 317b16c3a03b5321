// The one status line (src/tui/progress.ts): a listing's count and rate, what a wait is for once
// it lasts, drawn only on a terminal that can redraw a line.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, mock, test } from 'node:test';
import { withLock } from '../../src/cache/lock.ts';
import { createRuntime } from '../../src/runtime.ts';
import { clock, progressText, QUIET_WAIT_MS, statusLine } from '../../src/tui/progress.ts';
import { PLAIN, terminal } from '../../src/terminal.ts';
import { tempDir } from '../helpers/temp.ts';

function runtime(options: { tty: boolean; term?: string; now?: () => number; columns?: number }) {
  const out: string[] = [];
  const home = tempDir('ssohelper-progress-');
  const rt = createRuntime({
    env: { HOME: home, TERM: options.term ?? 'xterm' },
    debug: false,
    stderr: (t) => out.push(t),
    interactive: () => options.tty,
    now: options.now,
    terminal: () =>
      options.tty
        ? terminal({ TERM: options.term ?? 'xterm' }, { isatty: () => true, columns: () => options.columns ?? 60 })
        : PLAIN,
  });
  return { rt, out, home };
}

describe('progress', () => {
  test('the line says done/total, then the rate and the time left once a second has passed', () => {
    assert.equal(progressText('listing accounts', 0, 124, 0), 'listing accounts 0/124');
    assert.equal(progressText('listing accounts', 5, 124, 500), 'listing accounts 5/124');
    assert.equal(progressText('listing accounts', 40, 124, 4000), 'listing accounts 40/124  10/s  8s left');
    assert.equal(progressText('listing accounts', 3, 124, 2000), 'listing accounts 3/124  1.5/s  1m 20s left');
    assert.equal(progressText('listing accounts', 124, 124, 8000), 'listing accounts 124/124  16/s');
    assert.equal(clock(67_000), '1:07');
  });

  test('on a terminal: one line redrawn in place, at most every 100 ms, removed at the end', () => {
    let now = 0;
    const { rt, out } = runtime({ tty: true, now: () => now });
    const line = statusLine(rt);
    line.progress('listing accounts', 0, 3);
    now = 50;
    line.progress('listing accounts', 1, 3); // too soon: skipped
    now = 1000;
    line.progress('listing accounts', 2, 3);
    line.progress('listing accounts', 3, 3); // the last one is always drawn
    line.end();
    assert.deepEqual(out, [
      '\rlisting accounts 0/3\x1b[K',
      '\rlisting accounts 2/3  2.0/s  0s left\x1b[K',
      '\rlisting accounts 3/3  3.0/s\x1b[K',
      '\r\x1b[K',
    ]);
  });

  test('on a pipe or under TERM=dumb: nothing at all, counts or waits', () => {
    for (const r of [runtime({ tty: false }), runtime({ tty: true, term: 'dumb' })]) {
      const line = statusLine(r.rt, { quietMs: 0 });
      line.progress('listing accounts', 1, 2);
      line.waiting('throttled by the portal, retrying…');
      line.end();
      assert.deepEqual(r.out, []);
    }
  });

  test('a wait joins the count once it lasts, with its clock; one that ends sooner is never shown', () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    try {
      let now = 0;
      const { rt, out } = runtime({ tty: true, now: () => now, columns: 120 });
      const line = statusLine(rt);
      line.progress('listing accounts', 1, 3);
      line.waiting('throttled by the portal, retrying…');
      assert.deepEqual(out, ['\rlisting accounts 1/3\x1b[K'], 'a short wait says nothing');
      now = QUIET_WAIT_MS;
      mock.timers.tick(QUIET_WAIT_MS);
      assert.equal(
        out.at(-1),
        '\rlisting accounts 1/3 — waiting: throttled by the portal, retrying… 0:02  (Ctrl-C to cancel)\x1b[K',
      );
      now += 1000;
      mock.timers.tick(1000);
      assert.match(out.at(-1)!, / 0:03 {2}\(Ctrl-C to cancel\)\x1b\[K$/, 'the clock runs');
      line.waiting(undefined);
      assert.equal(out.at(-1), '\rlisting accounts 1/3\x1b[K', 'the wait leaves the line when it ends');
      now += 1000;
      line.progress('listing accounts', 2, 3);
      line.waiting('throttled by the portal, retrying…');
      line.waiting(undefined);
      mock.timers.tick(QUIET_WAIT_MS);
      assert.doesNotMatch(out.slice(-2).join(''), /2\/3.*waiting/, 'a wait that ended before 2 s is never shown');
      line.end();
      assert.equal(out.at(-1), '\r\x1b[K');
      const after = out.length;
      mock.timers.tick(5000);
      assert.equal(out.length, after, 'nothing is drawn after the end');
    } finally {
      mock.timers.reset();
    }
  });

  test('a lock held for more than 2 s says what it waits for on a terminal, and clears the line', async () => {
    const { rt, out } = runtime({ tty: true });
    const held = join(rt.paths.lockDir, 'test-lock.lock');
    mkdirSync(held, { recursive: true });
    setTimeout(() => rmSync(held, { recursive: true }), 3_000);
    const result = await withLock(rt, 'test-lock', 'logging in to sso-session "corp"', async () => 'mine');
    assert.equal(result, 'mine');
    // 60 columns: the description gives way, the clock stays.
    assert.match(out.join(''), /^\rwaiting: another ssohelper proc\S*… 0:0[2-9] {2}\(Ctrl-C to cancel\)\x1b\[K/);
    assert.ok(out.at(-1) === '\r\x1b[K', 'the line is removed before the work starts');
    assert.ok(
      out.every((l) => l.replace(/\r|\x1b\[K/g, '').length <= 59),
      'within the terminal width',
    );
  });

  test('the same wait on a pipe says nothing', async () => {
    const { rt, out } = runtime({ tty: false });
    const held = join(rt.paths.lockDir, 'test-lock.lock');
    mkdirSync(held, { recursive: true });
    setTimeout(() => rmSync(held, { recursive: true }), 2_500);
    await withLock(rt, 'test-lock', 'fetching', async () => undefined);
    assert.deepEqual(out, []);
  });
});
