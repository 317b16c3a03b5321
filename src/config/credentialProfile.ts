// Decides where a profile's credentials come from, with botocore's precedence, as a plan of
// providers (a role chain is a plan wrapping its source's plan). Pure: the parsed config and
// the environment go in; nothing is read, fetched or run here.
import { ConfigError } from '../errors.ts';
import { configuredEndpoint } from './endpoints.ts';
import type { Env } from './files.ts';
import type { IniSection } from './ini.ts';
import { type AwsConfig, stringValue } from './model.ts';
import { type ProfileNetwork, profileNetwork } from './network.ts';
import { REGION, resolveSsoProfile, type SsoProfile } from './profile.ts';

export interface StsEndpoint {
  url: string;
  /** The region requests are signed for. */
  region: string;
  /** Proxy, CA and timeouts: the selected profile's, as botocore's session uses for every hop. */
  network: ProfileNetwork;
}

export interface AssumeRoleSettings {
  roleArn: string;
  /** Only when configured: botocore leaves a generated name out of the cache key. */
  roleSessionName: string | undefined;
  externalId: string | undefined;
  durationSeconds: number | undefined;
  /** The MFA device whose code AssumeRole needs, and the command that prints one (else a prompt). */
  mfa: { serial: string; process: string | undefined } | undefined;
  sts: StsEndpoint;
}

/** A console session of `aws login`: its cache file and where to refresh it. */
export interface LoginSettings {
  sessionName: string;
  /** The profile's region: the sign-in region when the cache file names none. */
  region: string | undefined;
  /** AWS_ENDPOINT_URL_SIGNIN or the config's; else the regional default. */
  endpoint: string | undefined;
  network: ProfileNetwork;
}

export type CredentialSourceName = 'Environment' | 'Ec2InstanceMetadata' | 'EcsContainer';

export type CredentialPlan =
  | { kind: 'sso'; profileName: string; sso: SsoProfile }
  | {
      kind: 'static';
      profileName: string;
      file: string;
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken: string | undefined;
    }
  | { kind: 'process'; profileName: string; command: string }
  | { kind: 'source'; profileName: string; source: CredentialSourceName }
  | { kind: 'login'; profileName: string; login: LoginSettings }
  | { kind: 'assumeRole'; profileName: string; role: AssumeRoleSettings; source: CredentialPlan }
  | { kind: 'webIdentity'; profileName: string; role: AssumeRoleSettings; tokenFile: string };

export interface ResolvedProfile {
  profileName: string;
  plan: CredentialPlan;
  /** The profile's own `region` (AWS_REGION / AWS_DEFAULT_REGION for tools). */
  region: string | undefined;
}

const CREDENTIAL_SOURCES: readonly CredentialSourceName[] = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'];
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
// STS's SerialNumber pattern and length.
const MFA_SERIAL = /^[\w+=/:,.@-]{9,256}$/;
// Where `sts_regional_endpoints = legacy` still means the global endpoint (botocore's list).
const LEGACY_GLOBAL_REGIONS = new Set([
  'ap-northeast-1',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'aws-global',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
]);

export function sectionName(profile: string): string {
  return profile === 'default' ? 'default' : `profile ${profile}`;
}

// botocore reads these in place of the profile's keys unless a profile was named explicitly.
const WEB_IDENTITY_VARIABLES = {
  web_identity_token_file: 'AWS_WEB_IDENTITY_TOKEN_FILE',
  role_arn: 'AWS_ROLE_ARN',
  role_session_name: 'AWS_ROLE_SESSION_NAME',
};

/**
 * The named profile, resolved into the providers that produce its credentials. `fromEnvironment`
 * (no --profile given, as botocore's session decides) lets AWS_WEB_IDENTITY_TOKEN_FILE,
 * AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME override the profile, even a missing default one.
 */
