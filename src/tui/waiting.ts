// One status line on stderr while the network sets the pace: "listing accounts: 40/1124" for a
// listing, "waiting: throttled by the portal, retrying…" once a wait has lasted WAIT_SHOWN_MS.
// Only on a terminal (a pipe or a log file gets nothing); rewritten in place and erased at the
// end, so the command's own output starts on a clean line. Minimal on purpose: the progress
// renderer of src/tui/ takes this over (done/total and the waiting reason are its inputs).

/** Short waits pass unremarked; past this, the user deserves to know why nothing happens. */
export const WAIT_SHOWN_MS = 2_000;

export interface StatusLine {
  progress(what: string, done: number, total: number): void;
  /** What a call waits for, or undefined when it waits no more. */
  waiting(reason: string | undefined): void;
  end(): void;
}

/**
 * Whether stderr is a terminal, asked only when there is something to show: a first `get` that
 * never waits does not load node:tty (and the hot entry has no runtime answer to "interactive").
 */
export function stderrIsTerminal(): boolean {
  return process.getBuiltinModule('node:tty').isatty(2);
}

export function statusLine(write: (text: string) => void, isTerminal: () => boolean): StatusLine {
  let terminal: boolean | undefined;
  let shown = '';
  let counts = '';
  let reason: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let late = false;
  const render = () => {
    terminal ??= isTerminal();
    if (!terminal) return;
    const text = [counts, late && reason ? `waiting: ${reason}` : ''].filter(Boolean).join(' — ');
    if (text === shown) return;
    // \r and erase-line: the previous text goes, whatever its length.
    write(`\r\x1b[2K${text}`);
    shown = text;
  };
  return {
    progress(what, done, total) {
      counts = `${what}: ${done}/${total}`;
      render();
    },
    waiting(next) {
      if (next === reason) return;
      clearTimeout(timer);
      reason = next;
      late = false;
      if (next) {
        timer = setTimeout(() => {
          late = true;
          render();
        }, WAIT_SHOWN_MS);
        timer.unref();
      }
      render();
    },
    end() {
      clearTimeout(timer);
      if (shown) write('\r\x1b[2K');
      shown = '';
    },
  };
}
