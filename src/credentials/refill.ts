// The miss half of the cached path: lock, look again, fetch, write atomically, release.
import { statSync } from 'node:fs';
import { roleLockName, withLock } from '../cache/lock.ts';
import { ConfigError } from '../errors.ts';
import { mask, type Runtime } from '../runtime.ts';
import { humanDuration, isoString } from '../util/time.ts';
import { type CredentialOptions, isFresh } from './freshness.ts';
import type { CacheSlot } from './model.ts';
import type { ExpiringCredentials } from '../types/credentials.ts';

export async function refillUnderLock<C extends ExpiringCredentials>(
  rt: Runtime,
  slot: CacheSlot<C>,
  options: CredentialOptions,
): Promise<C> {
  const started = rt.now();
  // Another process may have fetched them while we waited for the lock.
  const fetchedMeanwhile = async () => {
    const again = await slot.read(slot.path);
    return again &&
      isFresh(again, rt.now(), options.minTtlMs) &&
      (!options.refresh || (await writtenSince(slot.path, started)))
      ? again
      : undefined;
  };
  const refill = async () => {
    const again = await fetchedMeanwhile();
    if (again) {
      rt.debug('another process fetched them while we waited');
      return again;
    }
    const creds = await slot.fetchNew();
    await slot.write(slot.path, creds);
    rt.debug(`fetched ${mask(creds.accessKeyId)}, expires ${isoString(creds.expiration)}, cached in ${slot.path}`);
    const lifetime = creds.expiration.getTime() - rt.now();
    if (options.minTtlRequired && lifetime < options.minTtlMs) {
      throw new ConfigError(
        `fresh credentials for profile "${slot.profileName}" are valid for ${humanDuration(lifetime)}, less than the ${humanDuration(options.minTtlMs)} asked for`,
        slot.tooShortHint,
      );
    }
    return creds;
  };
  return withLock(rt, roleLockName(slot.cacheKey), slot.what, refill, undefined, fetchedMeanwhile);
}

async function writtenSince(path: string, since: number): Promise<boolean> {
  try {
    return statSync(path).mtimeMs >= since;
  } catch {
    return false;
  }
}
