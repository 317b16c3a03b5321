// Console sessions (`aws login`) for status, logout and doctor: the cache files in
// ~/.aws/login/cache matched against the login_session values the config names (the file names
// are sha256 hashes of those). Pure: the files, the config and the clock go in.
import { parseLoginSession } from '../cache/login.ts';
import type { CacheFile } from '../cache/scan.ts';
import { type AwsConfig, stringValue } from '../config/model.ts';
import { formatCacheTimestamp } from '../util/time.ts';
import { sha256Hex } from '../util/sha256.ts';

export interface KnownConsoleSession {
  sessionName: string;
  profiles: string[];
}

export interface ConsoleSessionStatus {
  /** The login_session value, when a profile names it. */
  sessionName: string | null;
  profiles: string[];
  accountId: string | null;
  cacheFile: string | null;
  loggedIn: boolean;
  /** When the current keys end; they are renewed until the session ends (at most 12 hours). */
  expiresAt: string | null;
  secondsLeft: number | null;
  expired: boolean;
  loginCommand: string;
}

/** login_session values of the config, by cache file hash. */
export function knownConsoleSessions(config: AwsConfig): Map<string, KnownConsoleSession> {
  const known = new Map<string, KnownConsoleSession>();
  for (const name of [...config.profiles.keys()].sort()) {
    const sessionName = stringValue(config.profiles.get(name), 'login_session');
    if (!sessionName) continue;
    const hash = sha256Hex(sessionName);
    const entry = known.get(hash);
    if (entry) entry.profiles.push(name);
    else known.set(hash, { sessionName, profiles: [name] });
  }
  return known;
}

export function consoleSessionStatus(
  files: CacheFile[],
  known: Map<string, KnownConsoleSession>,
  now: number,
  only?: string,
): ConsoleSessionStatus[] {
  const out: ConsoleSessionStatus[] = [];
  const seen = new Set<string>();
  const command = (k: KnownConsoleSession | undefined) => (k ? `aws login --profile ${k.profiles[0]}` : 'aws login');
  for (const file of files) {
    if (only !== undefined && file.hash !== only) continue;
    const session = parseLoginSession(file.text);
    if (!session) continue;
    seen.add(file.hash);
    const k = known.get(file.hash);
    const left = session.credentials.expiration.getTime() - now;
    out.push({
      sessionName: k?.sessionName ?? null,
      profiles: k?.profiles ?? [],
      accountId: session.credentials.accountId,
      cacheFile: file.path,
      loggedIn: true,
      expiresAt: formatCacheTimestamp(session.credentials.expiration),
      secondsLeft: Math.floor(left / 1000),
      expired: left <= 0,
      loginCommand: command(k),
    });
  }
  for (const [hash, k] of known) {
    if (seen.has(hash) || (only !== undefined && hash !== only)) continue;
    out.push({
      sessionName: k.sessionName,
      profiles: k.profiles,
      accountId: null,
      cacheFile: null,
      loggedIn: false,
      expiresAt: null,
      secondsLeft: null,
      expired: true,
      loginCommand: command(k),
    });
  }
  return out.sort((a, b) =>
    `${a.sessionName === null ? 1 : 0}${a.sessionName ?? a.cacheFile}`.localeCompare(
      `${b.sessionName === null ? 1 : 0}${b.sessionName ?? b.cacheFile}`,
    ),
  );
}
