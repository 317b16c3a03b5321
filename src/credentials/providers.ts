// Credentials for a resolved profile, by kind. The cached kinds (SSO, assumed role) share the
// locked cache path; a role chain is a provider wrapping its source's provider, so every hop
// gets the same single-flight guarantee. A cached answer needs nothing beyond this file's static
// imports (the hot bundle); fetching, running a process or reading the environment loads more.
import type { CredentialPlan } from '../config/credentialProfile.ts';
import type { Runtime } from '../runtime.ts';
import { assumeRoleSlot } from './assumeRole.ts';
import { cachedCredentials } from './cached.ts';
import type { CredentialOptions } from './freshness.ts';
import { loginCredentials } from './login.ts';
import { ssoSlot } from './roleCredentials.ts';
import type { AwsCredentials } from '../types/credentials.ts';
import { fullProgram } from '../util/load.ts';

export async function credentialsOf(
  rt: Runtime,
  plan: CredentialPlan,
  options: CredentialOptions,
): Promise<AwsCredentials> {
  switch (plan.kind) {
    case 'sso':
      return cachedCredentials(rt, ssoSlot(rt, plan.sso), options);
    case 'assumeRole':
    case 'webIdentity':
      return cachedCredentials(rt, assumeRoleSlot(rt, plan, credentialsOf), options);
    case 'static':
      return {
        accessKeyId: plan.accessKeyId,
        secretAccessKey: plan.secretAccessKey,
        sessionToken: plan.sessionToken,
        expiration: undefined,
      };
    case 'process': {
      const { processCredentials } = await fullProgram(() => import('./process.ts'));
      return processCredentials(rt, plan.profileName, plan.command);
    }
    case 'login':
      return loginCredentials(rt, plan, options);
    case 'source': {
      const { sourceCredentials } = await fullProgram(() => import('./source.ts'));
      return sourceCredentials(rt, plan.profileName, plan.source);
    }
  }
}
