// The SSO kind: role credentials from the portal, cached in the AWS CLI's SSO layout.
import { readRoleEntry, roleCacheKey, roleCachePath, writeRoleEntry } from '../cache/role.ts';
import type { SsoProfile } from '../config/profile.ts';
import type { Runtime } from '../runtime.ts';
import { cachedCredentials } from './cached.ts';
import type { CredentialOptions } from './freshness.ts';
import type { CacheSlot } from './model.ts';
import type { RoleCredentials } from '../types/credentials.ts';
import { cold } from '../util/load.ts';

export function ssoSlot(rt: Runtime, profile: SsoProfile): CacheSlot<RoleCredentials> {
  return {
    path: roleCachePath(rt.paths.roleCacheDir, profile),
    cacheKey: roleCacheKey(profile),
    what: `fetching credentials for ${profile.roleName} in ${profile.accountId}`,
    profileName: profile.profileName,
    tooShortHint: 'lower --min-ttl, or ask your administrator for a longer session duration on the permission set',
    read: (path) => readRoleEntry(path, rt.stderr),
    write: async (path, creds) => {
      await writeRoleEntry(path, creds);
      // Written after a logout that ran meanwhile? Then take it back (fetch.ts is loaded by now).
      await (await cold(() => import('./fetch.ts'))).loggedOutMeanwhile(rt, profile, path);
    },
    fetchNew: async () => (await cold(() => import('./fetch.ts'))).fetchWithToken(rt, profile),
  };
}

export function roleCredentials(
  rt: Runtime,
  profile: SsoProfile,
  options: CredentialOptions,
): Promise<RoleCredentials> {
  return cachedCredentials(rt, ssoSlot(rt, profile), options);
}
