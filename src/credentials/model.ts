// The cache slot through which every cached kind of credentials is read and filled (cached.ts,
// refill.ts).
import type { ExpiringCredentials } from '../types/credentials.ts';

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
