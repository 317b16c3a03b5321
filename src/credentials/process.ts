// credential_process: run the command (split as botocore splits it, no shell), pass its stderr
// and the terminal through, read one JSON document from stdout and check it before anything
// of it can reach a shell `eval`.
import { spawn } from 'node:child_process';
import { isSafeCredentialValue } from '../cache/role.ts';
import { inTerminalForeground } from '../terminal.ts';
import { shellSplit, windowsShellSplit } from '../util/shellSplit.ts';
import { CHAIN_CONFIG_FAILURE, ConfigError, ServiceError } from '../errors.ts';
import { type Runtime, secondsSetting } from '../runtime.ts';
import { parseJsonObject } from '../util/pyjson.ts';
import { isoString, parseTimestamp } from '../util/time.ts';
import type { AwsCredentials } from '../types/credentials.ts';

const MAX_OUTPUT = 1 << 20;
/** The profiles whose credential_process is running above us, outermost first (a JSON array). */
const CHAIN_VARIABLE = 'SSOHELPER_PROCESS_CHAIN';
// The AWS CLI stops at the same depth (_AWS_CLI_PROFILE_CHAIN).
const MAX_DEPTH = 4;

/**
 * A credential_process that runs ssohelper for its own profile (directly or round a loop) would
 * fork without end: each run hands its children the chain so far, and a repeat is refused.
 */
export function processChain(env: Runtime['env'], profileName: string): string[] {
  let chain: unknown;
  try {
    chain = JSON.parse(env[CHAIN_VARIABLE] ?? '[]');
  } catch {
    chain = [];
  }
  const seen = Array.isArray(chain) ? chain.filter((p): p is string => typeof p === 'string') : [];
  if (seen.includes(profileName)) {
    throw new ConfigError(
      `the credential_process of profile "${profileName}" leads back to it: ${[...seen, profileName].join(' -> ')}`,
      `a profile's credential_process must name another profile, e.g. credential_process = ssohelper get ${profileName}-sso`,
    );
  }
  if (seen.length >= MAX_DEPTH)
    throw new ConfigError(
      `credential_process calls are nested ${seen.length} deep (${seen.join(' -> ')} -> ${profileName}); giving up`,
    );
  return [...seen, profileName];
}

export async function processCredentials(rt: Runtime, profileName: string, command: string): Promise<AwsCredentials> {
  const what = `the credential_process of profile "${profileName}"`;
  const env = { ...rt.env, [CHAIN_VARIABLE]: JSON.stringify(processChain(rt.env, profileName)) };
  const stdout = await runConfiguredCommand(rt, command, 'credential_process', what, env);
  const doc = parseJsonObject(stdout);
  if (!doc)
    throw new ServiceError(
      `${what} did not print a JSON object on stdout`,
      `run it yourself to see what it prints: ${command}`,
    );
  if (doc.Version !== 1) {
    throw new ServiceError(
      `${what} printed Version ${JSON.stringify(doc.Version ?? null)}; only Version 1 is supported`,
    );
  }
  return checkedCredentials(doc, rt.now(), what);
}

/**
 * A command line from the config (credential_process, mfa_process) run without a shell, its
 * stdout (at most 1 MiB, within SSOHELPER_PROCESS_TIMEOUT) returned; stdin and stderr are the
 * user's.
 */
export function runConfiguredCommand(
  rt: Runtime,
  command: string,
  key: string,
  what: string,
  env: Record<string, string | undefined> = rt.env,
): Promise<string> {
  // botocore's compat_shell_split: the C runtime's rules on Windows, shlex elsewhere.
  const argv = rt.platform === 'win32' ? windowsShellSplit(command) : shellSplit(command);
  if (!argv || argv.length === 0)
    throw new ConfigError(`${what} (${command}) is not a valid command line: check its quotes`);
  rt.debug(`running ${what}: ${argv[0]}`);
  return runCommand(rt, argv, env, what, secondsSetting(rt, 'SSOHELPER_PROCESS_TIMEOUT'), key);
}

