// When cached credentials and tokens are still good enough to hand out: the AWS CLI's windows,
// in one leaf module that both the hot path and the fetch path read.
import type { RoleCredentials } from './model.ts';

/** The AWS CLI reuses a cached entry only with at least this much left; so do we by default. */
export const DEFAULT_MIN_TTL_MS = 15 * 60_000;

/** The AWS CLI and botocore refresh when less than this remains; we do the same. */
export const TOKEN_REFRESH_WINDOW_MS = 15 * 60_000;

export interface CredentialOptions {
  /** Hand out credentials valid at least this long. */
  minTtlMs: number;
  /** Ignore entries cached before this call started. */
  refresh: boolean;
}

export function isFresh(c: RoleCredentials, now: number, minTtlMs: number): boolean {
  return c.expiration.getTime() - now >= minTtlMs;
}
