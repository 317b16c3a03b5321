// Web identity (CI runners, EKS service accounts): the token file, read again on every fetch
// because its owner rotates it, goes to STS AssumeRoleWithWebIdentity, unsigned; the answer is
// cached like an assumed role's (credentials/assumeRole.ts builds the slot).
import { lazy } from '../util/load.ts';
import { type AssumedRole, sessionName } from '../cache/assumeRole.ts';
import { type CredentialPlan, sectionName } from '../config/credentialProfile.ts';
import { AccessDeniedError, ConfigError } from '../errors.ts';
import { readTextFile } from '../fs/files.ts';
import type { Runtime } from '../runtime.ts';

type WebIdentityPlan = Extract<CredentialPlan, { kind: 'webIdentity' }>;

// STS takes tokens up to 20,000 characters; the file may end in a newline.
const MAX_TOKEN_BYTES = 20_002;

/** The token as STS wants it, or a configuration error naming the file. */
export async function readWebIdentityToken(path: string, profileName: string): Promise<string> {
  const what = `the web identity token file of profile "${profileName}"`;
  const hint =
    'check web_identity_token_file (or AWS_WEB_IDENTITY_TOKEN_FILE); whatever issues the token (the CI runner, the EKS pod identity) writes it there';
  let text: string | undefined;
  try {
    text = await readTextFile(path, what, { maxBytes: MAX_TOKEN_BYTES, strictUtf8: true });
  } catch (err) {
    throw new ConfigError((err as Error).message, hint, { cause: err });
  }
  if (text === undefined) throw new ConfigError(`${what}, ${path}, does not exist`, hint);
  const token = text.trim();
  if (token === '') throw new ConfigError(`${what}, ${path}, is empty`, hint);
  // A JWT is printable ASCII without spaces; anything else would only be refused by STS.
  if (!/^[!-~]+$/.test(token))
    throw new ConfigError(
      `${what}, ${path}, holds more than one token (spaces, control or non-ASCII characters)`,
      hint,
    );
  return token;
}

export async function fetchWithWebIdentity(rt: Runtime, plan: WebIdentityPlan): Promise<AssumedRole> {
  const webIdentityToken = await readWebIdentityToken(plan.tokenFile, plan.profileName);
  const { assumeRoleWithWebIdentity } = await lazy(() => import('../sso/sts.ts'));
  const { ssoCall, SsoApiError } = await lazy(() => import('../sso/call.ts'));
  const { networkOf } = await lazy(() => import('../net/client.ts'));
  const endpoint = {
    url: plan.role.sts.url,
    region: plan.role.sts.region,
    network: networkOf(rt, plan.role.sts.network),
    service: 'sts' as const,
  };
  const target = `${plan.role.roleArn} (profile "${plan.profileName}")`;
  rt.debug(
    `AssumeRoleWithWebIdentity ${plan.role.roleArn} at ${plan.role.sts.url} with the token in ${plan.tokenFile}`,
  );
  const args = {
    roleArn: plan.role.roleArn,
    roleSessionName: sessionName(plan.role, rt.now()),
    durationSeconds: plan.role.durationSeconds,
    webIdentityToken,
  };
  try {
    return await ssoCall({ rt, endpoint }, `AssumeRoleWithWebIdentity ${target}`, () =>
      assumeRoleWithWebIdentity(endpoint, args),
    );
  } catch (err) {
    if (!(err instanceof SsoApiError)) throw err;
    const detail = (err.cause as { message?: string } | undefined)?.message ?? err.message;
    const where = `[${sectionName(plan.profileName)}]`;
    if (/^(InvalidIdentityToken|ExpiredToken|IDPRejectedClaim)(Exception)?$/.test(err.errorName)) {
      throw new AccessDeniedError(
        `STS refused the web identity token in ${plan.tokenFile} for ${target}: ${err.errorName}: ${detail}`,
        'the token has expired or its issuer or audience is not trusted by the role; check what writes the token file',
        { cause: err.cause },
      );
    }
    if (err.kind === 'denied' || err.kind === 'forbidden') {
      throw new AccessDeniedError(
        `not allowed to assume ${target} with the web identity token in ${plan.tokenFile}: ${detail}`,
        `the role's trust policy must allow this identity provider and subject; check role_arn in ${where}`,
        { cause: err.cause },
      );
    }
    if (err.errorName === 'ValidationError')
      throw new ConfigError(
        `STS refused to assume ${target}: ${detail}`,
        `check duration_seconds and role_session_name in ${where}`,
        { cause: err.cause },
      );
    throw err;
  }
}
