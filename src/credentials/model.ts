// The role credentials ssohelper hands out, independent of where they were cached or fetched,
// and the cache slot through which every cached kind is read and filled (cached.ts, refill.ts).

export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  accountId: string;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | undefined;
  /** Undefined for long-term keys. */
  expiration: Date | undefined;
  /**
   * How `aws configure export-credentials` prints this expiration, when the provider gave it as
   * text with its own offset or fraction (a credential_process); otherwise derived from the date.
   */
  expirationText?: string;
  accountId?: string;
}

/** Credentials that expire, as every cached kind has. */
export interface ExpiringCredentials extends AwsCredentials {
  expiration: Date;
}

/** One cache entry and how to fill it. */
export interface CacheSlot<C extends ExpiringCredentials> {
  path: string;
  /** The entry's file hash in the role cache, which names its lock (cache/lock.ts). */
  cacheKey: string;
  /** The guarded work, for the message a caller gets when it gives up waiting. */
  what: string;
  /** Names the profile in messages. */
  profileName: string;
  /** What to do when even fresh credentials cannot last --min-ttl. */
  tooShortHint: string;
  read(path: string): Promise<C | undefined>;
  write(path: string, creds: C): Promise<void>;
  /** Fetches new credentials; called with the lock held and the cache re-checked. */
  fetchNew(): Promise<C>;
}
