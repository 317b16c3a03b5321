import type { Command } from '../cli/command.ts';
import { completionCommand } from './completion.ts';
import { consoleCommand } from './console.ts';
import { doctor } from './doctor.ts';
import { env } from './env.ts';
import { exec, serve } from './exec.ts';
import { exportCredentials } from './exportCredentials.ts';
import { get } from './get.ts';
import { hook } from './hook.ts';
import { init } from './init.ts';
import { list } from './list.ts';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { prompt } from './prompt.ts';
import { status } from './status.ts';
import { sync } from './sync.ts';
import { use } from './use.ts';

const completion = completionCommand(() => COMMANDS);

export const COMMANDS: readonly Command[] = [
  get,
  env,
  exportCredentials,
  use,
  login,
  logout,
  status,
  list,
  exec,
  serve,
  consoleCommand,
  init,
  sync,
  doctor,
  hook,
  prompt,
  completion,
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
