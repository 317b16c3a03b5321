// get/env/export-credentials --login: the session is gone, so log in (or wait for the process
// that already is) and let the caller fetch again. Inside credential_process nothing is read
// from stdin and nothing but the credentials reaches stdout; the login talks on stderr (and on
// the terminal, which the calling tool may be hiding stderr from).
import type { SsoProfile } from '../config/profile.ts';
import { LoginRequiredError } from '../errors.ts';
import { type SessionRef, sessionOfProfile } from '../session/ref.ts';
import type { Runtime } from '../runtime.ts';
import { loginOnce } from './login.ts';

export async function loginForCredentials(rt: Runtime, profile: SsoProfile, since: number): Promise<void> {
  const done = await loginOnce(
    rt,
    sessionOfProfile(profile),
    { useDeviceCode: false, noBrowser: false, onDemand: true },
    since,
  );
  if (!done) rt.debug('gave up waiting for the other login; reading the token again');
}

/**
 * Runs `work` (a portal listing); when it finds the session logged out, logs in first with
 * `login` (list/sync --login) or says that --login would have, then runs it again.
 */
export async function withSessionLogin<T>(
  rt: Runtime,
  session: SessionRef,
  login: boolean,
  command: string,
  work: () => Promise<T>,
): Promise<T> {
  const started = rt.now();
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof LoginRequiredError)) throw err;
    if (!login)
      throw new LoginRequiredError(
        err.message,
        `${err.hint ? `${err.hint}\n  ` : ''}or run: ssohelper ${command} --login (logs in first)`,
      );
    rt.debug(`login on demand: ${err.message}`);
    if (!(await loginOnce(rt, session, { useDeviceCode: false, noBrowser: false, onDemand: true }, started)))
      rt.debug('gave up waiting for the other login; trying anyway');
    return work();
  }
}
