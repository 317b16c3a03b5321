// The assume-role kind: a provider wrapping its source's provider. The source's credentials
// (themselves cached and locked when they are SSO or another role) sign one STS AssumeRole,
// with an MFA code when the profile names a device, whose answer goes into the AWS CLI's
// assume-role cache. Web identity shares the cache: its token file replaces the source.
import { join } from 'node:path';
import {
  type AssumedRole,
  assumeRoleCacheKey,
  readAssumedRole,
  roleCacheArgs,
  sessionName,
  writeAssumedRole,
} from '../cache/assumeRole.ts';
import { type CredentialPlan, sectionName } from '../config/credentialProfile.ts';
import { AccessDeniedError, ConfigError, ServiceError } from '../errors.ts';
import { mask, type Runtime } from '../runtime.ts';
import type { SsoApiError } from '../sso/call.ts';
import { type CredentialOptions, DEFAULT_MIN_TTL_MS } from './freshness.ts';
import type { CacheSlot } from './model.ts';
import type { AwsCredentials } from '../types/credentials.ts';
import { fullProgram } from '../util/load.ts';

type AssumeRolePlan = Extract<CredentialPlan, { kind: 'assumeRole' }>;
type RolePlan = Extract<CredentialPlan, { kind: 'assumeRole' | 'webIdentity' }>;
type Resolve = (rt: Runtime, plan: CredentialPlan, options: CredentialOptions) => Promise<AwsCredentials>;

export function assumeRoleSlot(rt: Runtime, plan: RolePlan, resolve: Resolve): CacheSlot<AssumedRole> {
  const key = assumeRoleCacheKey(roleCacheArgs(plan));
  return {
    path: join(rt.paths.roleCacheDir, `${key}.json`),
    cacheKey: key,
    what: `assuming ${plan.role.roleArn}${plan.kind === 'webIdentity' ? ' with a web identity' : ''}`,
    profileName: plan.profileName,
    tooShortHint: `lower --min-ttl, or raise duration_seconds in [${sectionName(plan.profileName)}] (up to the role's maximum session duration)`,
    read: (path) => readAssumedRole(path, rt.stderr),
    write: writeAssumedRole,
    fetchNew: async () =>
      plan.kind === 'webIdentity'
        ? (await fullProgram(() => import('./webIdentity.ts'))).fetchWithWebIdentity(rt, plan)
        : fetchAssumedRole(rt, plan, resolve),
  };
}

