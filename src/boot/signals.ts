// Ctrl-C exits 130 and SIGTERM 143 from the hot entry's first line on, as on every other path.
// The hot entry only reads, so exiting at once is safe. When it hands over, the full program
// (src/main.ts) installs its own handlers and then removes these in the same synchronous run
// (takeOverSignals), so exactly one handler answers a signal at any moment, with no gap between.
// Before the entry runs (Node starting up) a signal still ends the process by the signal.
import { EXIT } from '../errors.ts';

const EARLY = Symbol.for('ssohelper.earlySignalHandler');

type Handler = (signal: NodeJS.Signals) => void;

export function exitOnSignals(): void {
  const onSignal: Handler = (signal) => process.exit(signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
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

/** Called by the full program once its own handlers are in place. */
export function takeOverSignals(): void {
  const global = globalThis as Record<symbol, unknown>;
  const onSignal = global[EARLY] as Handler | undefined;
  if (!onSignal) return;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  delete global[EARLY];
}
