// `exec` and `serve`: credentials for a job, either as keys in its environment or through the
// local credential endpoint, always obtained through the same locked cache path as `get`.
import { booleanFlag, type ParsedArgs, stringFlag } from '../cli/args.ts';
import type { Outcome } from '../commands/command.ts';
import { chosenFormat, SHELL_FORMATS, chosenRegion, credentialSource, type CredentialSource } from '../commands/credentialsCommon.ts';
import { loadConfig } from '../config/load.ts';
import { type AwsConfig, stringValue } from '../config/model.ts';
import { assertProfileArgs } from '../config/profile.ts';
import { UsageError } from '../errors.ts';
import { credentialVariables, formatVariables } from '../format/credentials.ts';
import type { Runtime } from '../runtime.ts';
import { inTerminalForeground, runChild } from './child.ts';
import { checkNesting, childEnvironment, PROFILE_VARIABLE, serverVariables } from './environment.ts';
import { assertServable, type CredentialServer, startCredentialServer } from './server.ts';

export interface ExecTarget {
  /** Undefined: from the environment. */
  profile: string | undefined;
  command: string;
  args: string[];
}

/**
 * `exec [PROFILE] [--] COMMAND [ARGS...]`: with `--`, what precedes it is at most the profile;
 * without, the first word is the profile unless --profile names it, and the rest is the command.
 */
export function execTarget(args: ParsedArgs): ExecTarget {
  const flag = stringFlag(args, 'profile');
  const words = args.positionals;
  let profile: string | undefined;
  let command: string[];
  if (args.beforeSeparator !== undefined) {
    if (args.beforeSeparator > 1) throw new UsageError(`exec: expected at most one PROFILE before --, got: ${words.slice(0, args.beforeSeparator).join(' ')}`, 'see: ssohelper exec --help');
    profile = words[0] !== undefined && args.beforeSeparator === 1 ? words[0] : undefined;
    command = words.slice(args.beforeSeparator);
  } else if (flag !== undefined) {
    command = words;
  } else {
    profile = words[0];
    command = words.slice(1);
  }
  const [file, ...rest] = command;
  if (file === undefined || file === '') {
    throw new UsageError('exec: no command given', 'e.g. ssohelper exec dev -- terraform plan   (or: ssohelper exec dev -- "$SHELL" for a shell)');
  }
  return { profile: assertProfileArgs(profile, flag), command: file, args: rest };
}

/** Inside an exec child AWS_PROFILE is gone; the profile it runs under is the natural default. */
function execProfileName(explicit: string | undefined, env: Runtime['env']): string {
  return explicit || env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || env[PROFILE_VARIABLE] || 'default';
}

/** Keys through which the [default] profile would hand an SDK credentials of its own. */
const CREDENTIAL_KEYS = ['aws_access_key_id', 'credential_process', 'sso_session', 'sso_start_url', 'sso_account_id', 'role_arn', 'web_identity_token_file'];

/**
 * The SDKs look at the default profile before a container endpoint: credentials there would
 * quietly win over the ones we serve. Static keys in the environment win over everything.
 */
export function defaultProfileWarning(config: AwsConfig): string | undefined {
  const section = config.profiles.get('default');
  const key = CREDENTIAL_KEYS.find((k) => stringValue(section, k) !== undefined);
  if (!key) return undefined;
  const file = config.credentialProfiles.get('default')?.has(key) ? config.credentialsFile : config.configFile;
  return (
    `ssohelper: warning: the default profile has ${key} (in ${file}); the AWS SDKs use it before the credential endpoint, so the job may run with those credentials instead\n` +
    '  move those settings to a named profile, or run without --server (keys in the environment win over every profile)\n'
  );
}

async function startServer(rt: Runtime, source: CredentialSource, port: number | undefined): Promise<CredentialServer> {
  return startCredentialServer({
    port,
    credentials: () => source.credentials(),
    log: (text) => rt.stderr(text),
    debug: (message) => rt.debug(message),
    debugEnabled: rt.debugEnabled,
  });
}

export async function runExec(rt: Runtime, args: ParsedArgs): Promise<Outcome> {
  const target = execTarget(args);
  const name = execProfileName(target.profile, rt.env);
  checkNesting(rt.env, name, booleanFlag(args, 'nested'));
  const regionOf = chosenRegion(args, 'exec');
  const source = await credentialSource(rt, args, 'exec', name);
  const server = booleanFlag(args, 'server');
  // Before the job starts: an expired session or a missing role fails here, not an hour in.
  const creds = await source.credentials(booleanFlag(args, 'refresh'));
  const region = regionOf(source.profile.region);
  let endpoint: CredentialServer | undefined;
  if (server) {
    assertServable(creds, name, 'exec');
    const warning = defaultProfileWarning(await loadConfig(rt.paths));
    if (warning) rt.stderr(warning);
    endpoint = await startServer(rt, source, undefined);
    rt.debug(`credential endpoint at ${endpoint.url} for profile "${name}"`);
  }
  const env = childEnvironment(
    rt.env,
    name,
    endpoint ? { kind: 'server', url: endpoint.url, token: endpoint.token } : { kind: 'static', variables: credentialVariables(creds) },
    region,
  );
  // While the job runs, main.ts leaves the signals to runChild (signalForwarding).
  try {
    const exitCode = await runChild({
      command: target.command,
      args: target.args,
      env,
      signals: process,
      keyboardReachesChild: () => inTerminalForeground(process.platform, () => process.stdin.isTTY === true),
      debug: (message) => rt.debug(message),
    });
    return { stdout: '', exitCode };
  } finally {
    await endpoint?.close();
  }
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) throw new UsageError(`serve: --port "${text}" is not a port number (1-65535)`, 'leave --port out to use a free port');
  return port;
}

export async function runServe(rt: Runtime, args: ParsedArgs): Promise<Outcome> {
  const port = parsePort(stringFlag(args, 'port'));
  const format = chosenFormat(args, 'serve', 'env', SHELL_FORMATS);
  const regionOf = chosenRegion(args, 'serve');
  const source = await credentialSource(rt, args, 'serve');
  assertServable(await source.credentials(booleanFlag(args, 'refresh')), source.profile.profileName, 'serve');
  const warning = defaultProfileWarning(await loadConfig(rt.paths));
  if (warning) rt.stderr(warning);
  const endpoint = await startServer(rt, source, port);
  const stopped = new Promise<void>((resolve) => rt.signal.addEventListener('abort', () => resolve(), { once: true }));
  const region = regionOf(source.profile.region);
  const regionVariables: Array<readonly [string, string]> = region ? [['AWS_REGION', region], ['AWS_DEFAULT_REGION', region]] : [];
  rt.stdout(formatVariables([...serverVariables(endpoint.url, endpoint.token), ...regionVariables], format));
  rt.stderr(
    `ssohelper: serving credentials for profile "${source.profile.profileName}" at ${endpoint.url} until interrupted (Ctrl-C)\n` +
      '  set the two variables above where the job runs, with AWS_PROFILE and AWS_DEFAULT_PROFILE unset, and no AWS_ACCESS_KEY_ID\n',
  );
  await stopped;
  await endpoint.close();
  rt.stderr('ssohelper: credential endpoint stopped\n');
  return { stdout: '', exitCode: 0 };
}
