// Every signal handler of the program, for both entries. Ctrl-C (SIGINT) exits 130, SIGTERM
// 143 and SIGHUP (a closed terminal or SSH session) 129, as the README says, whatever the
// command is doing. Before an entry runs (Node starting up) a signal still ends the process by
// the signal.
//
// The hot entry only reads, so it exits at once (exitOnSignals). When it hands over, the full
// program (src/main.ts) installs its handlers (interruptible) and removes the hot entry's in the
// same synchronous run, so exactly one handler answers a signal at any moment, with no gap.
import { getEventListeners } from 'node:events';
import { exitCodeOfSignal, STOP_SIGNALS, type StopSignal } from '../errors.ts';

const EARLY = Symbol.for('ssohelper.earlySignalHandler');

type Handler = (signal: NodeJS.Signals) => void;

export function exitOnSignals(): void {
  const onSignal: Handler = (signal) => process.exit(exitCodeOfSignal(signal));
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  (globalThis as Record<symbol, unknown>)[EARLY] = onSignal;
}

/**
 * Node runs signal listeners only between turns of its event loop, and a cached answer is
 * computed without one: one turn before printing lets a Ctrl-C that came meanwhile exit 130
 * with nothing printed, instead of the answer.
 */
export function signalsDelivered(): Promise<void> {
  return new Promise((done) => setImmediate(done));
}

function takeOverSignals(): void {
  const global = globalThis as Record<symbol, unknown>;
  const onSignal = global[EARLY] as Handler | undefined;
  if (!onSignal) return;
  for (const s of STOP_SIGNALS) process.off(s, onSignal);
  delete global[EARLY];
}

export interface Interruptible {
  /** Aborted, with the signal's name as its reason, when a stop signal arrives. */
  signal: AbortSignal;
  /** While a child gets our signals (exec), they are its business: no exit until released. */
  holdSignals(): () => void;
}

/**
 * The full program's handlers: exit at once, unless something is watching the signal (a login
 * then closes its listener, releases its locks and reports; serve stops its endpoint), with two
 * seconds to do so. Exiting runs the 'exit' hooks: cache/lock.ts removes held locks and
 * fs/files.ts removes a temp file being written; every write is a rename of a complete file, so
 * nothing is left half-written. A second signal exits at once. Installed before any command runs,
 * so a fetch or a refresh is covered too.
 */
export function interruptible(): Interruptible {
  const controller = new AbortController();
  let holders = 0;
  const onSignal = (signal: StopSignal) => {
    if (holders > 0) return;
    const code = exitCodeOfSignal(signal);
    const watched = getEventListeners(controller.signal, 'abort').length > 0;
    if (controller.signal.aborted || !watched) process.exit(code);
    controller.abort(signal);
    setTimeout(() => process.exit(code), 2_000).unref();
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  takeOverSignals();
  return {
    signal: controller.signal,
    holdSignals() {
      holders++;
      let held = true;
      return () => {
        if (held) holders--;
        held = false;
      };
    },
  };
}
