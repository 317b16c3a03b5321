// What identifies one SSO session on disk and on the wire, for profiles and bare sso-sessions.
import type { ProfileNetwork } from '../config/network.ts';
import type { SsoProfile, SsoSessionSettings } from '../config/profile.ts';

export interface SessionRef {
  sessionName: string | undefined;
  startUrl: string;
  ssoRegion: string;
  registrationScopes: string[];
  endpoints: { sso: string; oidc: string };
  network: ProfileNetwork;
  /** The profile the user named, if any: used in messages and login commands. */
  profileName: string | undefined;
}

export function sessionOfProfile(p: SsoProfile): SessionRef {
  return { ...pick(p), profileName: p.profileName };
}

export function sessionOfSsoSession(s: SsoSessionSettings): SessionRef {
  return { ...pick(s), profileName: undefined };
}

function pick(s: SsoProfile | SsoSessionSettings): Omit<SessionRef, 'profileName'> {
  return {
    sessionName: s.sessionName,
    startUrl: s.startUrl,
    ssoRegion: s.ssoRegion,
    registrationScopes: s.registrationScopes,
    endpoints: s.endpoints,
    network: s.network,
  };
}

/** The commands that log this session in, ours first. */
export function loginCommands(s: SessionRef): { ours: string; aws: string } {
  const target = s.sessionName
    ? `--sso-session ${quoteArg(s.sessionName)}`
    : `--profile ${quoteArg(s.profileName ?? 'default')}`;
  return { ours: `ssohelper login ${target}`, aws: `aws sso login ${target}` };
}

export function describeSession(s: SessionRef): string {
  return s.sessionName ? `sso-session "${s.sessionName}"` : `SSO start URL ${s.startUrl}`;
}

function quoteArg(arg: string): string {
  return /^[\w.@%+=:,/-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}
