// When cached credentials and tokens are still good enough to hand out: the AWS CLI's windows,
// in one leaf module that both the hot path and the fetch path read.
/** The AWS CLI reuses a cached entry only with at least this much left; so do we by default. */
export const DEFAULT_MIN_TTL_MS = 15 * 60_000;

/** The AWS CLI and botocore refresh when less than this remains; we do the same. */
export const TOKEN_REFRESH_WINDOW_MS = 15 * 60_000;

export interface CredentialOptions {
  /** Hand out credentials valid at least this long. */
  minTtlMs: number;
  /** Ignore entries cached before this call started. */
  refresh: boolean;
  /**
   * The caller asked for minTtlMs (--min-ttl): fail when even fresh credentials fall short.
   * Otherwise fresh ones are handed out whatever their length, as the AWS CLI does.
   */
  minTtlRequired?: boolean;
}

export function isFresh(c: { expiration: Date }, now: number, minTtlMs: number): boolean {
  return c.expiration.getTime() - now >= minTtlMs;
}
