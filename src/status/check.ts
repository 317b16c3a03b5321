// `status --check` on the wire: the cache can tell that a token has time left, only the portal
// can tell that it still works (an administrator may have revoked it, or IAM Identity Center
// ended the session when its duration ran out).
import { loginRequired, usableToken } from '../credentials/token.ts';
import { LoginRequiredError, oneLine } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { describeSession, type SessionRef } from '../session/ref.ts';
import { endpointFor } from '../sso/clients.ts';
import { listAccounts } from '../sso/portal.ts';

/** One attempt, cut short: a check that hangs is worse than one that says "unknown". */
const CHECK_TIMEOUT_MS = 5_000;

/**
 * The login error when the portal refuses the session, undefined when it answers; when it
 * cannot be reached, a warning and undefined (the cache's verdict stands).
 */
export async function portalRefusal(rt: Runtime, ref: SessionRef): Promise<LoginRequiredError | undefined> {
  try {
    const token = await usableToken(rt, ref);
    const api = {
      rt,
      endpoint: endpointFor(rt, ref, 'sso'),
      budgetMs: 0,
      attemptTimeoutMs: CHECK_TIMEOUT_MS,
      loginRequired: () =>
        loginRequired(
          ref,
          `the SSO session for ${describeSession(ref)} is no longer valid (it was revoked or has ended)`,
        ),
    };
    await listAccounts(api, token.accessToken);
    return undefined;
  } catch (err) {
    if (err instanceof LoginRequiredError) return err;
    rt.stderr(
      `ssohelper: warning: could not ask the portal about ${describeSession(ref)} (${oneLine(err instanceof Error ? err.message : String(err))}); going by the cache\n`,
    );
    return undefined;
  }
}
