// Which SSO session a login or logout is about: --sso-session S, else the session of a profile.
// A login needs only the session (start URL and region), so a profile that names an
// sso-session but no account or role yet can still be logged in, as with `aws sso login`.
import type { AwsConfig } from '../config/model.ts';
import { stringValue } from '../config/model.ts';
import { profileNetwork } from '../config/network.ts';
import { INIT_HINT, resolveSsoProfile, resolveSsoSession, selectProfileName } from '../config/profile.ts';
import type { Env } from '../config/files.ts';
import { resolveProfile, ssoBase } from '../config/credentialProfile.ts';
import type { SsoProfile } from '../config/profile.ts';
import { type SessionRef, sessionOfProfile, sessionOfSsoSession } from './ref.ts';
import { ConfigError, UsageError } from '../errors.ts';

export function loginTarget(
  config: AwsConfig,
  flags: { profile: string | undefined; ssoSession: string | undefined },
  env: Env,
  command: string,
): SessionRef {
  if (flags.profile && flags.ssoSession) {
    throw new UsageError(
      `${command}: give either --profile or --sso-session, not both`,
      `see: ssohelper ${command} --help`,
    );
  }
  if (flags.ssoSession) return sessionOfSsoSession(resolveSsoSession(config, flags.ssoSession, env));
  if (!flags.profile && !env.AWS_PROFILE && !env.AWS_DEFAULT_PROFILE) {
    const only = onlySsoSession(config, command);
    if (only) return sessionOfSsoSession(resolveSsoSession(config, only, env));
  }
  const name = selectProfileName(flags.profile, env);
  const chained = chainBase(config, name, env);
  if (chained) return sessionOfProfile(chained);
  const consoleSession = stringValue(config.profiles.get(name), 'login_session');
  if (consoleSession) {
    // The browser sign-in of `aws login` is the AWS CLI's (docs/incoming/login.md says why).
    throw new ConfigError(
      `profile "${name}" is a console session (login_session = ${consoleSession}): ssohelper refreshes and serves it, but signs in only to SSO`,
      `sign in with the AWS CLI 2.32 or later: aws login --profile ${name}`,
    );
  }
  try {
    return sessionOfProfile(resolveSsoProfile(config, name, env));
  } catch (err) {
    const profile = config.profiles.get(name);
    const sessionName = stringValue(profile, 'sso_session');
    const incomplete = !stringValue(profile, 'sso_account_id') || !stringValue(profile, 'sso_role_name');
    if (!(err instanceof ConfigError) || !sessionName || !incomplete || !config.ssoSessions.has(sessionName)) throw err;
    // Missing account or role does not stop a login to the profile's session.
    return {
      ...sessionOfSsoSession(resolveSsoSession(config, sessionName, env)),
      profileName: name,
      network: profileNetwork(config, name),
    };
  }
}

/**
 * With nothing named: the only sso-session when there is exactly one. With several and no
 * usable default profile, the user must choose, and is shown the choices.
 */
export function onlySsoSession(config: AwsConfig, command: string): string | undefined {
  const sessions = [...config.ssoSessions.keys()].sort();
  if (sessions.length === 1) return sessions[0];
  const defaultIsSso =
    stringValue(config.profiles.get('default'), 'sso_session') ||
    stringValue(config.profiles.get('default'), 'sso_start_url');
  if (sessions.length > 1 && !defaultIsSso) {
    throw severalSessions(config, sessions, command);
  }
  return undefined;
}

/** The sso-session a command about a whole session (sync) means: the named one, or the only one. */
export function chooseSsoSession(config: AwsConfig, explicit: string | undefined, command: string): string {
  if (explicit) return explicit;
  const sessions = [...config.ssoSessions.keys()].sort();
  if (sessions.length === 1) return sessions[0] as string;
  if (sessions.length === 0) {
    throw new ConfigError(`${config.configFile} has no [sso-session] section`, INIT_HINT);
  }
  throw severalSessions(config, sessions, command);
}

function severalSessions(config: AwsConfig, sessions: string[], command: string): UsageError {
  return new UsageError(
    `${command}: ${config.configFile} has ${sessions.length} sso-sessions (${sessions.join(', ')}); say which one`,
    `for example: ssohelper ${command} --sso-session ${sessions[0]}`,
  );
}

/** A role chain's session is that of the SSO profile it starts from. */
function chainBase(config: AwsConfig, name: string, env: Env): SsoProfile | undefined {
  const profile = config.profiles.get(name);
  if (!profile?.has('role_arn')) return undefined;
  const plan = resolveProfile(config, name, env).plan;
  return plan.kind === 'assumeRole' ? ssoBase(plan)?.sso : undefined;
}
