// Fetches SSO role credentials with the session's token, looking once more for a newer token
// when the portal says the one we used is no longer valid. Runs under the role's lock (refill.ts).
import { lstatSync } from 'node:fs';
import type { SsoProfile } from '../config/profile.ts';
import { AccessDeniedError, LoginRequiredError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { type SsoApi, SsoApiError } from '../sso/call.ts';
import { endpointFor } from '../sso/clients.ts';
import { sharedBudget } from '../sso/budget.ts';
import { classify } from '../sso/errors.ts';
import { statusLine } from '../tui/progress.ts';
import { getRoleCredentials } from '../sso/portal.ts';
import type { RoleCredentials } from '../types/credentials.ts';
import { describeSession, sessionOfProfile } from '../session/ref.ts';
import { removeFile } from '../fs/files.ts';
import { loginRequired, tokenPath, usableToken } from './token.ts';
import { readToken } from '../cache/token.ts';

export async function fetchWithToken(rt: Runtime, profile: SsoProfile): Promise<RoleCredentials> {
  const session = sessionOfProfile(profile);
  const endpoint = endpointFor(rt, profile, 'sso');
  // Parallel callers for many roles share the portal's limit (sso/budget.ts).
  const budget = sharedBudget(rt, endpoint.url, 'GetRoleCredentials', (err) => classify(err).kind === 'throttled');
  const line = statusLine(rt);
  const api: SsoApi = {
    rt,
    endpoint,
    loginRequired: () =>
      loginRequired(
        session,
        `the SSO session for profile "${profile.profileName}" is no longer valid (it was revoked or has expired)`,
      ),
    pace: budget.pace,
    waiting: line.waiting,
  };
  const call = (accessToken: string) =>
    getRoleCredentials(api, accessToken, profile.accountId, profile.roleName).catch((err) => denied(err, profile));
  const token = await usableToken(rt, session);
  try {
    return await call(token.accessToken).finally(line.end);
  } catch (err) {
    if (!(err instanceof LoginRequiredError)) throw err;
    // Someone may have logged in again since we read the token: look once more.
    const reread = await readToken(tokenPath(rt, session), rt.stderr);
    if (reread && reread.accessToken !== token.accessToken && reread.expiresAt.getTime() > rt.now())
      return call(reread.accessToken);
    throw err;
  }
}

/** The portal's "no such account or role for you" becomes the user's access-denied error. */
function denied(err: unknown, profile: SsoProfile): never {
  if (err instanceof SsoApiError && (err.kind === 'forbidden' || err.kind === 'notFound')) {
    // The portal's own words only: the request's description would name the role a second time.
    const said = classify(err.cause);
    throw new AccessDeniedError(
      `no access to role ${profile.roleName} in account ${profile.accountId} (profile "${profile.profileName}"): the portal answered ${said.name}: ${said.message}`,
      `check sso_account_id and sso_role_name; list what you can use with: ssohelper list${profile.sessionName ? ` --sso-session ${profile.sessionName}` : ` --profile ${profile.profileName}`}`,
      { cause: err.cause },
    );
  }
  throw err;
}

/**
 * A logout that ran while we fetched removed the token and then the role entries it found; ours
 * may have landed after its scan. Without a token there is no session: take the entry back.
 * Called right after the entry is written, under the role's lock.
 */
export async function loggedOutMeanwhile(rt: Runtime, profile: SsoProfile, path: string): Promise<void> {
  const session = sessionOfProfile(profile);
  try {
    lstatSync(tokenPath(rt, session));
    return;
  } catch {
    // no token: logged out
  }
  await removeFile(path).catch(() => undefined);
  throw loginRequired(
    session,
    `logged out of ${describeSession(session)} while credentials for profile "${profile.profileName}" were being fetched; they were not kept`,
  );
}
