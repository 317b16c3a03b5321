// The one path every cached kind goes through (SSO role credentials, assumed roles): a fresh
// entry is answered from disk alone; on a miss one process refills it under a lock while the
// others wait and then find the new entry. Nothing heavy loads before a miss.
import type { Runtime } from '../runtime.ts';
import { type CredentialOptions, isFresh } from './freshness.ts';
import type { ExpiringCredentials } from './model.ts';
import { isoString } from '../util/time.ts';

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

export async function cachedCredentials<C extends ExpiringCredentials>(rt: Runtime, slot: CacheSlot<C>, options: CredentialOptions): Promise<C> {
  if (!options.refresh) {
    const cached = await slot.read(slot.path);
    if (cached && isFresh(cached, rt.now(), options.minTtlMs)) {
      rt.debug(`cache hit ${slot.path}, expires ${isoString(cached.expiration)}`);
      return cached;
    }
    rt.debug(cached ? `cache entry ${slot.path} expires too soon` : `cache miss ${slot.path}`);
  }
  const { refillUnderLock } = await import('./refill.ts');
  return refillUnderLock(rt, slot, options);
}
