// The one status line on stderr while something long runs, so that nobody stares at a silent
// terminal: how far a listing has come ("listing accounts 40/1124  19/s  57s left") and, once a
// wait has lasted QUIET_WAIT_MS, what it waits for ("waiting: throttled by the portal,
// retrying… 0:04"). Listings (sync, list --remote), the portal's throttling on the fetch path
// and locks held by another process all draw through it. Only on a terminal that can redraw a
// line: a pipe, a log file or TERM=dumb gets nothing, and the caller prints its one-line
// summary. Drawn within the terminal's width (a wrapped line cannot be redrawn with `\r`) and
// erased at the end, so the command's own output starts on a clean line.
import type { Runtime } from '../runtime.ts';
import { humanDuration } from '../util/time.ts';

/** Waits shorter than this pass without a word: most locks are held and most throttles last milliseconds. */
export const QUIET_WAIT_MS = 2_000;
/** Redraws at most this often: a terminal over SSH should not get a line per account. */
const REDRAW_MS = 100;

export interface StatusLine {
  /** `done` of `total` items of `label` are finished. */
  progress(label: string, done: number, total: number): void;
  /**
   * What the work waits for now, or undefined when it waits no more. Shown once the wait has
   * lasted the line's quiet time, with a clock from `since` (default: now).
   */
  waiting(reason: string | undefined, since?: number): void;
  /** Removes the line, leaving the cursor where the line began. */
  end(): void;
}

/** What a listing's part of the line says: `listing accounts 40/124  12.5/s  7s left`. Pure, for the tests. */
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

/** `1:07`: minutes and seconds of a wait. */
export function clock(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * The line. The terminal is asked about on the first thing to show, not before: a first `get`
 * that never waits does not load node:tty.
 */
export function statusLine(
  rt: Pick<Runtime, 'stderr' | 'now' | 'terminal'>,
  options: { quietMs?: number } = {},
): StatusLine {
  const quietMs = options.quietMs ?? QUIET_WAIT_MS;
  let live: boolean | undefined;
  let shown = '';
  let counts = '';
  let listingSince: number | undefined;
  let drawnAt = Number.NEGATIVE_INFINITY;
  let wait: { reason: string; since: number; late: boolean } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;

  const render = () => {
    live ??= rt.terminal.fancy('stderr');
    if (!live) return;
    const waiting = wait?.late ? `waiting: ${wait.reason}` : '';
    const head = [counts, waiting].filter(Boolean).join(' — ');
    // The clock and the way out stay; the words give way to them in a narrow terminal.
    const tail = wait?.late ? ` ${clock(rt.now() - wait.since)}  (Ctrl-C to cancel)` : '';
    const room = rt.terminal.width('stderr') - 1 - tail.length;
    const text = `${head.length > room ? `${head.slice(0, Math.max(0, room - 1))}…` : head}${tail}`;
    if (text === shown) return;
    rt.stderr(text ? `\r${text}\x1b[K` : '\r\x1b[K');
    shown = text;
  };
  const stopTimers = () => {
    clearTimeout(timer);
    clearInterval(ticker);
    timer = undefined;
    ticker = undefined;
  };

  return {
    progress(label, done, total) {
      const now = rt.now();
      listingSince ??= now;
      // The last count is always drawn: the line must not end on a stale figure.
      if (now - drawnAt < REDRAW_MS && done < total) return;
      drawnAt = now;
      counts = progressText(label, done, total, now - listingSince);
      render();
    },
    waiting(reason, since) {
      if (reason === wait?.reason) return;
      stopTimers();
      wait = reason === undefined ? undefined : { reason, since: since ?? rt.now(), late: false };
      if (wait) {
        const current = wait;
        const show = () => {
          current.late = true;
          render();
          ticker = setInterval(render, 1_000);
          ticker.unref();
        };
        const left = quietMs - (rt.now() - current.since);
        if (left <= 0) show();
        else {
          timer = setTimeout(show, left);
          timer.unref();
        }
      }
      if (shown) render();
    },
    end() {
      stopTimers();
      wait = undefined;
      if (shown) rt.stderr('\r\x1b[K');
      shown = '';
    },
  };
}

/**
 * A wait alone (a lock another process holds): `waiting: another ssohelper process … 0:07`
 * once it has lasted `quietMs`, until the returned function is called.
 */
export function waitingLine(rt: Runtime, reason: string, quietMs = QUIET_WAIT_MS, since = rt.now()): () => void {
  const line = statusLine(rt, { quietMs });
  line.waiting(reason, since);
  return line.end;
}
