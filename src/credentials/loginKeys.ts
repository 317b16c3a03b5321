// What the console-session kind needs on both sides of a refresh (login.ts answers from the
// file, loginRefresh.ts renews it): where the file is, reading it, and when its keys will do.
import type { CredentialPlan } from '../config/credentialProfile.ts';
import { type LoginSession, loginCachePath, parseLoginSession } from '../cache/login.ts';
import { readCacheFile } from '../fs/files.ts';
import type { Runtime } from '../runtime.ts';
import type { CredentialOptions } from './freshness.ts';

export type LoginPlan = Extract<CredentialPlan, { kind: 'login' }>;

/** botocore and the JS SDK refresh when this little is left; the keys last about 15 minutes. */
export const LOGIN_REFRESH_WINDOW_MS = 5 * 60_000;

export function loginSessionPath(rt: Runtime, sessionName: string): string {
  return loginCachePath(rt.paths.loginCacheDir, sessionName);
}

export async function readLoginSession(rt: Runtime, path: string): Promise<LoginSession | undefined> {
  const text = await readCacheFile(path, 'console session cache file', rt.stderr);
  return text === undefined ? undefined : parseLoginSession(text);
}

/**
 * Keys good enough to hand out: outside the refresh window, and past --min-ttl when one was
 * asked for (the default 15 minutes would refresh keys that never last longer).
 */
export function usableLoginKeys(session: LoginSession, now: number, options: CredentialOptions): boolean {
  const needed = options.minTtlRequired ? Math.max(options.minTtlMs, LOGIN_REFRESH_WINDOW_MS) : LOGIN_REFRESH_WINDOW_MS;
  return session.credentials.expiration.getTime() - now > needed;
}
