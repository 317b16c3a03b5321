// Keeps the SSO access token usable: read the shared cache, refresh it near expiry under a
// cross-process lock (refresh tokens rotate, so two concurrent refreshes would break each
// other), and fall back to the old token while it still works.
import { isRefreshable, readToken, type SsoToken, tokenCacheHash, tokenCacheKey, tokenCachePath, writeToken } from '../cache/token.ts';
import { tokenLockName, withLock } from '../cache/lock.ts';
import { LoginRequiredError, ServiceError } from '../errors.ts';
import { mask, type Runtime } from '../runtime.ts';
import { SsoApiError } from '../sso/call.ts';
import { refreshAccessToken } from '../sso/oidc.ts';
import { humanDuration } from '../util/time.ts';
import { TOKEN_REFRESH_WINDOW_MS } from './freshness.ts';
import { describeSession, loginCommands, type SessionRef } from '../session/ref.ts';

export function tokenPath(rt: Runtime, s: SessionRef): string {
  return tokenCachePath(rt.paths.ssoCacheDir, tokenCacheKey(s));
}

export function loginRequired(s: SessionRef, reason: string): LoginRequiredError {
  const { ours, aws } = loginCommands(s);
  return new LoginRequiredError(`${reason}`, `run: ${ours}   (or: ${aws})`);
}

/** A token that is valid now, refreshed first if it is close to expiry and can be. */
export async function usableToken(rt: Runtime, s: SessionRef): Promise<SsoToken> {
  const path = tokenPath(rt, s);
  const token = await readToken(path);
  if (!token) throw loginRequired(s, `no SSO login found for ${describeSession(s)}${s.profileName ? ` (profile "${s.profileName}")` : ''}`);
  const left = token.expiresAt.getTime() - rt.now();
  rt.debug(`token ${mask(token.accessToken)} from ${path}: ${humanDuration(left)} left, refreshable=${isRefreshable(token, rt.now())}`);
  if (left > TOKEN_REFRESH_WINDOW_MS) return token;
  if (isRefreshable(token, rt.now())) return refreshUnderLock(rt, s, path);
  if (left > 0) return token;
  throw loginRequired(s, `the SSO session for ${describeSession(s)} expired ${humanDuration(-left)} ago and cannot be refreshed`);
}

async function refreshUnderLock(rt: Runtime, s: SessionRef, path: string): Promise<SsoToken> {
  return withLock(rt, tokenLockName(tokenCacheHash(s)), `refreshing the SSO token for ${describeSession(s)}`, async () => {
    // Another process may have refreshed while we waited.
    const current = await readToken(path);
    if (!current) throw loginRequired(s, `the SSO login for ${describeSession(s)} was removed (logged out?)`);
    if (current.expiresAt.getTime() - rt.now() > TOKEN_REFRESH_WINDOW_MS) {
      rt.debug('token already refreshed by another process');
      return current;
    }
    if (!isRefreshable(current, rt.now())) return stillValidOr(rt, s, current, undefined);
    try {
      const issued = await refreshAccessToken(
        { rt, endpoint: { url: s.endpoints.oidc, region: s.ssoRegion } },
        { clientId: current.clientId as string, clientSecret: current.clientSecret as string },
        current.refreshToken as string,
      );
      const refreshed: SsoToken = {
        ...current,
        accessToken: issued.accessToken,
        expiresAt: new Date(rt.now() + issued.expiresInSeconds * 1000),
        refreshToken: issued.refreshToken ?? current.refreshToken,
      };
      await writeToken(path, refreshed);
      rt.debug(`token refreshed: ${mask(refreshed.accessToken)}, ${issued.expiresInSeconds}s`);
      return refreshed;
    } catch (err) {
      if (err instanceof SsoApiError && (err.kind === 'invalidGrant' || err.kind === 'invalidClient')) {
        // A program without our lock (aws, boto3) may have used the refresh token already.
        const reread = await readToken(path);
        if (reread && reread.accessToken !== current.accessToken && reread.expiresAt.getTime() > rt.now()) {
          rt.debug('refresh token was used by another program; using the token it wrote');
          return reread;
        }
        return stillValidOr(rt, s, current, loginRequired(s, `the SSO session for ${describeSession(s)} can no longer be refreshed (${err.errorName})`));
      }
      return stillValidOr(rt, s, current, err as Error);
    }
  });
}

function stillValidOr(rt: Runtime, s: SessionRef, token: SsoToken, failure: Error | undefined): SsoToken {
  const left = token.expiresAt.getTime() - rt.now();
  if (left > 0) {
    if (failure) rt.debug(`refresh failed (${failure.message}); the current token still has ${humanDuration(left)}`);
    return token;
  }
  if (failure instanceof ServiceError) throw failure;
  throw failure ?? loginRequired(s, `the SSO session for ${describeSession(s)} expired ${humanDuration(-left)} ago and cannot be refreshed`);
}
