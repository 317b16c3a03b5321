// Keeps the SSO access token usable: read the shared cache, refresh it near expiry under a
// cross-process lock (refresh tokens rotate, so two concurrent refreshes would break each
// other), and fall back to the old token while it still works.
import {
  isRefreshable,
  readToken,
  type SsoToken,
  tokenCacheHash,
  tokenCacheKey,
  tokenCachePath,
  writeToken,
} from '../cache/token.ts';
import { tokenLockName, withLock } from '../cache/lock.ts';
import { LockTimeoutError, LoginRequiredError, ServiceError, SsoHelperError } from '../errors.ts';
import { mask, type Runtime } from '../runtime.ts';
import { SsoApiError } from '../sso/call.ts';
import { endpointFor } from '../sso/clients.ts';
import type { IssuedToken, refreshAccessToken } from '../sso/oidc.ts';
import { clearRefreshFailure, inRefreshCooldown, noteLostRefresh, noteRefreshFailure } from '../cache/refreshState.ts';
import { humanDuration } from '../util/time.ts';
import { TOKEN_REFRESH_WINDOW_MS } from './freshness.ts';
import { describeSession, loginCommands, type SessionRef } from '../session/ref.ts';
import { fullProgram } from '../util/load.ts';

/** How long a refresh may take while the current token still works: nobody should wait longer. */
const STILL_VALID_REFRESH_MS = 5_000;

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
  const token = await readToken(path, rt.stderr);
  if (!token)
    throw loginRequired(
      s,
      `no SSO login found for ${describeSession(s)}${s.profileName ? ` (profile "${s.profileName}")` : ''}`,
    );
  const left = token.expiresAt.getTime() - rt.now();
  rt.debug(
    `token ${mask(token.accessToken)} from ${path}: ${humanDuration(left)} left, refreshable=${isRefreshable(token, rt.now())}`,
  );
  if (left > TOKEN_REFRESH_WINDOW_MS) return token;
  if (isRefreshable(token, rt.now())) {
    if (left > 0 && (await inRefreshCooldown(rt.paths.stateDir, tokenCacheHash(s), rt.now()))) {
      rt.debug('a refresh failed moments ago; using the current token until it is due again');
      return token;
    }
    return refreshUnderLock(rt, s, path, left > 0 ? token : undefined);
  }
  if (left > 0) return token;
  throw loginRequired(
    s,
    `the SSO session for ${describeSession(s)} expired ${humanDuration(-left)} ago and cannot be refreshed`,
  );
}

/**
 * `stillValid` is the token as read when it has not expired yet: then nobody waits for the lock
 * (another process is already refreshing; the old token serves meanwhile), and a failure costs
 * one attempt instead of the retry budget.
 */
async function refreshUnderLock(
  rt: Runtime,
  s: SessionRef,
  path: string,
  stillValid: SsoToken | undefined,
): Promise<SsoToken> {
  const what = `refreshing the SSO token for ${describeSession(s)}`;
  // Loaded before the lock and outside every catch below: in the hot entry this import is where
  // the run hands over to the full program (src/boot/handover.ts), which must happen before
  // anything is locked, asked or noted, and must not pass for a failed refresh.
  const { refreshAccessToken: refresh } = await fullProgram(() => import('../sso/oidc.ts'));
  try {
    return await withLock(
      rt,
      tokenLockName(tokenCacheHash(s)),
      what,
      () => refreshLocked(rt, s, path, refresh),
      stillValid ? 0 : undefined,
    );
  } catch (err) {
    if (!(stillValid && err instanceof LockTimeoutError)) throw err;
    rt.debug('another process is refreshing the token; using the current one');
    return stillValid;
  }
}

