// The progress line and the waiting line: drawn only on a terminal that can redraw a line.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { withLock } from '../../src/cache/lock.ts';
import { createRuntime } from '../../src/runtime.ts';
import { clock, progress, progressText } from '../../src/tui/progress.ts';
import { PLAIN, terminal } from '../../src/terminal.ts';
import { tempDir } from '../helpers/temp.ts';

function runtime(options: { tty: boolean; term?: string; now?: () => number }) {
  const out: string[] = [];
  const home = tempDir('ssohelper-progress-');
  const rt = createRuntime({
    env: { HOME: home, TERM: options.term ?? 'xterm' },
    debug: false,
    stderr: (t) => out.push(t),
    interactive: () => options.tty,
    now: options.now,
    terminal: () =>
      options.tty ? terminal({ TERM: options.term ?? 'xterm' }, { isatty: () => true, columns: () => 60 }) : PLAIN,
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
    const line = progress(rt, 'listing accounts');
    line.update(0, 3);
    now = 50;
    line.update(1, 3); // too soon: skipped
    now = 1000;
    line.update(2, 3);
    line.update(3, 3); // the last one is always drawn
    line.end();
    assert.deepEqual(out, [
      '\rlisting accounts 0/3\x1b[K',
      '\rlisting accounts 2/3  2.0/s  0s left\x1b[K',
      '\rlisting accounts 3/3  3.0/s\x1b[K',
      '\r\x1b[K',
    ]);
  });

  test('on a pipe, under TERM=dumb, or without a person at the terminal: nothing', () => {
    for (const r of [runtime({ tty: false }), runtime({ tty: true, term: 'dumb' })]) {
      const line = progress(r.rt, 'listing accounts');
      line.update(1, 2);
      line.end();
      assert.deepEqual(r.out, []);
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
    assert.match(out.join(''), /^\rwaiting for another ssohelper …\.\.\. 0:0[2-9] {2}\(Ctrl-C to cancel\)\x1b\[K/);
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
