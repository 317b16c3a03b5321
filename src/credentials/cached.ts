// The one path every cached kind goes through (SSO role credentials, assumed roles): a fresh
// entry is answered from disk alone; on a miss one process refills it under a lock while the
// others wait and then find the new entry. Nothing heavy loads before a miss.
import type { Runtime } from '../runtime.ts';
import { type CredentialOptions, isFresh } from './freshness.ts';
import type { CacheSlot } from './model.ts';
import type { ExpiringCredentials } from '../types/credentials.ts';
import { isoString } from '../util/time.ts';
import { cold } from '../util/load.ts';

export async function cachedCredentials<C extends ExpiringCredentials>(
  rt: Runtime,
  slot: CacheSlot<C>,
  options: CredentialOptions,
): Promise<C> {
  if (!options.refresh) {
    const cached = await slot.read(slot.path);
    if (cached && isFresh(cached, rt.now(), options.minTtlMs)) {
      rt.debug(`cache hit ${slot.path}, expires ${isoString(cached.expiration)}`);
      return cached;
    }
    rt.debug(cached ? `cache entry ${slot.path} expires too soon` : `cache miss ${slot.path}`);
  }
  const { refillUnderLock } = await cold(() => import('./refill.ts'));
  return refillUnderLock(rt, slot, options);
}
