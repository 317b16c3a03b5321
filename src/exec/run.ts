// `exec` and `serve`: credentials for a job, either as keys in its environment or through the
// local credential endpoint, always obtained through the same locked cache path as `get`.
import { loadConfig } from '../config/load.ts';
import { type AwsConfig, stringValue } from '../config/model.ts';
import { type CredentialRequest, type CredentialSource, credentialSource } from '../credentials/profileSource.ts';
import { credentialVariables, type Format, formatVariables, regionVariables } from '../format/credentials.ts';
import { exitCodeOfSignal } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { inTerminalForeground } from '../terminal.ts';
import { runChild } from './child.ts';
import { checkNesting, childEnvironment, serverVariables } from './environment.ts';
import { assertServable, type CredentialServer, startCredentialServer } from './server.ts';

export interface ExecTarget {
  command: string;
  args: string[];
}

/** Region for the job: given the profile's, what AWS_REGION/AWS_DEFAULT_REGION become (undefined: unset). */
export type RegionChoice = (profileRegion: string | undefined) => string | undefined;

/** Every format but `process`: serve prints variables for a shell. */
export type ShellFormat = Exclude<Format, 'process'>;

export interface ExecRequest {
  target: ExecTarget;
  credentials: CredentialRequest;
  region: RegionChoice;
  /** Serve the job from a local endpoint instead of keys in its environment. */
  server: boolean;
  nested: boolean;
  refresh: boolean;
}

export interface ServeRequest {
  credentials: CredentialRequest;
  region: RegionChoice;
  port: number | undefined;
  format: ShellFormat;
  refresh: boolean;
}

/** Keys through which the [default] profile would hand an SDK credentials of its own. */
const CREDENTIAL_KEYS = [
  'aws_access_key_id',
  'credential_process',
  'sso_session',
  'sso_start_url',
  'sso_account_id',
  'role_arn',
  'web_identity_token_file',
];

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

/** The job's exit status. */
export async function runExec(rt: Runtime, request: ExecRequest): Promise<number> {
  const { target } = request;
  const name = request.credentials.profileName;
  checkNesting(rt.env, name, request.nested);
  const source = await credentialSource(rt, request.credentials);
  // Before the job starts: an expired session or a missing role fails here, not an hour in.
  const creds = await source.credentials(request.refresh);
  const region = request.region(source.profile.region);
  let endpoint: CredentialServer | undefined;
  if (request.server) {
    assertServable(creds, name, 'exec');
    const warning = defaultProfileWarning(await loadConfig(rt.paths));
    if (warning) rt.stderr(warning);
    endpoint = await startServer(rt, source, undefined);
    rt.debug(`credential endpoint at ${endpoint.url} for profile "${name}"`);
  }
  const env = childEnvironment(
    rt.env,
    name,
    endpoint
      ? { kind: 'server', url: endpoint.url, token: endpoint.token }
      : { kind: 'static', variables: credentialVariables(creds) },
    region,
  );
  // While the job runs, the signals are passed on to it and the process does not exit on them.
  try {
    const exitCode = await runChild({
      command: target.command,
      args: target.args,
      env,
      signals: process,
      holdSignals: rt.holdSignals,
      keyboardReachesChild: () => inTerminalForeground(rt.platform, () => process.stdin.isTTY === true),
      debug: (message) => rt.debug(message),
    });
    return exitCode;
  } finally {
    await endpoint?.close();
  }
}

/** Serves until the run is interrupted; the exit status. */
export async function runServe(rt: Runtime, request: ServeRequest): Promise<number> {
  const source = await credentialSource(rt, request.credentials);
  assertServable(await source.credentials(request.refresh), source.profile.profileName, 'serve');
  const warning = defaultProfileWarning(await loadConfig(rt.paths));
  if (warning) rt.stderr(warning);
  const endpoint = await startServer(rt, source, request.port);
  const stopped = new Promise<unknown>((resolve) =>
    rt.signal.addEventListener('abort', () => resolve(rt.signal.reason), { once: true }),
  );
  const region = request.region(source.profile.region);
  rt.stdout(
    formatVariables([...serverVariables(endpoint.url, endpoint.token), ...regionVariables(region)], request.format),
  );
  rt.stderr(
    `ssohelper: serving credentials for profile "${source.profile.profileName}" at ${endpoint.url} until interrupted (Ctrl-C)\n` +
      '  set the two variables above where the job runs, with AWS_PROFILE and AWS_DEFAULT_PROFILE unset, and no AWS_ACCESS_KEY_ID\n',
  );
  const signal = await stopped;
  await endpoint.close();
  rt.stderr('ssohelper: credential endpoint stopped\n');
  // Stopped by a signal, as always: its exit status (130, 143, 129), as for every command.
  return exitCodeOfSignal(signal);
}
