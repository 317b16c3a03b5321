import type { FlagSpec, ParsedArgs } from '../cli/args.ts';
import type { Runtime } from '../runtime.ts';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  description: string;
  examples: string[];
  flags: FlagSpec[];
  maxPositionals: number;
  /** Returns what goes to stdout; it is printed only if the command succeeds. */
  run(rt: Runtime, args: ParsedArgs): Promise<string>;
}
