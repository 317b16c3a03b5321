// Standalone emulator for out-of-process users (the demo, shell scripts):
//   node test/emulator/main.ts [--port N] [--latency-ms N] [--knobs JSON]
// Prints one JSON line {"url": ...} on stdout once listening, logs requests to stderr,
// and stops on SIGTERM/SIGINT. Drive it through the /_emulator/ control API.
import { Emulator } from './server.ts';
import type { Knobs } from './server.ts';

function usage(message: string): never {
  process.stderr.write(
    `emulator: ${message}\nusage: node test/emulator/main.ts [--port N] [--latency-ms N] [--knobs JSON]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]): { port: number; knobs: Partial<Knobs> } {
  let port = 0;
  let knobs: Partial<Knobs> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) usage(`${name} needs a value`);
    const number = () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) usage(`${name} needs a non-negative integer, got ${value}`);
      return n;
    };
    if (name === '--port') port = number();
    else if (name === '--latency-ms') knobs.latencyMs = number();
    else if (name === '--knobs') {
      try {
        knobs = { ...knobs, ...(JSON.parse(value) as Partial<Knobs>) };
      } catch {
        usage('--knobs needs a JSON object');
      }
    } else usage(`unknown option ${arg}`);
  }
  return { port, knobs };
}

const { port, knobs } = parseArgs(process.argv.slice(2));
let emulator: Emulator;
try {
  emulator = await Emulator.start({
    port,
    knobs,
    onLog: (e) =>
      process.stderr.write(
        `${e.time} ${e.method} ${e.path} ${e.operation} ${e.status}${e.errorType ? ` ${e.errorType}` : ''}\n`,
      ),
  });
} catch (err) {
  usage(err instanceof Error ? err.message : String(err));
}
process.stdout.write(`${JSON.stringify({ url: emulator.url })}\n`);

let stopping = false;
const shutdown = () => {
  if (stopping) return;
  stopping = true;
  void emulator.stop().then(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
