// A login from start to finish: choose the flow, run it, and write the token where the AWS CLI,
// botocore and the SDKs look for it. Also the single-flight wrapper that makes many processes
// needing a login at once produce one.
import { promises as fsp } from 'node:fs';
import { lockPath, loginLockName, tokenLockName, withLock } from '../cache/lock.ts';
import { readToken, type SsoToken, tokenCacheHash, writeToken } from '../cache/token.ts';
import { describeSession, type SessionRef } from '../session/ref.ts';
import { tokenPath } from '../credentials/token.ts';
import { LockTimeoutError } from '../errors.ts';
import { mask, type Runtime } from '../runtime.ts';
import { humanDuration } from '../util/time.ts';
import { authCodeLogin, PKCE_WAIT_LIMIT_MS } from './authCode.ts';
import { browserCommands, openBrowser } from './browser.ts';
import { deviceLogin } from './device.ts';
import type { FlowContext } from './flow.ts';
import { planLogin } from './plan.ts';
import { loginUi } from './ui.ts';
import { forgetListing } from '../cache/listing.ts';

export interface LoginOptions {
  useDeviceCode: boolean;
  noBrowser: boolean;
  /** Started by get/env/export-credentials --login rather than by `ssohelper login`. */
  onDemand: boolean;
}

/**
 * How long a process waits for another one's login: the longest a login can take (the PKCE
 * limit; device codes from AWS last as long) plus time for registering and writing.
 */
export const LOGIN_WAIT_LIMIT_MS = PKCE_WAIT_LIMIT_MS + 60_000;

export async function performLogin(rt: Runtime, s: SessionRef, options: LoginOptions): Promise<SsoToken> {
  const os = rt.platform;
  const plan = planLogin(
    { legacy: !s.sessionName, useDeviceCode: options.useDeviceCode, noBrowser: options.noBrowser },
    { platform: os, env: rt.env },
  );
  rt.debug(
    `login to ${describeSession(s)}: ${plan.flow} flow, ${plan.openBrowser ? 'opening a browser' : 'printing the URL only'}`,
  );
  const ui = loginUi(rt, { mirrorToTerminal: options.onDemand, platform: os });
  try {
    if (options.onDemand)
      ui.say(
        `ssohelper: the SSO session for ${describeSession(s)} needs a new login${s.profileName ? ` (profile "${s.profileName}")` : ''}\n`,
      );
    for (const note of plan.notes) ui.say(`ssohelper: ${note}\n`);
    const ctx: FlowContext = {
      rt,
      s,
      ui,
      openBrowser: plan.openBrowser,
      open(url) {
        void openBrowser(rt, browserCommands(url, { platform: os, env: rt.env })).then((used) => {
          if (used) rt.debug(`browser opened with ${used}`);
          else ui.say('ssohelper: could not open a browser; open the URL above yourself\n');
        });
      },
    };
    const { issued, registration } = plan.flow === 'pkce' ? await authCodeLogin(ctx) : await deviceLogin(ctx);
    const token: SsoToken = {
      startUrl: s.startUrl,
      region: s.ssoRegion,
      accessToken: issued.accessToken,
      expiresAt: new Date(rt.now() + issued.expiresInSeconds * 1000),
      clientId: registration.clientId,
      clientSecret: registration.clientSecret,
      registrationExpiresAt: registration.expiresAt,
      refreshToken: issued.refreshToken,
      extra: {},
    };
    const path = tokenPath(rt, s);
    // Under the refresh lock, so a refresh of the old token cannot land on top of the new one.
    await withLock(rt, tokenLockName(tokenCacheHash(s)), `saving the SSO token for ${describeSession(s)}`, () =>
      writeToken(path, token),
    );
    rt.debug(`token ${mask(token.accessToken)} written to ${path}`);
    // The new login may come with other roles: the next `list --remote` asks the portal.
    await forgetListing(rt, tokenCacheHash(s));
    ui.say(
      `ssohelper: logged in to ${s.startUrl}${s.sessionName ? ` (sso-session ${s.sessionName})` : ''}; ` +
        `the token is valid for ${humanDuration(issued.expiresInSeconds * 1000)}` +
        `${token.refreshToken ? ' and is renewed automatically' : ', then a new login is needed'}\n`,
    );
    return token;
  } finally {
    ui.close();
  }
}

/**
 * Runs a login unless another process finished one while we waited: many processes needing a
 * login at once (Terraform starting 50 providers) queue on one lock; the first logs in, the
 * rest find a token written after `since` and use it. Returns false when the wait outlasted a
 * login's own limit (the caller then just reads the token again).
 */
export async function loginOnce(rt: Runtime, s: SessionRef, options: LoginOptions, since: number): Promise<boolean> {
  const name = loginLockName(tokenCacheHash(s));
  const held = await fsp.stat(`${lockPath(rt, name)}.lock`).then(
    () => true,
    () => false,
  );
  if (held)
    rt.stderr(
      `ssohelper: another ssohelper process is logging in to ${describeSession(s)}; waiting for it (up to ${humanDuration(LOGIN_WAIT_LIMIT_MS)})\n`,
    );
  try {
    await withLock(
      rt,
      name,
      `logging in to ${describeSession(s)}`,
      async () => {
        // An explicit `ssohelper login` is skipped only when it queued behind another login, not
        // because a background refresh happened to rewrite the token a moment ago.
        if ((options.onDemand || held) && (await freshSince(rt, s, since))) {
          rt.debug('another process logged in while we waited');
          if (held && !options.onDemand) rt.stderr(`ssohelper: logged in by the other process; nothing more to do\n`);
          return;
        }
        await performLogin(rt, s, options);
      },
      LOGIN_WAIT_LIMIT_MS,
    );
    return true;
  } catch (err) {
    if (err instanceof LockTimeoutError) return false;
    throw err;
  }
}

/** A valid token written at or after `since` (file times are the writers' clock, like ours). */
async function freshSince(rt: Runtime, s: SessionRef, since: number): Promise<boolean> {
  const path = tokenPath(rt, s);
  const stat = await fsp.stat(path).catch(() => undefined);
  if (!stat || stat.mtimeMs < since) return false;
  const token = await readToken(path, rt.stderr);
  return token !== undefined && token.expiresAt.getTime() > rt.now();
}
