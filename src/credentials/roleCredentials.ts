// The hot path: a fresh entry in the shared role cache is answered from disk alone. Anything
// else (the lock, the SDK, the token) is loaded only on a miss.
import { readRoleEntry, type RoleCredentials, roleCachePath } from '../cache/role.ts';
import type { SsoProfile } from '../config/profile.ts';
import type { Runtime } from '../runtime.ts';

/** The AWS CLI reuses a cached entry only with at least this much left; so do we by default. */
export const DEFAULT_MIN_TTL_MS = 15 * 60_000;

export interface CredentialOptions {
  /** Hand out credentials valid at least this long. */
  minTtlMs: number;
  /** Ignore entries cached before this call started. */
  refresh: boolean;
}

export function isFresh(c: RoleCredentials, now: number, minTtlMs: number): boolean {
  return c.expiration.getTime() - now >= minTtlMs;
}

export async function roleCredentials(rt: Runtime, profile: SsoProfile, options: CredentialOptions): Promise<RoleCredentials> {
  const path = roleCachePath(rt.paths.roleCacheDir, profile);
  if (!options.refresh) {
    const cached = await readRoleEntry(path);
    if (cached && isFresh(cached, rt.now(), options.minTtlMs)) {
      rt.debug(`cache hit ${path}, expires ${cached.expiration.toISOString()}`);
      return cached;
    }
    rt.debug(cached ? `cache entry ${path} expires too soon` : `cache miss ${path}`);
  }
  const { fetchRoleCredentials } = await import('./fetch.ts');
  return fetchRoleCredentials(rt, profile, path, options);
}