/** After SIGTERM, how long a process (and its group) has to end before SIGKILL. */
export const KILL_GRACE_MS = 1000;
/**
 * After the process exited, how long we go on reading what it already wrote. A background child
 * it left holding stdout must not hold us too: its later output is not the answer.
 */
export const DRAIN_MS = 200;

/** How to end a process tree: a signal to a pid (negative: the whole group) or a command to run. */
export type Stop = { signal: 'SIGTERM' | 'SIGKILL'; pid: number } | { argv: string[] };

/**
 * Whether the process gets a process group of its own, so that a time limit ends its children
 * too. Not when we are the terminal's foreground job: a group of its own would be a background
 * job, stopped by the terminal the moment it asks for an MFA code, and Ctrl-C reaches it from
 * the terminal anyway. Windows has no groups: taskkill ends the tree (stopTree).
 */
export function ownGroup(platform: NodeJS.Platform, terminalForeground: boolean): boolean {
  return platform !== 'win32' && !terminalForeground;
}

/** How to end the process `pid` and what it started, gently first (`hard` false), then for good. */
export function stopTree(platform: NodeJS.Platform, pid: number, grouped: boolean, hard: boolean): Stop {
  if (platform === 'win32') return { argv: ['taskkill', '/pid', String(pid), '/t', ...(hard ? ['/f'] : [])] };
  return { signal: hard ? 'SIGKILL' : 'SIGTERM', pid: grouped ? -pid : pid };
}

function runStop(stop: Stop): void {
  try {
    if ('signal' in stop) process.kill(stop.pid, stop.signal);
    else
      spawn(stop.argv[0] as string, stop.argv.slice(1), { stdio: 'ignore', windowsHide: true })
        .on('error', () => undefined)
        .unref();
  } catch {
    // gone already
  }
}

function runCommand(
  rt: Runtime,
  argv: string[],
  env: Record<string, string | undefined>,
  what: string,
  timeoutMs: number,
  key: string,
): Promise<string> {
  const grouped = ownGroup(
    rt.platform,
    inTerminalForeground(rt.platform, () => process.stdin.isTTY === true),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), {
      env,
      stdio: ['inherit', 'pipe', 'inherit'],
      detached: grouped,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let failure: Error | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const timers: NodeJS.Timeout[] = [];
    // A group outlives its leader while any member runs, so it is ended even after the exit; a
    // lone pid is not signalled once reaped (it may be someone else's by then).
    const stop = (hard: boolean) => {
      if (child.pid !== undefined && (grouped || exit === undefined))
        runStop(stopTree(rt.platform, child.pid, grouped, hard));
    };
    // Our own exit (an error elsewhere, a signal) takes the process with it.
    const onOurExit = () => stop(true);
    process.once('exit', onOurExit);
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      process.removeListener('exit', onOurExit);
      child.stdout.destroy();
      if (failure) {
        stop(true); // what is left of its group, if the leader went at SIGTERM
        return reject(failure);
      }
      if (!exit) return reject(new ServiceError(`${what} did not end`));
      const out = Buffer.concat(chunks).toString('utf8');
      if (exit.code !== 0 && out === CHAIN_CONFIG_FAILURE) {
        return reject(
          new ConfigError(
            `${what} failed: the ssohelper it runs refused for the configuration reason above`,
            'fix credential_process in your config',
          ),
        );
      }
      if (exit.code !== 0) {
        return reject(
          new ServiceError(
            `${what} failed (${exit.signal ? `killed by ${exit.signal}` : `exit status ${exit.code}`})`,
            'its own message, if any, is above',
          ),
        );
      }
      resolve(out);
    };
    // SIGTERM, then SIGKILL after a grace; then we give up waiting, ended or not.
    const end = (error: Error) => {
      failure ??= error;
      stop(false);
      timers.push(
        setTimeout(() => {
          stop(true);
          timers.push(setTimeout(settle, KILL_GRACE_MS));
        }, KILL_GRACE_MS),
      );
    };
    timers.push(
      setTimeout(
        () =>
          end(
            new ServiceError(
              `${what} did not finish within ${Math.round(timeoutMs / 1000)}s`,
              'SSOHELPER_PROCESS_TIMEOUT sets the limit in seconds',
            ),
          ),
        timeoutMs,
      ),
    );
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT) return void chunks.push(chunk);
      // No grace for a flood: it is ended at once, and nothing more is read.
      failure ??= new ServiceError(`${what} printed more than ${MAX_OUTPUT} bytes`);
      child.stdout.pause();
      stop(true);
      timers.push(setTimeout(settle, KILL_GRACE_MS));
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      const missing = err.code === 'ENOENT' || err.code === 'EACCES';
      failure ??= missing
        ? new ConfigError(
            `${what} cannot be run: ${argv[0]}: ${err.code === 'ENOENT' ? 'no such command' : 'permission denied'}`,
            `fix ${key} in your config`,
          )
        : err;
      settle();
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      timers.push(setTimeout(settle, DRAIN_MS));
    });
    child.on('close', settle);
  });
}