export function resolveProfile(config: AwsConfig, name: string, env: Env, fromEnvironment = false): ResolvedProfile {
  const webIdentityEnv = fromEnvironment ? env : {};
  const profile =
    config.profiles.get(name) ??
    (webIdentityEnv.AWS_WEB_IDENTITY_TOKEN_FILE && name === 'default' ? (new Map() as IniSection) : undefined);
  if (!profile) {
    // resolveSsoProfile owns the "not found" message with its list of known profiles.
    resolveSsoProfile(config, name, env);
    throw new ConfigError(`profile "${name}" not found in ${config.configFile}`);
  }
  const region = stringValue(profile, 'region');
  if (region && !REGION.test(region)) {
    throw new ConfigError(
      `profile "${name}" has region "${region}", which is not an AWS region name like us-east-1 (in ${config.configFile})`,
    );
  }
  const sts = stsEndpoint(config, profile, name, env);
  const visited = [name];
  const plan = hasRoleConfig(profile)
    ? assumeRolePlan(config, name, env, sts, visited)
    : (webIdentityPlan(config, name, profile, webIdentityEnv, sts) ?? profilePlan(config, name, env, true));
  return { profileName: name, plan, region };
}

function hasRoleConfig(profile: IniSection): boolean {
  return profile.has('role_arn') && !profile.has('web_identity_token_file');
}

function hasStaticKeys(profile: IniSection): boolean {
  return profile.has('aws_access_key_id') || profile.has('aws_secret_access_key');
}

/** botocore's profile providers in order: web identity, SSO, credentials file, console session, process, config file. */
function profilePlan(config: AwsConfig, name: string, env: Env, topLevel: boolean, sts?: StsEndpoint): CredentialPlan {
  const profile = config.profiles.get(name) as IniSection;
  const webIdentity = sts && webIdentityPlan(config, name, profile, {}, sts);
  if (webIdentity) return webIdentity;
  if (profile.has('sso_role_name') || profile.has('sso_account_id')) {
    return { kind: 'sso', profileName: name, sso: resolveSsoProfile(config, name, env) };
  }
  const fromCredentialsFile = config.credentialProfiles.get(name);
  if (fromCredentialsFile?.has('aws_access_key_id'))
    return staticPlan(name, fromCredentialsFile, config.credentialsFile);
  // botocore's LoginProvider: after the credentials file, before credential_process.
  const loginSession = stringValue(profile, 'login_session');
  if (loginSession) {
    const region = stringValue(profile, 'region');
    return {
      kind: 'login',
      profileName: name,
      login: {
        sessionName: loginSession,
        region,
        endpoint: configuredEndpoint('signin', env, config, profile),
        network: profileNetwork(config, name),
      },
    };
  }
  const command = stringValue(profile, 'credential_process');
  if (command) return { kind: 'process', profileName: name, command };
  if (profile.has('aws_access_key_id')) return staticPlan(name, profile, config.configFile);
  const kind = topLevel ? `profile "${name}"` : `the source profile "${name}"`;
  throw new ConfigError(
    `${kind} has no credentials: no SSO, role, credential_process or keys in ${config.configFile}${fromCredentialsFile ? ` or ${config.credentialsFile}` : ''}`,
    `add sso_session, sso_account_id and sso_role_name (or role_arn with source_profile) to [${sectionName(name)}]`,
  );
}

/** Web identity, from the profile or (when `env` holds them) botocore's variables, key by key. */
function webIdentityPlan(
  config: AwsConfig,
  name: string,
  profile: IniSection,
  env: Env,
  sts: StsEndpoint,
): CredentialPlan | undefined {
  const setting = (key: keyof typeof WEB_IDENTITY_VARIABLES) =>
    env[WEB_IDENTITY_VARIABLES[key]] ?? stringValue(profile, key);
  const tokenFile = setting('web_identity_token_file');
  if (!tokenFile) return undefined;
  const variables = Object.values(WEB_IDENTITY_VARIABLES).filter((v) => env[v] !== undefined);
  const where = `[${sectionName(name)}] in ${config.configFile}${variables.length > 0 ? ` and ${variables.join(', ')}` : ''}`;
  const roleArn = setting('role_arn');
  if (!roleArn || !ROLE_ARN.test(roleArn)) {
    throw new ConfigError(
      `profile "${name}" has web_identity_token_file but role_arn "${roleArn ?? ''}" is not an IAM role ARN like arn:aws:iam::123456789012:role/Name (${where})`,
    );
  }
  const roleSessionName = sessionName(setting('role_session_name'), name, where);
  const role = {
    roleArn,
    roleSessionName,
    externalId: undefined,
    durationSeconds: durationSeconds(profile, name, where),
    mfa: undefined,
    sts,
  };
  return { kind: 'webIdentity', profileName: name, role, tokenFile };
}

