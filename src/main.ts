// The full program's entry: arguments, environment, streams and the exit code. Signals are
// src/boot/signals.ts's; the few other places that touch the process (a child in exec/child.ts,
// a browser in login/browser.ts, facts in doctor/collect.ts) do so behind the runtime.
import { parseCommandArgs } from './cli/args.ts';
import { COMMANDS, findCommand } from './commands/index.ts';
import { STDERR, STDOUT, write } from './cli/output.ts';
import { commandHelp, mainHelp } from './cli/help.ts';
import { version } from './util/version.ts';
import { CHAIN_CONFIG_FAILURE, describeFailure, EXIT, UsageError } from './errors.ts';
import { otherScriptsLoadable } from './boot/embedded.ts';
import { interruptible } from './boot/signals.ts';
import { checkSettings, createRuntime, debugRequested } from './runtime.ts';
import { didYouMean } from './util/suggest.ts';
import { type Stream, terminal } from './terminal.ts';

function unknownCommand(name: string): UsageError {
  const guess = didYouMean(
    name,
    COMMANDS.map((c) => c.name),
  );
  return new UsageError(
    `unknown command "${name}"${guess ? `: ${guess}` : ''}`,
    `commands: ${COMMANDS.map((c) => c.name).join(', ')} (see: ssohelper --help)`,
  );
}

function helpWidth(stream: Stream): number {
  return terminal(process.env).width(stream);
}

async function main(argv: string[]): Promise<number> {
  const debug = debugRequested(argv, process.env);
  const stderr = (text: string) => write(STDERR, text);
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      const target = first === 'help' && rest[0] ? findCommand(rest[0]) : undefined;
      if (first === 'help' && rest[0] && !target) throw unknownCommand(rest[0]);
      const width = helpWidth(first === undefined ? 'stderr' : 'stdout');
      write(first === undefined ? STDERR : STDOUT, target ? commandHelp(target, width) : mainHelp(COMMANDS, width));
      return first === undefined ? 2 : 0;
    }
    if (first === '--version' || first === '-v' || first === 'version') {
      write(STDOUT, `ssohelper ${version()}\n`);
      if (debug) stderr(`ssohelper[debug] ${otherScriptsLoadable()}\n`);
      return 0;
    }
    const command = findCommand(first);
    if (!command) {
      if (first.startsWith('-'))
        throw new UsageError(
          `expected a command before ${first}`,
          `commands: ${COMMANDS.map((c) => c.name).join(', ')} (see: ssohelper --help)`,
        );
      throw unknownCommand(first);
    }
    const args = parseCommandArgs(rest, command.flags, command.maxPositionals, command.name, command.optionsEndAt);
    if (args.flags.help) {
      write(STDOUT, commandHelp(command, helpWidth('stdout')));
      return 0;
    }
    checkSettings(process.env);
    const stop = interruptible();
    const rt = createRuntime({
      env: process.env,
      debug,
      stderr,
      stdout: (text) => write(STDOUT, text),
      interactive: () => {
        const { isatty } = process.getBuiltinModule('node:tty');
        return isatty(0) && isatty(2);
      },
      signal: () => stop.signal,
      holdSignals: stop.holdSignals,
    });
    rt.debug(`ssohelper ${version()} ${command.name}, node ${process.version}, config ${rt.paths.configFile}`);
    const output = await command.run(rt, args);
    if (typeof output !== 'string') {
      write(STDOUT, output.stdout);
      return output.exitCode;
    }
    write(STDOUT, output);
    return 0;
  } catch (err) {
    const { exitCode, text } = describeFailure(err, debug);
    write(STDERR, text);
    if (exitCode === EXIT.config && process.env.SSOHELPER_PROCESS_CHAIN !== undefined)
      write(STDOUT, CHAIN_CONFIG_FAILURE);
    return exitCode;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  () => process.exit(1),
);
