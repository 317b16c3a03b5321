// What the user sees during a login: messages on stderr, a waiting indicator on a terminal and
// plain lines elsewhere. A login started on demand inside credential_process has its stderr
// captured by the calling tool (botocore shows it only on failure), so the URL and code are also
// written to the controlling terminal when there is one. Nothing is ever read.
import { closeSync, openSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import type { Runtime } from '../runtime.ts';
import { clock } from '../tui/progress.ts';

export interface LoginUi {
  say(text: string): void;
  /** Shows that we are waiting until the returned function is called. */
  waiting(what: string): () => void;
  close(): void;
}

const FRAMES = ['|', '/', '-', '\\'];

function openControllingTerminal(rt: Runtime, platform: NodeJS.Platform): number | undefined {
  if (platform === 'win32' || isatty(2)) return undefined;
  try {
    return openSync('/dev/tty', 'w');
  } catch (err) {
    rt.debug(`no controlling terminal to show the login on: ${(err as NodeJS.ErrnoException).code ?? err}`);
    return undefined;
  }
}

export function loginUi(rt: Runtime, options: { mirrorToTerminal: boolean; platform: NodeJS.Platform }): LoginUi {
  let tty = options.mirrorToTerminal ? openControllingTerminal(rt, options.platform) : undefined;
  const say = (text: string) => {
    rt.stderr(text);
    if (tty !== undefined) {
      try {
        writeSync(tty, text);
      } catch {
        tty = undefined;
      }
    }
  };
  return {
    say,
    waiting(what) {
      // A dumb terminal (TERM=dumb, Emacs' shell) cannot redraw a line: plain text there too.
      if (!rt.interactive || !rt.terminal.fancy('stderr')) {
        say(`${what}...\n`);
        return () => undefined;
      }
      const started = rt.now();
      let frame = 0;
      const draw = () => {
        rt.stderr(
          `\r${FRAMES[frame++ % FRAMES.length]} ${what} ${clock(rt.now() - started)}  (Ctrl-C to cancel)\x1b[K`,
        );
      };
      draw();
      const timer = setInterval(draw, 250);
      timer.unref();
      return () => {
        clearInterval(timer);
        rt.stderr('\r\x1b[K');
      };
    },
    close() {
      if (tty !== undefined) closeSync(tty);
      tty = undefined;
    },
  };
}
