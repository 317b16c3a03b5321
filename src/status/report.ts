// The status report as data (stable JSON for scripts; render.ts renders it for people):
// which sessions are usable, which will renew themselves, and when a login is due.
// Pure: cache contents, config knowledge and the clock go in.
import { parseRoleEntry } from '../cache/role.ts';
import { parseAssumedRole } from '../cache/assumeRole.ts';
import type { CacheFile, KnownAssumedRole, KnownRole, KnownSession } from '../cache/scan.ts';
import { isRefreshable, parseToken } from '../cache/token.ts';
import { formatCacheTimestamp } from '../util/time.ts';
import type { ConsoleSessionStatus } from './consoleSessions.ts';

export interface SessionStatus {
  sessionName: string | null;
  startUrl: string | null;
  region: string | null;
  profiles: string[];
  cacheFile: string | null;
  loggedIn: boolean;
  expiresAt: string | null;
  secondsLeft: number | null;
  expired: boolean;
  refreshable: boolean;
  registrationExpiresAt: string | null;
  /** A login is needed before anything can use this session. */
  loginRequired: boolean;
  /**
   * When a login will be needed at the latest: the token's expiry when it cannot renew itself,
   * else the later of the client registration's expiry and the token's (IAM Identity Center may
   * end the session sooner; its length is not recorded anywhere on this machine).
   */
  loginNeededBy: string | null;
  /**
   * What ends the session, as far as this machine can know: `token-expiry` (it cannot renew
   * itself: loginNeededBy is exact), `identity-center` (it renews itself until IAM Identity
   * Center ends it after its configured session length, which no local file records; never
   * later than loginNeededBy), or null when a login is needed now.
   */
  endsAt: 'token-expiry' | 'identity-center' | null;
  loginCommand: string;
}

export interface RoleStatus {
  /** `sso`: from the portal; `assume-role`: a role chain's hop (botocore's assume-role cache). */
  kind: 'sso' | 'assume-role';
  profiles: string[];
  accountId: string | null;
  roleName: string | null;
  sessionName: string | null;
  cacheFile: string;
  expiresAt: string;
  secondsLeft: number;
  expired: boolean;
  /** The IAM role an assume-role entry is for. */
  roleArn: string | null;
}

export interface StatusReport {
  version: 1;
  now: string;
  sessions: SessionStatus[];
  roleCredentials: RoleStatus[];
  /** `aws login` sessions (status/consoleSessions.ts). */
  consoleSessions: ConsoleSessionStatus[];
}