// STS's answers when the signing credentials are no good (expired, revoked, unknown, wrong secret).
const REJECTED = new Set(['ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'SignatureDoesNotMatch']);

async function fetchAssumedRole(rt: Runtime, plan: AssumeRolePlan, resolve: Resolve): Promise<AssumedRole> {
  const { assumeRole } = await fullProgram(() => import('../sso/sts.ts'));
  const { ssoCall, SsoApiError } = await fullProgram(() => import('../sso/call.ts'));
  const { networkOf } = await fullProgram(() => import('../net/client.ts'));
  const endpoint = {
    url: plan.role.sts.url,
    region: plan.role.sts.region,
    network: networkOf(rt, plan.role.sts.network),
    service: 'sts' as const,
  };
  const target = `${plan.role.roleArn} (profile "${plan.profileName}")`;
  let source = await resolve(rt, plan.source, { minTtlMs: DEFAULT_MIN_TTL_MS, refresh: false });
  // Asked for once the source credentials are at hand, so a source that needs a login costs no code.
  const mfa = plan.role.mfa;
  const tokenCode = mfa
    ? await (await fullProgram(() => import('./mfa.ts'))).mfaCode(rt, plan.profileName, mfa)
    : undefined;
  const args = { ...roleCacheArgs(plan), roleSessionName: sessionName(plan.role, rt.now()), tokenCode };
  const call = (source: AwsCredentials) => {
    rt.debug(
      `AssumeRole ${plan.role.roleArn} at ${plan.role.sts.url} (${plan.role.sts.region}) with ${mask(source.accessKeyId)}`,
    );
    return ssoCall({ rt, endpoint }, `AssumeRole ${target}`, () => assumeRole(endpoint, source, args));
  };
  for (let refetched = false; ; refetched = true) {
    try {
      return await call(source);
    } catch (err) {
      if (!(err instanceof SsoApiError)) throw err;
      const rejected = REJECTED.has(err.errorName);
      // Cached source credentials may have been revoked or cut short: fetch them once more.
      if (rejected && !refetched && (plan.source.kind === 'sso' || plan.source.kind === 'assumeRole')) {
        rt.debug(`source credentials rejected (${err.errorName}); fetching them again`);
        source = await resolve(rt, plan.source, { minTtlMs: DEFAULT_MIN_TTL_MS, refresh: true });
        continue;
      }
      throw explain(err, plan, target, rejected);
    }
  }
}

/** STS's refusals as the user's errors; anything else stays the service error ssoCall made. */
function explain(err: SsoApiError, plan: AssumeRolePlan, target: string, rejected: boolean): Error {
  const who = describeSource(plan.source);
  const detail = (err.cause as { message?: string } | undefined)?.message ?? err.message;
  const mfa = plan.role.mfa;
  if (mfa && err.kind === 'denied' && /MultiFactorAuthentication/.test(detail)) {
    // Not retried: a code is good once, and asking again would surprise a herd of waiting callers.
    return new AccessDeniedError(
      `STS refused the MFA code for ${mfa.serial} while assuming ${target}: ${detail}`,
      mfa.process
        ? `check that mfa_process prints the current code of ${mfa.serial}`
        : `run the command again and type the code ${mfa.serial} shows now; check mfa_serial in [${sectionName(plan.profileName)}]`,
      { cause: err.cause },
    );
  }
  if (!rejected && (err.kind === 'denied' || err.kind === 'forbidden')) {
    return new AccessDeniedError(
      `not allowed to assume ${target} as ${who}: ${detail}`,
      `the role's trust policy must allow that identity${plan.role.externalId ? ' with this external_id' : ''}; check role_arn${plan.role.externalId ? ' and external_id' : ''} in [${sectionName(plan.profileName)}]`,
      { cause: err.cause },
    );
  }
  if (rejected) {
    const fix =
      plan.source.kind === 'static'
        ? `check the keys in ${plan.source.file}`
        : `check the credentials of profile "${plan.source.profileName}"`;
    return new ConfigError(
      `STS rejected the credentials of ${who} while assuming ${target}: ${err.errorName}: ${detail}`,
      fix,
      { cause: err.cause },
    );
  }
  if (err.errorName === 'ValidationError') {
    return new ConfigError(
      `STS refused to assume ${target}: ${detail}`,
      `check duration_seconds, role_session_name and external_id in [${sectionName(plan.profileName)}]`,
      { cause: err.cause },
    );
  }
  if (err.errorName === 'RegionDisabledException') {
    return new ServiceError(
      `STS is not activated in region ${plan.role.sts.region} for ${target}: ${detail}`,
      'activate it in the IAM account settings, or set region (or AWS_REGION) to a region where it is',
      { cause: err.cause },
    );
  }
  return err;
}

/** The identity that signs the AssumeRole call, as a person would recognise it. */
export function describeSource(source: CredentialPlan): string {
  switch (source.kind) {
    case 'sso':
      return `SSO role ${source.sso.roleName} in account ${source.sso.accountId} (profile "${source.profileName}")`;
    case 'assumeRole':
    case 'webIdentity':
      return `role ${source.role.roleArn} (profile "${source.profileName}")`;
    case 'static':
      return `the keys of profile "${source.profileName}" (${source.file})`;
    case 'process':
      return `the credential_process of profile "${source.profileName}"`;
    case 'login':
      return `the console session ${source.login.sessionName} (profile "${source.profileName}")`;
    case 'source':
      return `credential_source ${source.source} (profile "${source.profileName}")`;
  }
}
