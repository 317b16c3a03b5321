// Runs exec's command as a shell would: looked up on PATH, no shell in between, our stdin,
// stdout and stderr, its exit status as ours, and the signals sent to us passed on to it.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { CommandStartError, EXIT } from '../errors.ts';

export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;
type ForwardedSignal = (typeof FORWARDED_SIGNALS)[number];

/** Signals a terminal sends to its whole foreground process group (Ctrl-C, Ctrl-\). */
const KEYBOARD_SIGNALS: ReadonlySet<ForwardedSignal> = new Set(['SIGINT', 'SIGQUIT']);

/** What a shell reports: the exit code, or 128 + the number of the signal that killed it. */
export function exitStatus(
  code: number | null,
  signal: NodeJS.Signals | null,
  signals: Record<string, number> = constants.signals,
): number {
  if (code !== null) return code;
  const number = signal ? signals[signal] : undefined;
  return number === undefined ? EXIT.internal : 128 + number;
}

/** The one-line message and exit status for a command that could not be started. */
export function startFailure(command: string, code: string | undefined): CommandStartError {
  if (code === 'ENOENT') return new CommandStartError(EXIT.commandNotFound, `exec: ${command}: command not found`);
  if (code === 'EACCES' || code === 'EPERM')
    return new CommandStartError(
      EXIT.cannotExecute,
      `exec: ${command}: permission denied (not executable, or a directory)`,
    );
  if (code === 'ENOEXEC')
    return new CommandStartError(
      EXIT.cannotExecute,
      `exec: ${command}: cannot execute: not a program this system can run`,
    );
  // Windows: Node starts a .cmd or .bat file only through cmd.exe, which exec never adds by itself.
  if (code === 'EINVAL')
    return new CommandStartError(
      EXIT.cannotExecute,
      `exec: ${command}: cannot execute directly (a .cmd or .bat file?); run it through cmd: -- cmd /d /c ${command} …`,
    );
  return new CommandStartError(EXIT.cannotExecute, `exec: ${command}: cannot execute (${code ?? 'unknown error'})`);
}

export interface ChildOptions {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Where our signals arrive: the process, or an emitter in tests. */
  signals: NodeJS.EventEmitter;
  /** Keeps the process from exiting on the signals passed on (Runtime.holdSignals); returns the release. */
  holdSignals?: () => () => void;
  /** Asked when a keyboard signal arrives: does the child get it from the terminal already? */
  keyboardReachesChild: () => boolean;
  debug?: (message: string) => void;
  /** Called once the child is running (exec --server logs its endpoint then). */
  onStart?: (pid: number) => void;
}

/** Resolves with the exit status to report once the child has exited. */
export function runChild(options: ChildOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(options.command, options.args, { stdio: 'inherit', env: options.env });
    } catch (err) {
      // Some refusals come at once rather than as an 'error' event (EINVAL for a .cmd on Windows).
      reject(startFailure(options.command, (err as NodeJS.ErrnoException).code));
      return;
    }
    const handlers = new Map<ForwardedSignal, () => void>();
    const release = options.holdSignals?.();
    const detach = () => {
      for (const [signal, handler] of handlers) options.signals.off(signal, handler);
      release?.();
      handlers.clear();
    };
    for (const signal of FORWARDED_SIGNALS) {
      const handler = () => {
        if (KEYBOARD_SIGNALS.has(signal) && options.keyboardReachesChild()) {
          options.debug?.(`${signal}: the child has it from the terminal too; not passing it on`);
          return;
        }
        options.debug?.(`passing ${signal} on to the child`);
        child.kill(signal);
      };
      handlers.set(signal, handler);
      options.signals.on(signal, handler);
    }
    let started = false;
    child.once('spawn', () => {
      started = true;
      if (child.pid !== undefined) options.onStart?.(child.pid);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      // After a start, only passing a signal on can fail (the child is already gone): 'exit' follows.
      if (started) return options.debug?.(`signalling the child failed: ${err.message}`);
      detach();
      reject(startFailure(options.command, err.code));
    });
    child.once('exit', (code, signal) => {
      detach();
      options.debug?.(`child exited: ${signal ?? `code ${code}`}`);
      resolve(exitStatus(code, signal));
    });
  });
}
