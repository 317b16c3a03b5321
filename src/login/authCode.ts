// The authorization code flow with PKCE: the browser on this machine signs in and is redirected
// to our loopback listener with a code, which only our verifier can redeem.
import type { Registration } from '../cache/registration.ts';
import { AccessDeniedError, LoginRequiredError } from '../errors.ts';
import { SsoApiError } from '../sso/call.ts';
import { endpointFor } from '../sso/clients.ts';
import { createTokenWithAuthorizationCode, type IssuedToken } from '../sso/oidc.ts';
import type { FlowContext } from './flow.ts';
import { startCallbackListener } from './loopback.ts';
import { authorizeUrl, codeChallenge, newCodeVerifier, newState, redirectUriFor, requestedScopes } from './pkce.ts';
import { clientRegistration } from './register.ts';

/** The AWS CLI's limit on waiting for the browser, and ours. */
export const PKCE_WAIT_LIMIT_MS = 10 * 60_000;

export async function authCodeLogin(ctx: FlowContext): Promise<{ issued: IssuedToken; registration: Registration }> {
  const { rt, s, ui } = ctx;
  const state = newState();
  const listener = await startCallbackListener(state);
  try {
    const registration = await clientRegistration(rt, s, 'pkce');
    const verifier = newCodeVerifier();
    const redirectUri = redirectUriFor(listener.port);
    const url = authorizeUrl({
      oidcEndpoint: s.endpoints.oidc,
      clientId: registration.clientId,
      redirectUri,
      state,
      scopes: requestedScopes(s.registrationScopes),
      codeChallenge: codeChallenge(verifier),
    });
    const device = s.sessionName
      ? `ssohelper login --sso-session ${s.sessionName} --use-device-code`
      : 'ssohelper login --use-device-code';
    ui.say(
      ctx.openBrowser
        ? `\nOpening your browser to sign in to ${s.startUrl}. If it does not open, open this URL in a browser on this computer:\n\n  ${url}\n\n`
        : `\nTo sign in to ${s.startUrl}, open this URL in a browser on this computer:\n\n  ${url}\n\n`,
    );
    ui.say(`(To sign in from another device instead, run: ${device})\n\n`);
    if (ctx.openBrowser) ctx.open(url);
    const stop = ui.waiting('Waiting for the browser sign-in');
    let outcome: Awaited<ReturnType<typeof listener.result>>;
    try {
      outcome = await listener.result(rt.signal, PKCE_WAIT_LIMIT_MS);
    } finally {
      stop();
    }
    if (outcome.kind === 'wrongState') {
      throw new LoginRequiredError(
        'the browser came back with an answer that does not belong to this login (state mismatch); nothing was saved',
        'run the login again and finish it in the tab it opens; close older sign-in tabs',
      );
    }
    if (outcome.kind === 'error') {
      const detail = outcome.description ? `${outcome.error}: ${outcome.description}` : outcome.error;
      if (outcome.error === 'access_denied') {
        throw new AccessDeniedError(
          `the sign-in was denied in the browser (${detail}); nothing was saved`,
          'run the login again and choose Allow',
        );
      }
      throw new LoginRequiredError(
        `the browser sign-in failed (${detail}); nothing was saved`,
        `run the login again, or sign in with: ${device}`,
      );
    }
    const code = outcome.code;
    const api = { rt, endpoint: endpointFor(rt, s, 'oidc') };
    try {
      const issued = await createTokenWithAuthorizationCode(api, registration, {
        code,
        codeVerifier: verifier,
        redirectUri,
      });
      return { issued, registration };
    } catch (err) {
      if (
        err instanceof SsoApiError &&
        (err.kind === 'invalidGrant' || err.kind === 'expired' || err.kind === 'invalidClient')
      ) {
        throw new LoginRequiredError(
          `IAM Identity Center did not accept the sign-in (${err.message}); nothing was saved`,
          'run the login again',
          { cause: err.cause },
        );
      }
      throw err;
    }
  } finally {
    listener.close();
  }
}
