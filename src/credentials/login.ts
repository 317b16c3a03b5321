// The console-session kind (`login_session`, from `aws login`): the SDKs' cache file holds
// short keys (about 15 minutes) and a refresh token. Keys with more than the SDKs' refresh window
// left are answered from the file alone, on the hot path; anything else goes to loginRefresh.ts,
// which loads node:crypto for the DPoP proof.
import type { CredentialPlan } from '../config/credentialProfile.ts';
import { type LoginSession, loginCachePath, parseLoginSession } from '../cache/login.ts';
import { readCacheFile } from '../fs/files.ts';
import type { Runtime } from '../runtime.ts';
import { isoString } from '../util/time.ts';
import type { CredentialOptions } from './freshness.ts';
import type { AwsCredentials } from './model.ts';

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

export async function loginCredentials(rt: Runtime, plan: LoginPlan, options: CredentialOptions): Promise<AwsCredentials> {
  const path = loginSessionPath(rt, plan.login.sessionName);
  if (!options.refresh) {
    const session = await readLoginSession(rt, path);
    if (session && usableLoginKeys(session, rt.now(), options)) {
      rt.debug(`console session ${path}: keys expire ${isoString(session.credentials.expiration)}`);
      return session.credentials;
    }
  }
  const { refreshLogin } = await import('./loginRefresh.ts');
  return refreshLogin(rt, plan, path, options);
}