function staticPlan(name: string, section: IniSection, file: string): CredentialPlan {
  const accessKeyId = stringValue(section, 'aws_access_key_id');
  const secretAccessKey = stringValue(section, 'aws_secret_access_key');
  if (!accessKeyId || !secretAccessKey) {
    const missing = accessKeyId ? 'aws_secret_access_key' : 'aws_access_key_id';
    throw new ConfigError(
      `profile "${name}" has partial credentials: ${missing} is missing (in ${file})`,
      `add ${missing} next to the other key in [${name}]`,
    );
  }
  // botocore looks for the older aws_security_token first.
  const sessionToken = stringValue(section, 'aws_security_token') ?? stringValue(section, 'aws_session_token');
  return { kind: 'static', profileName: name, file, accessKeyId, secretAccessKey, sessionToken };
}

function assumeRolePlan(
  config: AwsConfig,
  name: string,
  env: Env,
  sts: StsEndpoint,
  visited: string[],
): CredentialPlan {
  const profile = config.profiles.get(name) as IniSection;
  const where = `[${sectionName(name)}] in ${config.configFile}`;
  const roleArn = stringValue(profile, 'role_arn');
  if (!roleArn || !ROLE_ARN.test(roleArn)) {
    throw new ConfigError(
      `profile "${name}" has role_arn "${roleArn ?? ''}", which is not an IAM role ARN like arn:aws:iam::123456789012:role/Name (${where})`,
    );
  }
  const mfaSerial = stringValue(profile, 'mfa_serial');
  if (mfaSerial !== undefined && !MFA_SERIAL.test(mfaSerial)) {
    throw new ConfigError(
      `profile "${name}" has mfa_serial "${mfaSerial}", which is not an MFA device ARN like arn:aws:iam::123456789012:mfa/alice or a hardware serial like GAHT12345678 (${where})`,
    );
  }
  const sourceProfile = stringValue(profile, 'source_profile');
  const credentialSource = stringValue(profile, 'credential_source');
  if (sourceProfile && credentialSource) {
    throw new ConfigError(`profile "${name}" has both source_profile and credential_source; keep one (${where})`);
  }
  if (!sourceProfile && !credentialSource) {
    throw new ConfigError(
      `profile "${name}" has role_arn but neither source_profile nor credential_source (${where})`,
      'add source_profile = <the profile to assume the role from>',
    );
  }
  const role: AssumeRoleSettings = {
    roleArn,
    roleSessionName: sessionName(stringValue(profile, 'role_session_name'), name, where),
    externalId: stringValue(profile, 'external_id'),
    durationSeconds: durationSeconds(profile, name, where),
    mfa: mfaSerial ? { serial: mfaSerial, process: stringValue(profile, 'mfa_process') } : undefined,
    sts,
  };
  if (credentialSource) {
    if (!(CREDENTIAL_SOURCES as readonly string[]).includes(credentialSource)) {
      throw new ConfigError(
        `profile "${name}" has credential_source "${credentialSource}", which is not one of ${CREDENTIAL_SOURCES.join(', ')} (${where})`,
      );
    }
    return {
      kind: 'assumeRole',
      profileName: name,
      role,
      source: { kind: 'source', profileName: name, source: credentialSource as CredentialSourceName },
    };
  }
  const source = sourceProfile as string;
  const sourceSection = config.profiles.get(source);
  if (!sourceSection) {
    throw new ConfigError(
      `profile "${name}" names source_profile "${source}", which does not exist in ${config.configFile} or ${config.credentialsFile}`,
      `add a [${sectionName(source)}] section, or fix source_profile in [${sectionName(name)}]`,
    );
  }
  if (visited.includes(source)) {
    // A profile may name itself to use its own keys; any other repeat is a loop.
    if (!(source === name && hasStaticKeys(sourceSection))) {
      throw new ConfigError(
        `profiles form a cycle through source_profile: ${[...visited, source].join(' -> ')} (in ${config.configFile})`,
        'make the chain end in a profile with SSO settings, keys or credential_process',
      );
    }
  }
  visited.push(source);
  const sourcePlan =
    hasStaticKeys(sourceSection) || !hasRoleConfig(sourceSection)
      ? profilePlan(config, source, env, false, sts)
      : assumeRolePlan(config, source, env, sts, visited);
  return { kind: 'assumeRole', profileName: name, role, source: sourcePlan };
}

