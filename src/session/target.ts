// Which SSO session a login or logout is about: --sso-session S, else the session of a profile.
// A login needs only the session (start URL and region), so a profile that names an
// sso-session but no account or role yet can still be logged in, as with `aws sso login`.
import type { AwsConfig } from '../config/model.ts';
import { stringValue } from '../config/model.ts';
import { resolveSsoProfile, resolveSsoSession, selectProfileName } from '../config/profile.ts';
import type { Env } from '../config/files.ts';
import { type SessionRef, sessionOfProfile, sessionOfSsoSession } from './ref.ts';
import { ConfigError, UsageError } from '../errors.ts';

export function loginTarget(config: AwsConfig, flags: { profile: string | undefined; ssoSession: string | undefined }, env: Env, command: string): SessionRef {
  if (flags.profile && flags.ssoSession) {
    throw new UsageError(`${command}: give either --profile or --sso-session, not both`, `see: ssohelper ${command} --help`);
  }
  if (flags.ssoSession) return sessionOfSsoSession(resolveSsoSession(config, flags.ssoSession, env));
  const name = selectProfileName(flags.profile, env);
  try {
    return sessionOfProfile(resolveSsoProfile(config, name, env));
  } catch (err) {
    const profile = config.profiles.get(name);
    const sessionName = stringValue(profile, 'sso_session');
    const incomplete = !stringValue(profile, 'sso_account_id') || !stringValue(profile, 'sso_role_name');
    if (!(err instanceof ConfigError) || !sessionName || !incomplete || !config.ssoSessions.has(sessionName)) throw err;
    // Missing account or role does not stop a login to the profile's session.
    return { ...sessionOfSsoSession(resolveSsoSession(config, sessionName, env)), profileName: name };
  }
}
