// The console-session kind (`login_session`, from `aws login`): the SDKs' cache file holds
// short keys (about 15 minutes) and a refresh token. Keys with more than the SDKs' refresh window
// left are answered from the file alone, on the hot path; anything else goes to loginRefresh.ts,
// which loads node:crypto for the DPoP proof.
import { fullProgram } from '../util/load.ts';
import { loginSessionPath, readLoginSession } from '../cache/login.ts';
import type { Runtime } from '../runtime.ts';
import { isoString } from '../util/time.ts';
import type { CredentialOptions } from './freshness.ts';
import type { AwsCredentials } from '../types/credentials.ts';
import { type LoginPlan, usableLoginKeys } from './loginWindow.ts';

export type { LoginPlan };

export async function loginCredentials(
  rt: Runtime,
  plan: LoginPlan,
  options: CredentialOptions,
): Promise<AwsCredentials> {
  const path = loginSessionPath(rt, plan.login.sessionName);
  if (!options.refresh) {
    const session = await readLoginSession(rt, path);
    if (session && usableLoginKeys(session, rt.now(), options)) {
      rt.debug(`console session ${path}: keys expire ${isoString(session.credentials.expiration)}`);
      return session.credentials;
    }
  }
  const { refreshLogin } = await fullProgram(() => import('./loginRefresh.ts'));
  return refreshLogin(rt, plan, path, options);
}