function sessionName(value: string | undefined, name: string, where: string): string | undefined {
  if (value !== undefined && !SESSION_NAME.test(value)) {
    throw new ConfigError(
      `profile "${name}" has role_session_name "${value}": use 2 to 64 letters, digits or any of _+=,.@- (${where})`,
    );
  }
  return value;
}

function durationSeconds(profile: IniSection, name: string, where: string): number | undefined {
  const text = stringValue(profile, 'duration_seconds');
  if (text === undefined) return undefined;
  const value = /^\s*\+?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 900 || value > 43_200) {
    throw new ConfigError(
      `profile "${name}" has duration_seconds "${text}": use a whole number of seconds from 900 to 43200 (${where})`,
    );
  }
  return value;
}

/**
 * STS endpoint for every hop of a chain, from the selected profile as botocore's session does:
 * AWS_REGION, AWS_DEFAULT_REGION, then its `region`; regional unless sts_regional_endpoints
 * is `legacy`; the endpoint variables and settings win over both.
 */
function stsEndpoint(config: AwsConfig, profile: IniSection, name: string, env: Env): StsEndpoint {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || stringValue(profile, 'region');
  const mode = (env.AWS_STS_REGIONAL_ENDPOINTS || stringValue(profile, 'sts_regional_endpoints') || 'regional')
    .trim()
    .toLowerCase();
  if (mode !== 'regional' && mode !== 'legacy') {
    throw new ConfigError(
      `sts_regional_endpoints "${mode}" (profile "${name}" or AWS_STS_REGIONAL_ENDPOINTS) must be regional or legacy`,
    );
  }
  const network = profileNetwork(config, name);
  const configured = configuredEndpoint('sts', env, config, profile);
  if (configured) return { url: configured, region: region ?? 'us-east-1', network };
  if (!region || region === 'aws-global' || (mode === 'legacy' && LEGACY_GLOBAL_REGIONS.has(region))) {
    return { url: 'https://sts.amazonaws.com', region: 'us-east-1', network };
  }
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return { url: `https://sts.${region}.${suffix}`, region, network };
}

/** The profiles a plan goes through, outermost first: `deploy <- dev-sso`. */
export function chainOf(plan: CredentialPlan): string[] {
  const names: string[] = [];
  for (let p: CredentialPlan | undefined = plan; p; p = p.kind === 'assumeRole' ? p.source : undefined) {
    if (names.at(-1) !== p.profileName) names.push(p.profileName);
  }
  return names;
}

/** The SSO profile a chain starts from, if it does: what a login for the chain signs in to. */
export function ssoBase(plan: CredentialPlan): Extract<CredentialPlan, { kind: 'sso' }> | undefined {
  let p = plan;
  while (p.kind === 'assumeRole') p = p.source;
  return p.kind === 'sso' ? p : undefined;
}
