// Resolves one profile into everything needed to get its role credentials, or explains, with
// the file and the fix, why it cannot. Pure: the parsed config and the environment go in.
import { ConfigError, UsageError } from '../errors.ts';
import { resolveEndpoint } from './endpoints.ts';
import type { Env } from './files.ts';
import type { IniSection, IniValue } from './ini.ts';
import { didYouMean } from '../util/suggest.ts';
import { type AwsConfig, stringValue } from './model.ts';
import { type ProfileNetwork, profileNetwork } from './network.ts';

/** Where "create it" messages send a user without a config. */
/** The command that sets up a first sso-session, for every message that says to create one. */
export const INIT_COMMAND = 'ssohelper init --start-url URL --sso-region REGION';
export const INIT_HINT = `create it: ${INIT_COMMAND} (see: ssohelper init --help)`;

export interface SsoProfile {
  profileName: string;
  accountId: string;
  roleName: string;
  startUrl: string;
  ssoRegion: string;
  /** Set for new-style profiles; legacy profiles key their token by start URL instead. */
  sessionName: string | undefined;
  registrationScopes: string[];
  /** The profile's own `region`, for tools that want AWS_REGION. */
  region: string | undefined;
  endpoints: { sso: string; oidc: string };
  /** ca_bundle, timeouts: read from this profile, as the AWS CLI does. */
  network: ProfileNetwork;
}

export interface SsoSessionSettings {
  sessionName: string;
  startUrl: string;
  ssoRegion: string;
  registrationScopes: string[];
  endpoints: { sso: string; oidc: string };
  /** From the active profile (AWS_PROFILE, else default), as `aws sso login --sso-session` reads them. */
  network: ProfileNetwork;
}

/** --profile / positional, else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else `default`. */
export function selectProfileName(explicit: string | undefined, env: Env, fallback = 'default'): string {
  return explicit || env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || fallback;
}

const ACCOUNT_ID = /^\d{12}$/;
export const REGION = /^[a-z]{2}(-[a-z0-9]+)+-\d+$/;

export function resolveSsoProfile(config: AwsConfig, name: string, env: Env): SsoProfile {
  const profile = config.profiles.get(name);
  if (!profile) throw profileNotFound(config, name, env);

  const isSso =
    stringValue(profile, 'sso_role_name') ||
    stringValue(profile, 'sso_account_id') ||
    stringValue(profile, 'sso_session') ||
    stringValue(profile, 'sso_start_url');
  if (!isSso) throw notSso(config, name, profile);

  const sessionName = stringValue(profile, 'sso_session');
  let session: IniSection | undefined;
  if (sessionName) {
    session = config.ssoSessions.get(sessionName);
    if (!session) {
      const guess = didYouMean(sessionName, config.ssoSessions.keys());
      throw new ConfigError(
        `profile "${name}" uses sso-session "${sessionName}", which does not exist in ${config.configFile}${guess ? `: ${guess}` : ''}`,
        `add a [sso-session ${sessionName}] section with sso_start_url and sso_region, or fix sso_session in [${sectionName(name)}]`,
      );
    }
  }

  // botocore copies every key of the sso-session into the profile (after checking that the two
  // agree), so account and role may come from the sso-session too. It takes the profile for an
  // SSO one only when the profile itself names the account or the role, though.
  if (session && sessionName) checkConsistent(config, name, profile, session, sessionName);
  if (sessionName && !stringValue(profile, 'sso_role_name') && !stringValue(profile, 'sso_account_id')) {
    throw new ConfigError(
      `profile "${name}" uses sso-session "${sessionName}" but names neither sso_account_id nor sso_role_name (in ${config.configFile})`,
      `add sso_account_id and sso_role_name to [${sectionName(name)}]; the AWS CLI uses a profile for SSO credentials only when it names at least one of them`,
    );
  }
  const value = (key: string) => stringValue(session, key) ?? stringValue(profile, key);
  const startUrl = value('sso_start_url');
  const ssoRegion = value('sso_region');
  const roleName = value('sso_role_name');
  const accountId = value('sso_account_id');
  const missing = [
    roleName ? undefined : 'sso_role_name',
    accountId ? undefined : 'sso_account_id',
    startUrl ? undefined : 'sso_start_url',
    ssoRegion ? undefined : 'sso_region',
  ].filter((k): k is string => k !== undefined);
  if (missing.length > 0 || !roleName || !accountId || !startUrl || !ssoRegion) {
    throw new ConfigError(
      `profile "${name}" is configured to use SSO but is missing required configuration: ${missing.join(', ')} (in ${config.configFile})`,
      `add ${missing.join(', ')} to [${sectionName(name)}]${sessionName ? ` or [sso-session ${sessionName}]` : ''}`,
    );
  }
  if (!ACCOUNT_ID.test(accountId)) {
    throw new ConfigError(
      `profile "${name}" has sso_account_id "${accountId}", which is not a 12-digit AWS account ID (in ${config.configFile})`,
    );
  }
  checkUrl(startUrl, name, config);
  checkRegion(ssoRegion, 'sso_region', name, config);
  const region = stringValue(profile, 'region');
  if (region) checkRegion(region, 'region', name, config);

  return {
    profileName: name,
    accountId,
    roleName,
    startUrl,
    ssoRegion,
    sessionName,
    registrationScopes: parseScopes(stringValue(session, 'sso_registration_scopes')),
    region,
    endpoints: {
      sso: resolveEndpoint('sso', ssoRegion, env, config, profile),
      oidc: resolveEndpoint('sso-oidc', ssoRegion, env, config, profile),
    },
    network: profileNetwork(config, name),
  };
}

