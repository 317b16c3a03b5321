// The miss path: one process per role fetches (lock, look again, fetch, write, release); the
// others wait and then find the fresh entry, so N simultaneous callers make one request.
import { promises as fsp } from 'node:fs';
import { roleLockName, withLock } from '../cache/lock.ts';
import { readRoleEntry, roleCacheKey, writeRoleEntry } from '../cache/role.ts';
import type { SsoProfile } from '../config/profile.ts';
import { AccessDeniedError, ConfigError, LoginRequiredError } from '../errors.ts';
import { mask, type Runtime } from '../runtime.ts';
import { type SsoApi, SsoApiError } from '../sso/call.ts';
import { endpointFor } from '../sso/clients.ts';
import { getRoleCredentials } from '../sso/portal.ts';
import { humanDuration } from '../util/time.ts';
import { type CredentialOptions, isFresh } from './freshness.ts';
import type { RoleCredentials } from './model.ts';
import { sessionOfProfile } from '../session/ref.ts';
import { loginRequired, tokenPath, usableToken } from './token.ts';
import { readToken } from '../cache/token.ts';

export async function fetchRoleCredentials(rt: Runtime, profile: SsoProfile, path: string, options: CredentialOptions): Promise<RoleCredentials> {
  const started = rt.now();
  const what = `fetching credentials for ${profile.roleName} in ${profile.accountId}`;
  return withLock(rt, roleLockName(roleCacheKey(profile)), what, async () => {
    const again = await readRoleEntry(path, rt.stderr);
    if (again && isFresh(again, rt.now(), options.minTtlMs) && (!options.refresh || (await writtenSince(path, started)))) {
      rt.debug('another process fetched them while we waited');
      return again;
    }
    const creds = await fetchWithToken(rt, profile);
    await writeRoleEntry(path, creds);
    rt.debug(`fetched ${mask(creds.accessKeyId)}, expires ${creds.expiration.toISOString()}, cached in ${path}`);
    const lifetime = creds.expiration.getTime() - rt.now();
    if (lifetime < options.minTtlMs) {
      throw new ConfigError(
        `fresh credentials for profile "${profile.profileName}" are valid for ${humanDuration(lifetime)}, less than the ${humanDuration(options.minTtlMs)} asked for`,
        'lower --min-ttl, or ask your administrator for a longer session duration on the permission set',
      );
    }
    return creds;
  });
}

async function fetchWithToken(rt: Runtime, profile: SsoProfile): Promise<RoleCredentials> {
  const session = sessionOfProfile(profile);
  const api: SsoApi = {
    rt,
    endpoint: endpointFor(rt, profile, 'sso'),
    loginRequired: () => loginRequired(session, `the SSO session for profile "${profile.profileName}" is no longer valid (it was revoked or has expired)`),
  };
  const call = (accessToken: string) => getRoleCredentials(api, accessToken, profile.accountId, profile.roleName).catch((err) => denied(err, profile));
  const token = await usableToken(rt, session);
  try {
    return await call(token.accessToken);
  } catch (err) {
    if (!(err instanceof LoginRequiredError)) throw err;
    // Someone may have logged in again since we read the token: look once more.
    const reread = await readToken(tokenPath(rt, session), rt.stderr);
    if (reread && reread.accessToken !== token.accessToken && reread.expiresAt.getTime() > rt.now()) return call(reread.accessToken);
    throw err;
  }
}

/** The portal's "no such account or role for you" becomes the user's access-denied error. */
function denied(err: unknown, profile: SsoProfile): never {
  if (err instanceof SsoApiError && (err.kind === 'forbidden' || err.kind === 'notFound')) {
    throw new AccessDeniedError(
      `no access to role ${profile.roleName} in account ${profile.accountId} (profile "${profile.profileName}"): ${err.message}`,
      `check sso_account_id and sso_role_name; list what you can use with: ssohelper list${profile.sessionName ? ` --sso-session ${profile.sessionName}` : ` --profile ${profile.profileName}`}`,
      { cause: err.cause },
    );
  }
  throw err;
}

async function writtenSince(path: string, since: number): Promise<boolean> {
  const stat = await fsp.stat(path).catch(() => undefined);
  return stat !== undefined && stat.mtimeMs >= since;
}