async function refreshLocked(
  rt: Runtime,
  s: SessionRef,
  path: string,
  refresh: typeof refreshAccessToken,
): Promise<SsoToken> {
  // Another process may have refreshed while we waited.
  const current = await readToken(path, rt.stderr);
  if (!current) throw loginRequired(s, `the SSO login for ${describeSession(s)} was removed (logged out?)`);
  const left = current.expiresAt.getTime() - rt.now();
  if (left > TOKEN_REFRESH_WINDOW_MS) {
    rt.debug('token already refreshed by another process');
    return current;
  }
  if (!isRefreshable(current, rt.now())) return stillValidOr(rt, s, current, undefined);
  const hash = tokenCacheHash(s);
  // The holder before us may have failed just now: its failure stands for us too.
  if (left > 0 && (await inRefreshCooldown(rt.paths.stateDir, hash, rt.now()))) return current;
  let issued: IssuedToken;
  try {
    issued = await refresh(
      {
        rt,
        endpoint: endpointFor(rt, s, 'oidc'),
        ...(left > 0 ? { budgetMs: 0, attemptTimeoutMs: STILL_VALID_REFRESH_MS } : {}),
      },
      { clientId: current.clientId as string, clientSecret: current.clientSecret as string },
      current.refreshToken as string,
    );
  } catch (err) {
    if (err instanceof SsoApiError && (err.kind === 'invalidGrant' || err.kind === 'invalidClient')) {
      // A program without our lock (aws, boto3) may have used the refresh token already.
      const reread = await readToken(path, rt.stderr);
      if (reread && reread.accessToken !== current.accessToken && reread.expiresAt.getTime() > rt.now()) {
        rt.debug('refresh token was used by another program; using the token it wrote');
        return reread;
      }
      return stillValidOr(
        rt,
        s,
        current,
        loginRequired(s, `the SSO session for ${describeSession(s)} can no longer be refreshed (${err.errorName})`),
      );
    }
    if (left > 0) await noteRefreshFailure(rt.paths.stateDir, hash, (err as Error).message);
    return stillValidOr(rt, s, current, err as Error);
  }
  const refreshed: SsoToken = {
    ...current,
    accessToken: issued.accessToken,
    expiresAt: new Date(rt.now() + issued.expiresInSeconds * 1000),
    refreshToken: issued.refreshToken ?? current.refreshToken,
  };
  rt.debug(`token refreshed: ${mask(refreshed.accessToken)}, ${issued.expiresInSeconds}s`);
  await clearRefreshFailure(rt.paths.stateDir, hash);
  try {
    await writeToken(path, refreshed);
  } catch (err) {
    await notSaved(rt, s, current, err);
  }
  return refreshed;
}

/**
 * The service has rotated the refresh token, so the one on disk is now dead: say so (this call
 * still uses the new token), and note it so `status` stops promising the session renews itself.
 */
async function notSaved(rt: Runtime, s: SessionRef, old: SsoToken, err: unknown): Promise<void> {
  const noted = old.refreshToken
    ? await noteLostRefresh(rt.paths.stateDir, tokenCacheHash(s), old.refreshToken)
    : false;
  const reason = err instanceof SsoHelperError ? err.message : String(err);
  const { ours } = loginCommands(s);
  rt.stderr(
    `ssohelper: warning: the refreshed SSO token could not be saved (${reason}); this call uses it, but ${describeSession(s)} will need a new login (${ours}) once the saved token expires${noted ? '' : ' (could not note this for `ssohelper status` either)'}\n`,
  );
}

function stillValidOr(rt: Runtime, s: SessionRef, token: SsoToken, failure: Error | undefined): SsoToken {
  const left = token.expiresAt.getTime() - rt.now();
  if (left > 0) {
    if (failure) rt.debug(`refresh failed (${failure.message}); the current token still has ${humanDuration(left)}`);
    return token;
  }
  if (failure instanceof ServiceError) throw failure;
  throw (
    failure ??
    loginRequired(
      s,
      `the SSO session for ${describeSession(s)} expired ${humanDuration(-left)} ago and cannot be refreshed`,
    )
  );
}
