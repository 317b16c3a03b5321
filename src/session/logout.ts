// Logging out as `aws sso logout` does: every cached token (a file with an accessToken) is
// revoked with the Logout API (failures ignored: it may be expired already) and deleted, and
// every role-credential entry with ProviderType "sso" is deleted. Client registrations stay, so
// the next login does not register again. With one session named, only its token and the role
// entries of the config's profiles on that session go.
import { tokenLockName, withLock } from '../cache/lock.ts';
import { type CacheFile, knownRoles, knownSessions, readCacheDir } from '../cache/scan.ts';
import { readToken, tokenCacheHash } from '../cache/token.ts';
import { resolveEndpoint } from '../config/endpoints.ts';
import type { AwsConfig } from '../config/model.ts';
import { profileNetwork } from '../config/network.ts';
import { REGION, selectProfileName } from '../config/profile.ts';
import { describeSession, type SessionRef } from './ref.ts';
import { removeFile, sweepTempFiles } from '../fs/files.ts';
import type { Runtime } from '../runtime.ts';
import { networkOf } from '../net/client.ts';
import { type Endpoint, endpointFor as sessionEndpoint } from '../sso/clients.ts';
import { logout as logoutApi } from '../sso/portal.ts';
import { forgetListing } from '../cache/listing.ts';

export interface LogoutResult {
  /** What each removed token was, for the message: session name or start URL. */
  tokens: string[];
  roleEntries: number;
}

async function revokeAndRemove(rt: Runtime, file: CacheFile, endpoint: Endpoint | undefined): Promise<boolean> {
  if (typeof file.data?.accessToken !== 'string') return false;
  // The refresh lock: a refresh in flight must not write the token back after we delete it.
  return withLock(rt, tokenLockName(file.hash), 'logging out', async () => {
    // Read again under the lock: a refresh may have replaced the token since the scan, and the
    // token to revoke is the one on disk now.
    const current = await readToken(file.path, rt.stderr);
    if (!current) return false;
    if (endpoint) {
      try {
        // One attempt: the token may be expired already, and logging out must not hang.
        await logoutApi({ rt, endpoint, budgetMs: 0 }, current.accessToken);
        rt.debug(`Logout accepted for ${file.path}`);
      } catch (err) {
        rt.debug(`Logout for ${file.path} failed (ignored): ${(err as Error).message}`);
      }
    }
    return removeFile(file.path);
  });
}

/**
 * The role cache is read only after the tokens are gone: a `get` that fetched in the meantime
 * has written its entry by then (and one still fetching finds the token gone and takes its entry
 * back, see credentials/fetch.ts). Temp files of writes killed midway go too.
 */
async function roleFilesAfterTokens(rt: Runtime): Promise<CacheFile[]> {
  await Promise.all([sweepTempFiles(rt.paths.ssoCacheDir), sweepTempFiles(rt.paths.roleCacheDir)]);
  return readCacheDir(rt.paths.roleCacheDir, 'role credential cache file');
}

function endpointFor(rt: Runtime, config: AwsConfig, region: unknown): Endpoint | undefined {
  if (typeof region !== 'string' || !REGION.test(region)) return undefined;
  try {
    const network = networkOf(rt, profileNetwork(config, selectProfileName(undefined, rt.env)));
    return { url: resolveEndpoint('sso', region, rt.env, config, undefined), region, network, service: 'sso' };
  } catch {
    return undefined;
  }
}

async function removeRoleEntries(files: CacheFile[], wanted: (f: CacheFile) => boolean): Promise<number> {
  let removed = 0;
  for (const f of files) {
    if (f.data?.ProviderType !== 'sso' || !wanted(f)) continue;
    if (await removeFile(f.path)) removed++;
  }
  return removed;
}

export async function logoutAll(rt: Runtime, config: AwsConfig): Promise<LogoutResult> {
  const tokenFiles = await readCacheDir(rt.paths.ssoCacheDir, 'SSO token cache file');
  const names = knownSessions(config);
  const removed = await Promise.all(
    tokenFiles.map(async (f) => {
      if (!(await revokeAndRemove(rt, f, endpointFor(rt, config, f.data?.region)))) return undefined;
      await forgetListing(rt, f.hash);
      const k = names.get(f.hash);
      return k?.sessionName ? `sso-session ${k.sessionName}` : String(f.data?.startUrl ?? f.path);
    }),
  );
  const roleFiles = await roleFilesAfterTokens(rt);
  return {
    tokens: removed.filter((t): t is string => t !== undefined),
    roleEntries: await removeRoleEntries(roleFiles, () => true),
  };
}

/**
 * Role-cache names are sha1 hashes of {accountId, roleName, sessionName}: they cannot be read
 * back, only recomputed. So the entries of a session are those of the config's profiles that
 * use it; an entry made through a profile since deleted stays until it expires.
 */
export async function logoutSession(rt: Runtime, config: AwsConfig, s: SessionRef): Promise<LogoutResult> {
  const hash = tokenCacheHash(s);
  const tokenFiles = await readCacheDir(rt.paths.ssoCacheDir, 'SSO token cache file');
  const file = tokenFiles.find((f) => f.hash === hash);
  const tokens = file && (await revokeAndRemove(rt, file, sessionEndpoint(rt, s, 'sso'))) ? [describeSession(s)] : [];
  await forgetListing(rt, hash);
  const roleFiles = await roleFilesAfterTokens(rt);
  const ours = new Set(
    [...knownRoles(config, rt.env)]
      .filter(([, r]) =>
        s.sessionName ? r.sessionName === s.sessionName : !r.sessionName && r.startUrl === s.startUrl,
      )
      .map(([h]) => h),
  );
  const roleEntries = await removeRoleEntries(roleFiles, (f) => ours.has(f.hash));
  return { tokens, roleEntries };
}
