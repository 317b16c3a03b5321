// Argument parsing for every command, with our usage errors.
import { UsageError } from '../errors.ts';
import { didYouMean } from '../util/suggest.ts';

export interface FlagSpec {
  name: string;
  type: 'boolean' | 'string';
  short?: string;
  valueName?: string;
  description: string;
  /** The only values accepted, when they are a fixed list: parsing refuses others; shell completion offers them. */
  values?: readonly string[];
  /** Values people bring from other tools (bash, json), and the accepted value that does what they meant. */
  meant?: Readonly<Record<string, string>>;
}

export interface ParsedArgs {
  flags: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** How many positionals came before a `--`; undefined when there was none. */
  beforeSeparator?: number;
}

/** The positional (1-based) from which everything is kept verbatim, given the flags seen before it. */
export type OptionsEnd = number | ((flagsSoFar: ParsedArgs['flags']) => number);

/** Flags every command takes. */
export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'debug', type: 'boolean', description: 'print diagnostics on stderr (secrets masked)' },
  { name: 'help', type: 'boolean', short: 'h', description: 'show help for the command' },
];

/**
 * Strict parsing: `--name value`, `--name=value`, boolean `--name`, short `-h`, and `--` to end
 * options. Written here rather than with node:util's parseArgs: on the cached path that loads
 * two more builtin modules (internal/util/parse_args/*) and measured 1.0-1.5 ms per call
 * (Node 24.21, first call in a fresh process) against 0.01 ms for this loop, on a path of about
 * 30 ms; it also lacks what exec needs (options end at the command) and did-you-mean.
 */
export function parseCommandArgs(
  argv: string[],
  flags: FlagSpec[],
  maxPositionals: number,
  command: string,
  optionsEndAt?: OptionsEnd,
): ParsedArgs {
  const specs = [...flags, ...GLOBAL_FLAGS];
  const result: ParsedArgs = { flags: {}, positionals: [] };
  const fail = (message: string): never => {
    throw new UsageError(`${command}: ${message}`, `see: ssohelper ${command} --help`);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      result.beforeSeparator = result.positionals.length;
      result.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      const end = typeof optionsEndAt === 'function' ? optionsEndAt(result.flags) : optionsEndAt;
      if (result.positionals.length + 1 === end) {
        result.positionals.push(...argv.slice(i));
        break;
      }
      result.positionals.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const eq = long ? arg.indexOf('=') : -1;
    const name = long ? arg.slice(2, eq < 0 ? undefined : eq) : arg.slice(1);
    const spec = specs.find((f) => (long ? f.name === name : f.short === name));
    if (!spec) {
      const guess = long
        ? didYouMean(
            name,
            specs.map((f) => f.name),
          )
        : undefined;
      const meant = guess ? undefined : flagMeant(long ? `--${name}` : arg, specs);
      fail(
        `unknown option ${long ? `--${name}` : arg}${guess ? `: ${guess.replace(/"([^"]+)"/g, '"--$1"')}` : meant ? `: use ${meant}` : ''}`,
      );
    }
    const flag = spec as FlagSpec;
    if (flag.type === 'boolean') {
      if (eq >= 0) fail(`option --${flag.name} does not take a value`);
      result.flags[flag.name] = true;
    } else {
      let value: string;
      if (eq >= 0) {
        value = arg.slice(eq + 1);
      } else {
        value = argv[++i] as string;
        if (value === undefined || value.startsWith('-')) fail(`option --${flag.name} needs a value`);
      }
      if (flag.values && !flag.values.includes(value)) {
        const meant = flag.meant?.[value.toLowerCase()];
        const hint = meant
          ? `for ${value}, use --${flag.name} ${meant} (see: ssohelper ${command} --help)`
          : `see: ssohelper ${command} --help`;
        throw new UsageError(`${command}: unknown ${flag.name} "${value}"; choose ${choices(flag.values)}`, hint);
      }
      result.flags[flag.name] = value;
    }
  }
  if (result.positionals.length > maxPositionals) fail(`unexpected argument "${result.positionals[maxPositionals]}"`);
  return result;
}

/** "a or b", "one of a, b, c". */
function choices(values: readonly string[]): string {
  return values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(', ')}`;
}

/**
 * Flags other tools spell differently (the AWS CLI's -o/--output, jq-minded --json), and the
 * spelling this command has for the same thing, if it has one.
 */
function flagMeant(given: string, specs: FlagSpec[]): string | undefined {
  const has = (name: string, value?: string) =>
    specs.some((f) => f.name === name && (value === undefined || !f.values || f.values.includes(value)));
  const candidates: Record<string, string[]> = {
    '--json': ['--output json', '--format process'],
    '-o': ['--output', '--format'],
    '--output': ['--format'],
    '--format': ['--output'],
    '-p': ['--profile'],
  };
  return candidates[given]?.find((c) => {
    const [flag = '', value] = c.split(' ');
    return has(flag.slice(2), value);
  });
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function booleanFlag(args: ParsedArgs, name: string): boolean {
  return args.flags[name] === true;
}
