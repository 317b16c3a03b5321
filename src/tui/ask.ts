// Questions on a terminal, one line each, with a default in brackets as `aws configure sso`
// asks them. Only ever called when a person is there (rt.interactive): a pipe gets the usage
// error instead, never a wait for a keyboard that is not there.
import { InterruptedError, UsageError } from '../errors.ts';

export interface Question {
  prompt: string;
  /** Taken on an empty answer; shown in brackets. */
  defaultValue?: string;
  /** A message when the answer will not do (the question is asked again), else undefined. */
  check?: (answer: string) => string | undefined;
}

/** Reads lines from the terminal; `say` writes to it (stderr, so stdout stays the product). */
export interface LineReader {
  question(text: string): Promise<string>;
  close(): void;
}

/** `fancy`: the terminal takes escape codes (line editing); under TERM=dumb, plain lines. */
export function terminalReader(fancy: boolean): LineReader {
  // A builtin is not import()-able from the single executable: fetch it as runtime.ts does.
  const { createInterface } = process.getBuiltinModule('node:readline');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: fancy });
  let failed: Error | undefined;
  const waiting = new Set<(err: Error) => void>();
  const fail = (err: Error) => {
    failed ??= err;
    for (const reject of waiting) reject(err);
  };
  // Ctrl-C at a prompt is the same as anywhere else: 130. Ctrl-D ends the answers.
  rl.on('SIGINT', () => fail(new InterruptedError()));
  rl.on('close', () =>
    fail(new UsageError('init: no answer (the input ended)', 'pass --start-url and --sso-region instead')),
  );
  return {
    question(text) {
      if (failed) return Promise.reject(failed);
      return new Promise((resolve, reject) => {
        waiting.add(reject);
        rl.question(text, (answer) => {
          waiting.delete(reject);
          resolve(answer);
        });
      });
    },
    close: () => rl.close(),
  };
}

/** Asks until the answer passes `check`; `say` shows why an answer was refused. */
export async function ask(reader: LineReader, q: Question, say: (text: string) => void): Promise<string> {
  for (;;) {
    const answer =
      (await reader.question(`${q.prompt}${q.defaultValue ? ` [${q.defaultValue}]` : ''}: `)).trim() ||
      q.defaultValue ||
      '';
    const problem = q.check?.(answer) ?? (answer === '' ? 'an answer is needed' : undefined);
    if (!problem) return answer;
    say(`  ${problem}\n`);
  }
}
