// One updating line on stderr while something long runs (a listing of hundreds of accounts, a
// wait for another process), so that nobody stares at a silent terminal. On anything but a
// terminal that can redraw a line, nothing at all: the caller prints its one-line summary.
import type { Runtime } from '../runtime.ts';
import { humanDuration } from '../util/time.ts';

/** Waits shorter than this pass without a word: most locks are held for milliseconds. */
export const QUIET_WAIT_MS = 2_000;
/** Redraws at most this often: a terminal over SSH should not get a line per account. */
const REDRAW_MS = 100;

export interface Progress {
  /** `done` of `total` items finished. */
  update(done: number, total: number): void;
  /** Removes the line, leaving the cursor where the line began. */
  end(): void;
}

/** What the line says: `listing accounts 40/124  12.5/s  7s left`. Pure, for the tests. */
export function progressText(label: string, done: number, total: number, elapsedMs: number): string {
  const parts = [`${label} ${done}/${total}`];
  // A rate from the first second or two swings wildly: say nothing until it means something.
  if (done > 0 && elapsedMs >= 1_000) {
    const perSecond = (done * 1000) / elapsedMs;
    parts.push(`${perSecond >= 10 ? Math.round(perSecond) : perSecond.toFixed(1)}/s`);
    if (done < total) parts.push(`${humanDuration(((total - done) / perSecond) * 1000)} left`);
  }
  return parts.join('  ');
}

function live(rt: Runtime): boolean {
  return rt.interactive && rt.terminal.fancy('stderr');
}

/**
 * Draws `head` + `tail` over the current line, within the terminal's width (a wrapped line
 * cannot be redrawn with `\r`): `head` gives way, the figures in `tail` stay.
 */
function draw(rt: Runtime, head: string, tail = ''): void {
  const room = rt.terminal.width('stderr') - 1 - tail.length;
  rt.stderr(`\r${head.length > room ? `${head.slice(0, Math.max(0, room - 1))}…` : head}${tail}\x1b[K`);
}

export function progress(rt: Runtime, label: string): Progress {
  if (!live(rt)) return { update: () => undefined, end: () => undefined };
  const started = rt.now();
  let drawnAt = Number.NEGATIVE_INFINITY;
  let shown = false;
  return {
    update(done, total) {
      const now = rt.now();
      if (now - drawnAt < REDRAW_MS && done < total) return;
      drawnAt = now;
      shown = true;
      const text = progressText(label, done, total, now - started);
      draw(rt, label, text.slice(label.length));
    },
    end() {
      if (shown) rt.stderr('\r\x1b[K');
      shown = false;
    },
  };
}

/** `1:07`: minutes and seconds of a wait. */
export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Says `waiting for X... 0:07` on a terminal once a wait has lasted QUIET_WAIT_MS, updated each
 * second, until the returned function is called. Nothing elsewhere.
 */
export function waitingLine(rt: Runtime, what: string, quietMs = QUIET_WAIT_MS, since = rt.now()): () => void {
  let shown = false;
  let ticker: NodeJS.Timeout | undefined;
  const started = since;
  const tick = () => {
    shown = true;
    draw(rt, what, `... ${clock(rt.now() - started)}  (Ctrl-C to cancel)`);
  };
  const timer = setTimeout(() => {
    if (!live(rt)) return;
    tick();
    ticker = setInterval(tick, 1_000);
    ticker.unref();
  }, quietMs);
  timer.unref();
  return () => {
    clearTimeout(timer);
    if (ticker) clearInterval(ticker);
    if (shown) rt.stderr('\r\x1b[K');
    shown = false;
  };
}
