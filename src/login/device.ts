// The device authorization flow (RFC 8628): show a URL and a code, let the user approve on any
// device, and poll CreateToken at the pace the service sets.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Registration } from '../cache/registration.ts';
import { AccessDeniedError, InterruptedError, LoginRequiredError } from '../errors.ts';
import { SsoApiError } from '../sso/call.ts';
import { endpointFor } from '../sso/clients.ts';
import {
  createTokenWithDeviceCode,
  type DeviceAuthorization,
  type IssuedToken,
  startDeviceAuthorization,
} from '../sso/oidc.ts';
import { humanDuration } from '../util/time.ts';
import type { FlowContext } from './flow.ts';
import { clientRegistration } from './register.ts';

/** RFC 8628 §3.5: the default interval, and how much slower to go after slow_down. */
const DEFAULT_INTERVAL_S = 5;
const SLOW_DOWN_STEP_S = 5;

export async function deviceLogin(ctx: FlowContext): Promise<{ issued: IssuedToken; registration: Registration }> {
  const { rt, s, ui } = ctx;
  const api = { rt, endpoint: endpointFor(rt, s, 'oidc') };
  let registration = await clientRegistration(rt, s, 'device');
  let auth: DeviceAuthorization;
  try {
    auth = await startDeviceAuthorization(api, registration, s.startUrl);
  } catch (err) {
    // A registration revoked or rejected by the service: register once more, then give up.
    if (!(err instanceof SsoApiError && err.kind === 'invalidClient')) throw err;
    rt.debug(`cached client registration rejected (${err.errorName}); registering anew`);
    registration = await clientRegistration(rt, s, 'device', true);
    auth = await startDeviceAuthorization(api, registration, s.startUrl);
  }
  const deadline = rt.now() + auth.expiresInSeconds * 1000;
  ui.say(
    `\nTo sign in, open this URL in a browser on any device:\n\n  ${auth.verificationUriComplete}\n\n` +
      `and check that the page shows the code: ${auth.userCode}\n` +
      `(or open ${auth.verificationUri} and enter the code there; it is valid for ${humanDuration(auth.expiresInSeconds * 1000)})\n\n`,
  );
  if (ctx.openBrowser) ctx.open(auth.verificationUriComplete);

  let intervalS = auth.intervalSeconds ?? DEFAULT_INTERVAL_S;
  const stop = ui.waiting('Waiting for the sign-in to be approved');
  try {
    for (;;) {
      await sleep(intervalS * 1000, undefined, { signal: rt.signal }).catch(() => {
        throw new InterruptedError('login interrupted; nothing was saved', rt.signal.reason);
      });
      if (rt.now() >= deadline) throw expired(s.sessionName);
      try {
        const issued = await createTokenWithDeviceCode(api, registration, auth.deviceCode);
        return { issued, registration };
      } catch (err) {
        if (!(err instanceof SsoApiError)) throw err;
        if (err.kind === 'pending') continue;
        if (err.kind === 'slowDown') {
          intervalS += SLOW_DOWN_STEP_S;
          rt.debug(`asked to slow down; polling every ${intervalS}s`);
          continue;
        }
        if (err.kind === 'expired') throw expired(s.sessionName);
        if (err.kind === 'denied') {
          throw new AccessDeniedError(
            'the sign-in request was denied in the browser; nothing was saved',
            'run the login again and choose Allow',
          );
        }
        throw err;
      }
    }
  } finally {
    stop();
  }
}

function expired(sessionName: string | undefined): LoginRequiredError {
  return new LoginRequiredError(
    'the sign-in code expired before it was approved; nothing was saved',
    `run the login again${sessionName ? ` (ssohelper login --sso-session ${sessionName})` : ''} and approve it within the time shown`,
  );
}
