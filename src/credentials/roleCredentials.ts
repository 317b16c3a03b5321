// The hot path: a fresh entry in the shared role cache is answered from disk alone. Anything
// else (the lock, the SDK, the token) is loaded only on a miss.
import { readRoleEntry, roleCachePath } from '../cache/role.ts';
import type { SsoProfile } from '../config/profile.ts';
import type { Runtime } from '../runtime.ts';
import { type CredentialOptions, isFresh } from './freshness.ts';
import type { RoleCredentials } from './model.ts';

export async function roleCredentials(rt: Runtime, profile: SsoProfile, options: CredentialOptions): Promise<RoleCredentials> {
  const path = roleCachePath(rt.paths.roleCacheDir, profile);
  if (!options.refresh) {
    const cached = await readRoleEntry(path, rt.stderr);
    if (cached && isFresh(cached, rt.now(), options.minTtlMs)) {
      rt.debug(`cache hit ${path}, expires ${cached.expiration.toISOString()}`);
      return cached;
    }
    rt.debug(cached ? `cache entry ${path} expires too soon` : `cache miss ${path}`);
  }
  const { fetchRoleCredentials } = await import('./fetch.ts');
  return fetchRoleCredentials(rt, profile, path, options);
}
