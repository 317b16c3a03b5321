// Opening a URL in the user's browser the way Python's webbrowser module (and so the AWS CLI)
// does: the BROWSER variable first, then the platform's opener.
import { spawn } from 'node:child_process';
import { shellSplit } from '../util/shellSplit.ts';
import type { Runtime } from '../runtime.ts';
import { isWsl, type Surroundings } from './plan.ts';

export interface BrowserCommand {
  file: string;
  args: string[];
  /** cmd.exe parses its own command line; Node must not quote it again. */
  verbatim?: boolean;
}

/**
 * BROWSER is a list of commands separated like PATH. An entry containing `%s` is a command line,
 * split like a POSIX shell, with the URL put in place of `%s` (a trailing `&` is dropped: we
 * never wait for a browser anyway); any other entry is a program, run with the URL as its only
 * argument.
 */
export function browserCommands(url: string, s: Surroundings): BrowserCommand[] {
  const commands: BrowserCommand[] = [];
  const browser = s.env.BROWSER;
  if (browser?.trim()) {
    for (const entry of browser.split(s.platform === 'win32' ? ';' : ':')) {
      if (entry.trim() === '') continue;
      if (entry.includes('%s')) {
        const words = shellSplit(entry);
        if (!words || words.length === 0) continue;
        if (words[words.length - 1] === '&') words.pop();
        const [file, ...args] = words.map((w) => w.replaceAll('%s', url));
        if (file) commands.push({ file, args });
      } else {
        commands.push({ file: entry, args: [url] });
      }
    }
    return commands;
  }
  if (s.platform === 'darwin') return [{ file: 'open', args: [url] }];
  if (s.platform === 'win32') {
    // `start` is a cmd built-in; the empty title argument stops it from taking the quoted URL
    // as the window title. The URL is ours and percent-encoded, so it holds no `"` or `^`.
    return [{ file: 'cmd.exe', args: ['/d', '/s', '/c', `start "" "${url}"`], verbatim: true }];
  }
  return isWsl(s)
    ? [
        { file: 'wslview', args: [url] },
        { file: 'xdg-open', args: [url] },
      ]
    : [{ file: 'xdg-open', args: [url] }];
}

/**
 * Starts the first command that works and resolves with what it ran, or undefined when none
 * did. The browser gets no stdio of ours (inside credential_process our stdout is a pipe the
 * caller reads to its end) and runs in its own process group, so Ctrl-C here does not close it.
 * A command counts as failed when it cannot be started or exits non-zero within `settleMs`.
 */
export async function openBrowser(
  rt: Runtime,
  commands: BrowserCommand[],
  settleMs = 5_000,
): Promise<string | undefined> {
  for (const c of commands) {
    const outcome = await new Promise<'ok' | 'failed'>((resolve) => {
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(c.file, c.args, {
          stdio: 'ignore',
          detached: true,
          windowsHide: true,
          windowsVerbatimArguments: c.verbatim ?? false,
          env: rt.env as NodeJS.ProcessEnv,
        });
      } catch (err) {
        rt.debug(`browser: cannot start ${c.file}: ${(err as Error).message}`);
        resolve('failed');
        return;
      }
      // Many openers return at once, a browser run directly may run for hours: whichever first.
      const timer = setTimeout(() => {
        child.unref();
        resolve('ok');
      }, settleMs);
      timer.unref();
      child.once('error', (err) => {
        clearTimeout(timer);
        rt.debug(`browser: cannot start ${c.file}: ${err.message}`);
        resolve('failed');
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        rt.debug(`browser: ${c.file} exited ${code ?? signal}`);
        resolve(code === 0 ? 'ok' : 'failed');
      });
    });
    if (outcome === 'ok') return c.file;
  }
  return undefined;
}