/** An `[sso-session NAME]` on its own, for login and logout without a profile. */
export function resolveSsoSession(config: AwsConfig, sessionName: string, env: Env): SsoSessionSettings {
  const session = config.ssoSessions.get(sessionName);
  if (!session) {
    const known = [...config.ssoSessions.keys()];
    const guess = didYouMean(sessionName, known);
    throw new ConfigError(
      `sso-session "${sessionName}" does not exist in ${config.configFile}${guess ? `: ${guess}` : ''}`,
      known.length > 0
        ? `known sso-sessions: ${known.join(', ')}`
        : `create it: ssohelper init --sso-session ${sessionName} --start-url URL --sso-region REGION`,
    );
  }
  const startUrl = stringValue(session, 'sso_start_url');
  const ssoRegion = stringValue(session, 'sso_region');
  const missing = [startUrl ? undefined : 'sso_start_url', ssoRegion ? undefined : 'sso_region'].filter(Boolean);
  if (!startUrl || !ssoRegion) {
    throw new ConfigError(
      `sso-session "${sessionName}" is missing required configuration: ${missing.join(', ')} (in ${config.configFile})`,
      `add ${missing.join(', ')} to [sso-session ${sessionName}]`,
    );
  }
  checkUrl(startUrl, `sso-session ${sessionName}`, config);
  checkRegion(ssoRegion, 'sso_region', `sso-session ${sessionName}`, config);
  return {
    sessionName,
    startUrl,
    ssoRegion,
    registrationScopes: parseScopes(stringValue(session, 'sso_registration_scopes')),
    endpoints: {
      sso: resolveEndpoint('sso', ssoRegion, env, config, undefined),
      oidc: resolveEndpoint('sso-oidc', ssoRegion, env, config, undefined),
    },
    network: profileNetwork(config, selectProfileName(undefined, env)),
  };
}

