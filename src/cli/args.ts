// Argument parsing on node:util's strict parser, with our usage errors and help text.
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';

export interface FlagSpec {
  name: string;
  type: 'boolean' | 'string';
  short?: string;
  valueName?: string;
  description: string;
}

export interface ParsedArgs {
  flags: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Flags every command takes. */
export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'debug', type: 'boolean', description: 'print diagnostics on stderr (secrets masked)' },
  { name: 'help', type: 'boolean', short: 'h', description: 'show help for the command' },
];

export function parseCommandArgs(argv: string[], flags: FlagSpec[], maxPositionals: number, command: string): ParsedArgs {
  const options: Record<string, { type: 'boolean' | 'string'; short?: string }> = {};
  for (const f of [...flags, ...GLOBAL_FLAGS]) options[f.name] = f.short ? { type: f.type, short: f.short } : { type: f.type };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${command}: ${describeParseError(err)}`, `see: ssohelper ${command} --help`);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`${command}: unexpected argument "${parsed.positionals[maxPositionals]}"`, `see: ssohelper ${command} --help`);
  }
  return { flags: parsed.values as ParsedArgs['flags'], positionals: parsed.positionals };
}

function describeParseError(err: unknown): string {
  const message = (err as Error).message ?? String(err);
  // node:util's messages are long and mention internals; keep the part a user needs.
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /Option '([^']+)' argument missing/.exec(message);
  if (missing) return `option ${missing[1]?.replace(/^-\w, /, '')} needs a value`;
  const noValue = /Option '([^']+)' does not take an argument/.exec(message);
  if (noValue) return `option ${noValue[1]?.replace(/^-\w, /, '')} does not take a value`;
  return message.split('\n')[0] ?? message;
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function booleanFlag(args: ParsedArgs, name: string): boolean {
  return args.flags[name] === true;
}
