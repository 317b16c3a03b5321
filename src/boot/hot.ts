// The executable's entry. get, env and export-credentials answer from this small bundle alone
// when the cache has fresh credentials, and prompt always (it reads the environment only); a first call for an SSO role adds the cold script (lock,
// one portal request, cache write; COLD_ENTRIES in src/boot/embedded.ts) in the same process.
// Everything else (other commands, a token refresh, a login, a role chain, --help, --debug) is
// handed to the full program, src/main.ts, which starts over and does all of it. New commands
// belong in src/commands/index.ts, never here: the build fails if this bundle grows a dependency
// on a package, and every other dynamic import() in it becomes a handover (src/boot/handover.ts).
import { parseCommandArgs } from '../cli/args.ts';
import { STDERR, STDOUT, write } from '../cli/output.ts';
import type { Command } from '../cli/command.ts';
import { describeFailure, EXIT, SsoHelperError, UsageError } from '../errors.ts';
import { env } from '../commands/env.ts';
import { exportCredentials } from '../commands/exportCredentials.ts';
import { get } from '../commands/get.ts';
import { prompt } from '../commands/prompt.ts';
import { hotLoadedFrom, runFullProgram } from './embedded.ts';
import { handover, handoverRequested } from './handover.ts';
import { exitOnSignals, signalsDelivered } from './signals.ts';
import { checkSettings, createRuntime, debugRequested } from '../runtime.ts';

const HOT_COMMANDS: readonly Command[] = [get, env, exportCredentials, prompt];

interface HotResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** The answer or our own failure, or undefined when the full program has to run. Prints nothing. */
async function hotAnswer(argv: string[], debug: boolean): Promise<HotResult | undefined> {
  const command = HOT_COMMANDS.find((c) => c.name === argv[0]);
  if (!command || debug) return undefined;
  let stderr = '';
  try {
    const args = parseCommandArgs(argv.slice(1), command.flags, command.maxPositionals, command.name);
    if (args.flags.help) return undefined;
    // A bad setting fails here as on every other path (the full program reports it).
    checkSettings(process.env);
    const rt = createRuntime({
      env: process.env,
      debug: false,
      // Held back: if the full program takes over, it prints its own warnings.
      stderr: (text) => {
        stderr += text;
      },
      // Asking whether a person is there means a login is coming.
      interactive: handover,
      signal: handover,
    });
    const stdout = await command.run(rt, args);
    // Only exec-like commands return an Outcome, and they are never hot.
    return handoverRequested() || typeof stdout !== 'string' ? undefined : { stdout, stderr, exitCode: 0 };
  } catch (err) {
    // Our own errors (a role we may not use, an expired session, a refused request) are
    // reported here as main.ts reports them: running the full program would make the same
    // request again. Left-out code, usage errors and the unforeseen go to the full program.
    if (handoverRequested() || !(err instanceof SsoHelperError) || err instanceof UsageError) return undefined;
    const { exitCode, text } = describeFailure(err, false);
    return { stdout: '', stderr: stderr + text, exitCode };
  }
}

exitOnSignals();
const argv = process.argv.slice(2);
const debug = debugRequested(argv, process.env);
hotAnswer(argv, debug).then(
  async (answer) => {
    if (answer) {
      await signalsDelivered();
      write(STDERR, answer.stderr);
      write(STDOUT, answer.stdout);
      process.exit(answer.exitCode);
    }
    try {
      const how = runFullProgram();
      if (debug)
        write(STDERR, `ssohelper[debug] hot script loaded from ${hotLoadedFrom()}, full program from ${how}\n`);
    } catch (err) {
      write(
        STDERR,
        `ssohelper: this installation is broken: cannot load the full program (${(err as Error).message}); reinstall it\n`,
      );
      process.exit(EXIT.internal);
    }
  },
  () => process.exit(EXIT.internal),
);