/** Comma list, items trimmed, empties dropped (botocore's rule). */
export function parseScopes(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Every profile that resolves as SSO, for listings; broken ones are skipped, not fatal. */
export function ssoProfileNames(config: AwsConfig): string[] {
  return [...config.profiles.entries()]
    .filter(([, p]) => stringValue(p, 'sso_role_name') || stringValue(p, 'sso_account_id'))
    .map(([n]) => n)
    .sort();
}

function sectionName(profile: string): string {
  return profile === 'default' ? 'default' : `profile ${profile}`;
}

/** Every key both sections set must have the same value in both, as botocore requires. */
function checkConsistent(
  config: AwsConfig,
  name: string,
  profile: IniSection,
  session: IniSection,
  sessionName: string,
): void {
  for (const [key, shared] of session) {
    const own = profile.get(key);
    if (own === undefined || sameValue(own, shared)) continue;
    throw new ConfigError(
      `the value for ${key} is inconsistent between profile "${name}" (${show(own)}) and sso-session "${sessionName}" (${show(shared)}) in ${config.configFile}`,
      `remove ${key} from [${sectionName(name)}]; the sso-session's value is the one that counts`,
    );
  }
}

function sameValue(a: IniValue, b: IniValue): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

function show(v: IniValue): string {
  return typeof v === 'string' ? v : `{${[...v].map(([k, x]) => `${k} = ${x}`).join(', ')}}`;
}

function profileNotFound(config: AwsConfig, name: string, env: Env): ConfigError {
  // A name the environment supplies looks like a typo on the command line unless we say where it came from.
  const origin =
    env.AWS_PROFILE === name
      ? ' (from AWS_PROFILE)'
      : !env.AWS_PROFILE && env.AWS_DEFAULT_PROFILE === name
        ? ' (from AWS_DEFAULT_PROFILE)'
        : '';
  if (config.profiles.size === 0) {
    return new ConfigError(
      `profile "${name}"${origin} not found: ${config.configFile} has no profiles (or does not exist)`,
      `${INIT_HINT}, or point AWS_CONFIG_FILE at your config file`,
    );
  }
  const guess = didYouMean(name, config.profiles.keys());
  const message = `profile "${name}"${origin} not found in ${config.configFile}${guess ? `: ${guess}` : ''}`;
  if (guess) return new ConfigError(message);
  const sso = ssoProfileNames(config);
  const known = sso.length > 0 ? sso : [...config.profiles.keys()].sort();
  const kind = sso.length > 0 ? 'SSO profiles' : 'profiles';
  const hint =
    known.length <= 12
      ? `${kind} there: ${known.join(', ')}`
      : `${known.length} ${kind} there: ssohelper list shows them`;
  return new ConfigError(message, hint);
}

function notSso(config: AwsConfig, name: string, profile: IniSection): ConfigError {
  const process = stringValue(profile, 'credential_process');
  let hint = `add sso_session, sso_account_id and sso_role_name to [${sectionName(name)}]`;
  if (process) hint = `it uses credential_process (${process}); run ssohelper with the SSO profile that command names`;
  else if (stringValue(profile, 'aws_access_key_id')) hint = 'it holds static keys; ssohelper serves SSO profiles only';
  else if (stringValue(profile, 'role_arn'))
    hint = `it assumes a role with no SSO sign-in behind it (web identity or keys): there is no session to log in to; ssohelper get ${name} serves its credentials`;
  return new ConfigError(
    `profile "${name}" is not an SSO profile (no sso_account_id or sso_role_name in ${config.configFile})`,
    hint,
  );
}

function checkUrl(url: string, owner: string, config: AwsConfig): void {
  if (!/^https?:\/\/[^\s/]+/i.test(url)) {
    throw new ConfigError(
      `${owner.startsWith('sso-session') ? owner : `profile "${owner}"`} has sso_start_url "${url}", which is not an https:// URL (in ${config.configFile})`,
    );
  }
}

function checkRegion(region: string, key: string, owner: string, config: AwsConfig): void {
  if (!REGION.test(region)) {
    throw new ConfigError(
      `${owner.startsWith('sso-session') ? owner : `profile "${owner}"`} has ${key} "${region}", which is not an AWS region name like us-east-1 (in ${config.configFile})`,
    );
  }
}

export function assertProfileArgs(positional: string | undefined, flag: string | undefined): string | undefined {
  if (positional && flag && positional !== flag) {
    throw new UsageError(`two different profiles given: "${positional}" and --profile "${flag}"`);
  }
  return positional ?? flag;
}
