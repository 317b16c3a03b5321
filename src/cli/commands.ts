import type { Command } from '../commands/command.ts';
import { completionCommand } from '../commands/completion.ts';
import { consoleCommand } from '../commands/console.ts';
import { doctor } from '../commands/doctor.ts';
import { env } from '../commands/env.ts';
import { exec, serve } from '../commands/exec.ts';
import { exportCredentials } from '../commands/exportCredentials.ts';
import { get } from '../commands/get.ts';
import { init } from '../commands/init.ts';
import { list } from '../commands/list.ts';
import { login } from '../commands/login.ts';
import { logout } from '../commands/logout.ts';
import { status } from '../commands/status.ts';
import { sync } from '../commands/sync.ts';

const completion = completionCommand(() => COMMANDS);

export const COMMANDS: readonly Command[] = [get, env, exportCredentials, login, logout, status, list, exec, serve, consoleCommand, init, sync, doctor, completion];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
