import type { FlagSpec, OptionsEnd, ParsedArgs } from './args.ts';
import type { Runtime } from '../runtime.ts';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  description: string;
  examples: string[];
  flags: FlagSpec[];
  maxPositionals: number;
  /**
   * Options end at the N-th positional: it and everything after it are kept verbatim (exec's
   * COMMAND and its own options). Unset: options may appear anywhere.
   */
  optionsEndAt?: OptionsEnd;
  /**
   * Returns what goes to stdout; it is printed only if the command succeeds. A command that
   * decides its own exit status (exec returns its child's) returns an Outcome.
   */
  run(rt: Runtime, args: ParsedArgs): Promise<string | Outcome>;
}

export interface Outcome {
  stdout: string;
  exitCode: number;
}
