// When a console session's keys are good enough to hand out, shared by the read on the hot path
// (login.ts) and the refresh under the lock (loginRefresh.ts).
import type { LoginSession } from '../cache/login.ts';
import type { CredentialPlan } from '../config/credentialProfile.ts';
import type { CredentialOptions } from './freshness.ts';

export type LoginPlan = Extract<CredentialPlan, { kind: 'login' }>;

/** botocore and the JS SDK refresh when this little is left; the keys last about 15 minutes. */
export const LOGIN_REFRESH_WINDOW_MS = 5 * 60_000;

/**
 * Keys good enough to hand out: outside the refresh window, and past --min-ttl when one was
 * asked for (the default 15 minutes would refresh keys that never last longer).
 */
export function usableLoginKeys(session: LoginSession, now: number, options: CredentialOptions): boolean {
  const needed = options.minTtlRequired ? Math.max(options.minTtlMs, LOGIN_REFRESH_WINDOW_MS) : LOGIN_REFRESH_WINDOW_MS;
  return session.credentials.expiration.getTime() - now > needed;
}
