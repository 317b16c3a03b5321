// get/env/export-credentials --login: the session is gone, so log in (or wait for the process
// that already is) and let the caller fetch again. Inside credential_process nothing is read
// from stdin and nothing but the credentials reaches stdout; the login talks on stderr (and on
// the terminal, which the calling tool may be hiding stderr from).
import type { SsoProfile } from '../config/profile.ts';
import { sessionOfProfile } from '../session/ref.ts';
import type { Runtime } from '../runtime.ts';
import { loginOnce } from './login.ts';

export async function loginForCredentials(rt: Runtime, profile: SsoProfile, since: number): Promise<void> {
  const done = await loginOnce(rt, sessionOfProfile(profile), { useDeviceCode: false, noBrowser: false, onDemand: true }, since);
  if (!done) rt.debug('gave up waiting for the other login; reading the token again');
}