/** The process JSON fields, checked: keys safe to print, expiration parsed and in the future. */
export function checkedCredentials(
  doc: Record<string, unknown>,
  now: number,
  what: string,
  names: Record<'AccessKeyId' | 'SecretAccessKey' | 'SessionToken' | 'Expiration', string> = {
    AccessKeyId: 'AccessKeyId',
    SecretAccessKey: 'SecretAccessKey',
    SessionToken: 'SessionToken',
    Expiration: 'Expiration',
  },
): AwsCredentials {
  for (const key of ['AccessKeyId', 'SecretAccessKey'] as const) {
    if (doc[key] === undefined || doc[key] === '') throw new ServiceError(`${what} gave no ${names[key]}`);
  }
  for (const key of ['AccessKeyId', 'SecretAccessKey', 'SessionToken'] as const) {
    if (doc[key] !== undefined && doc[key] !== null && !isSafeCredentialValue(doc[key])) {
      throw new ServiceError(`${what} gave a ${names[key]} that is not a plain credential string`);
    }
  }
  let expiration: Date | undefined;
  let expirationText: string | undefined;
  if (doc.Expiration !== undefined && doc.Expiration !== null) {
    expiration = parseTimestamp(doc.Expiration);
    if (!expiration)
      throw new ServiceError(
        `${what} gave ${names.Expiration} ${JSON.stringify(doc.Expiration)}, which is not an ISO 8601 time`,
      );
    if (expiration.getTime() <= now)
      throw new ServiceError(`${what} gave credentials that expired at ${isoString(expiration)}`);
    expirationText = pythonIsoformat(doc.Expiration as string);
  }
  return {
    accessKeyId: doc.AccessKeyId as string,
    secretAccessKey: doc.SecretAccessKey as string,
    sessionToken: typeof doc.SessionToken === 'string' ? doc.SessionToken : undefined,
    expiration,
    expirationText,
    accountId: typeof doc.AccountId === 'string' ? doc.AccountId : undefined,
  };
}

const ISO_PARTS = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|UTC|[+-]\d\d:?\d\d)?$/i;

/**
 * What the AWS CLI prints for a time it parsed with dateutil: Python's isoformat, which keeps
 * the writer's offset and microseconds. Undefined when the text is outside the common shapes.
 */
export function pythonIsoformat(text: string): string | undefined {
  const m = ISO_PARTS.exec(text.trim());
  if (!m) return undefined;
  const [, date, time, fraction, zone] = m;
  const micro = fraction ? fraction.padEnd(6, '0').slice(0, 6) : '000000';
  const offset = !zone || /^(z|utc)$/i.test(zone) ? '+00:00' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  return `${date}T${time}${micro === '000000' ? '' : `.${micro}`}${offset}`;
}