/** arn:aws:sts::A:assumed-role/R/session → arn:aws:iam::A:role/R (the path is not recorded). */
function roleArnOf(assumedRoleArn: string): string | null {
  const m = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(assumedRoleArn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : null;
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

function loginCommand(k: KnownSession | undefined): string {
  if (k?.sessionName) return `ssohelper login --sso-session ${k.sessionName}`;
  if (k?.profiles[0]) return `ssohelper login --profile ${k.profiles[0]}`;
  return 'ssohelper login';
}

export function buildStatus(
  input: {
    tokenFiles: CacheFile[];
    roleFiles: CacheFile[];
    sessions: Map<string, KnownSession>;
    roles: Map<string, KnownRole>;
    /** Assume-role cache hashes the config produces (cache/scan.ts); none when omitted. */
    assumedRoles?: Map<string, KnownAssumedRole>;
    now: number;
    /** Token files whose refresh token is known to be used up (cache/refreshState.ts). */
    lostRefresh?: ReadonlySet<string>;
  },
  /** One profile's entries; an undefined hash matches nothing. */
  filter?: { tokenHash: string | undefined; roleHash: string | undefined },
): StatusReport {
  const { now } = input;
  const sessions: SessionStatus[] = [];
  const seen = new Set<string>();
  for (const file of input.tokenFiles) {
    // Registrations and other tools' files share the directory; only tokens have accessToken.
    if (typeof file.data?.accessToken !== 'string') continue;
    if (filter && file.hash !== filter.tokenHash) continue;
    const token = parseToken(file.text);
    const k = input.sessions.get(file.hash);
    seen.add(file.hash);
    const left = token ? token.expiresAt.getTime() - now : undefined;
    const refreshable = token ? isRefreshable(token, now) && !input.lostRefresh?.has(file.hash) : false;
    const expired = left === undefined || left <= 0;
    const loginRequired = !token || (expired && !refreshable);
    // Once the registration lapses no refresh is possible, but the token still lasts its time.
    const neededBy =
      !token || loginRequired
        ? undefined
        : refreshable
          ? later(token.registrationExpiresAt, token.expiresAt)
          : token.expiresAt;
    sessions.push({
      sessionName: k?.sessionName ?? null,
      startUrl: token?.startUrl ?? k?.startUrl ?? null,
      region: token?.region ?? k?.region ?? null,
      profiles: k?.profiles ?? [],
      cacheFile: file.path,
      loggedIn: token !== undefined,
      expiresAt: token ? formatCacheTimestamp(token.expiresAt) : null,
      secondsLeft: left === undefined ? null : seconds(left),
      expired,
      refreshable,
      registrationExpiresAt: token?.registrationExpiresAt ? formatCacheTimestamp(token.registrationExpiresAt) : null,
      loginRequired,
      loginNeededBy: neededBy ? formatCacheTimestamp(neededBy) : null,
      endsAt: loginRequired ? null : refreshable ? 'identity-center' : 'token-expiry',
      loginCommand: loginCommand(k),
    });
  }
  // Configured sessions nobody has logged in to yet: the first thing a new user needs to see.
  for (const [hash, k] of input.sessions) {
    if (seen.has(hash) || (filter && hash !== filter.tokenHash)) continue;
    if (!k.sessionName && k.profiles.length === 0) continue;
    sessions.push({
      sessionName: k.sessionName ?? null,
      startUrl: k.startUrl ?? null,
      region: k.region ?? null,
      profiles: k.profiles,
      cacheFile: null,
      loggedIn: false,
      expiresAt: null,
      secondsLeft: null,
      expired: true,
      refreshable: false,
      registrationExpiresAt: null,
      loginRequired: true,
      loginNeededBy: null,
      endsAt: null,
      loginCommand: loginCommand(k),
    });
  }
  sessions.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));

  const roleCredentials: RoleStatus[] = [];
  for (const file of input.roleFiles) {
    if (file.data?.ProviderType !== 'sso') continue;
    if (filter && file.hash !== filter.roleHash) continue;
    const entry = parseRoleEntry(file.text);
    if (!entry) continue;
    const k = input.roles.get(file.hash);
    roleCredentials.push({
      kind: 'sso',
      profiles: k?.profiles ?? [],
      accountId: entry.accountId || k?.accountId || null,
      roleName: k?.roleName ?? null,
      sessionName: k?.sessionName ?? null,
      ...cachedTiming(file.path, entry.expiration, now),
      roleArn: null,
    });
  }
  for (const file of input.roleFiles) {
    // Other tools (web identity, older CLIs) share the directory: known keys, or AssumeRole answers.
    if (file.data?.ProviderType !== undefined || (filter && file.hash !== filter.roleHash)) continue;
    const k = input.assumedRoles?.get(file.hash);
    if (!k && typeof file.data?.AssumedRoleUser !== 'object') continue;
    const entry = parseAssumedRole(file.text);
    if (!entry) continue;
    const roleArn = k?.roleArn ?? roleArnOf(entry.assumedRoleArn);
    roleCredentials.push({
      kind: 'assume-role',
      profiles: k?.profiles ?? [],
      accountId: entry.accountId || null,
      roleName: roleArn ? (roleArn.split('/').at(-1) ?? null) : null,
      sessionName: null,
      ...cachedTiming(file.path, entry.expiration, now),
      roleArn,
    });
  }
  roleCredentials.sort((a, b) =>
    (a.profiles[0] ?? `~${a.accountId}`).localeCompare(b.profiles[0] ?? `~${b.accountId}`),
  );
  return { version: 1, now: formatCacheTimestamp(new Date(now)), sessions, roleCredentials, consoleSessions: [] };
}

/** Where a cached entry lives and how long it has left: the same for every kind of entry. */
function cachedTiming(path: string, expiration: Date, now: number) {
  const left = expiration.getTime() - now;
  return {
    cacheFile: path,
    expiresAt: formatCacheTimestamp(expiration),
    secondsLeft: seconds(left),
    expired: left <= 0,
  };
}

function later(a: Date | undefined, b: Date): Date {
  return a && a.getTime() > b.getTime() ? a : b;
}

function sortKey(s: SessionStatus): string {
  return `${s.sessionName === null ? '1' : '0'}${s.sessionName ?? s.startUrl ?? ''}`;
}
