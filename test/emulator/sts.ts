// STS (query protocol, XML replies): GetCallerIdentity and AssumeRole, authenticated for real
// with SigV4 against credentials the emulator issued (portal role credentials, assumed roles,
// IAM user keys), MFA codes included; AssumeRoleWithWebIdentity, which is unsigned: the web
// identity token is the proof.
import { createHash, randomBytes } from 'node:crypto';
import { ApiError, escapeXml, xml } from './http.ts';
import type { Reply, Request } from './http.ts';
import { checkSignatureShape, expectedSignature, parseAuthorization, signaturesEqual } from './sigv4.ts';
import { type IamRole, randomFrom, type RoleCredential, type State } from './state.ts';

const API_VERSION = '2011-06-15';
// Identity Center names the role it provisions AWSReservedSSO_<permission set>_<16 hex>.
const RESERVED_ROLE_SUFFIX = '0123456789abcdef';

/** Query-protocol parameters: from the URL query and, for a form POST, from the body. */
export function stsParams(req: Request): URLSearchParams {
  const params = new URLSearchParams(req.rawQuery);
  const type = req.headers['content-type'] ?? '';
  if (req.body.length > 0 && type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) params.append(k, v);
  }
  return params;
}

export function roleArn(cred: RoleCredential): string {
  if (cred.identity) return cred.identity.arn;
  return `arn:aws:sts::${cred.accountId}:assumed-role/AWSReservedSSO_${cred.roleName}_${RESERVED_ROLE_SUFFIX}/${cred.user}`;
}

/** A stable role id per account and role, shaped like IAM's (AROA + 17 characters). */
function roleId(cred: RoleCredential): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(`${cred.accountId}/${cred.roleName}`).digest();
  let id = 'AROA';
  for (let i = 0; i < 17; i++) id += alphabet[(digest[i] ?? 0) % alphabet.length];
  return id;
}

export function authenticate(state: State, req: Request, service: 'sts' | 's3' = 'sts'): RoleCredential {
  const signed = parseAuthorization(req);
  checkSignatureShape(signed, service, Date.now());
  const cred = state.credentials.get(signed.accessKeyId);
  const invalidToken = new ApiError(
    403,
    'InvalidClientTokenId',
    'The security token included in the request is invalid.',
  );
  if (!cred) throw invalidToken;
  const tokenHeader = req.headers['x-amz-security-token'] ?? '';
  if (tokenHeader !== cred.sessionToken) throw invalidToken;
  if (cred.expiresAt <= state.now())
    throw new ApiError(403, 'ExpiredToken', 'The security token included in the request is expired');
  if (!signaturesEqual(expectedSignature(req, signed, cred.secretAccessKey), signed.signature)) {
    throw new ApiError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return cred;
}

/** Routes a query-protocol request by its Action. */
export function handle(state: State, req: Request, requestId: string): Reply {
  const params = stsParams(req);
  const action = params.get('Action');
  if (action === null) throw new ApiError(400, 'MissingAction', 'Missing Action');
  const version = params.get('Version');
  const handlers: Record<string, () => Reply> = {
    GetCallerIdentity: () => getCallerIdentity(state, req, requestId),
    AssumeRole: () => assumeRole(state, req, params, requestId),
    AssumeRoleWithWebIdentity: () => assumeRoleWithWebIdentity(state, req, params, requestId),
  };
  const handler = Object.hasOwn(handlers, action) ? handlers[action] : undefined;
  if (!handler || version !== API_VERSION) {
    throw new ApiError(
      400,
      'InvalidAction',
      `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`,
    );
  }
  const reply = handler();
  reply.headers['x-amzn-requestid'] = requestId;
  return reply;
}

function getCallerIdentity(state: State, req: Request, requestId: string): Reply {
  const cred = authenticate(state, req);
  const body =
    `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/${API_VERSION}/">\n` +
    `  <GetCallerIdentityResult>\n` +
    `    <Arn>${escapeXml(roleArn(cred))}</Arn>\n` +
    `    <UserId>${escapeXml(cred.identity?.userId ?? `${roleId(cred)}:${cred.user}`)}</UserId>\n` +
    `    <Account>${cred.accountId}</Account>\n` +
    `  </GetCallerIdentityResult>\n` +
    `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
    `</GetCallerIdentityResponse>\n`;
  return xml(200, body);
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const SERIAL_NUMBER = /^[\w+=/:,.@-]{9,256}$/;
const TOKEN_CODE = /^\d{6}$/;

/** The checks both AssumeRole actions make of RoleArn, RoleSessionName and DurationSeconds. */
function roleRequest(
  params: URLSearchParams,
  errors: string[],
): { roleArn: string; sessionName: string; duration: number } {
  const roleArnParam = params.get('RoleArn');
  const sessionName = params.get('RoleSessionName');
  if (roleArnParam === null)
    errors.push("Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  if (sessionName === null)
    errors.push("Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
  else if (!SESSION_NAME.test(sessionName)) {
    errors.push(
      `Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  }
  const durationText = params.get('DurationSeconds');
  const duration = durationText === null ? 3600 : Number(durationText);
  if (!Number.isInteger(duration) || duration < 900) {
    errors.push(
      `Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
    );
  }
  return { roleArn: roleArnParam ?? '', sessionName: sessionName ?? '', duration };
}

function throwValidation(errors: string[]): void {
  if (errors.length > 0)
    throw new ApiError(
      400,
      'ValidationError',
      `${errors.length} validation error${errors.length > 1 ? 's' : ''} detected: ${errors.join('; ')}`,
    );
}

/**
 * AssumeRole as IAM decides it: the caller must be valid, the role must exist and trust the
 * caller (an unknown role looks the same as a refusal, as on AWS), the ExternalId must match
 * when the role requires one, an MFA code must be the device's current one; DurationSeconds is
 * bounded by the role and, for role chaining, by one hour.
 */
function assumeRole(state: State, req: Request, params: URLSearchParams, requestId: string): Reply {
  const errors: string[] = [];
  const { roleArn: roleArnParam, sessionName, duration } = roleRequest(params, errors);
  const externalId = params.get('ExternalId');
  if (externalId !== null && !EXTERNAL_ID.test(externalId)) {
    errors.push(
      `Value '${externalId}' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*`,
    );
  }
  const serialNumber = params.get('SerialNumber');
  const tokenCode = params.get('TokenCode');
  if (serialNumber !== null && !SERIAL_NUMBER.test(serialNumber)) {
    errors.push(
      `Value '${serialNumber}' at 'serialNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=/:,.@-]*`,
    );
  }
  if (tokenCode !== null && !TOKEN_CODE.test(tokenCode)) {
    errors.push(
      `Value '${tokenCode}' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*`,
    );
  }
  throwValidation(errors);
  const caller = authenticate(state, req);
  const callerArn = roleArn(caller);
  const role = state.iamRoles.get(roleArnParam);
  const trusted = role?.trust.some(
    (p) => p === '*' || p === caller.accountId || p === callerArn || p === callerRoleArn(caller),
  );
  if (!role || !trusted || (role.externalId !== undefined && role.externalId !== externalId)) {
    throw new ApiError(
      403,
      'AccessDenied',
      `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArnParam}`,
    );
  }
  if (serialNumber !== null || tokenCode !== null) {
    const expected = serialNumber === null ? undefined : state.mfaDevices.get(serialNumber);
    if (expected === undefined || tokenCode === null) {
      throw new ApiError(
        403,
        'AccessDenied',
        'MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.',
      );
    }
    if (tokenCode !== expected)
      throw new ApiError(403, 'AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code. ');
  } else if (role.requireMfa) {
    throw new ApiError(
      403,
      'AccessDenied',
      `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArnParam}`,
    );
  }
  // Portal credentials are role sessions too: assuming a role with them is role chaining.
  const roleSession = !caller.identity || caller.identity.arn.includes(':assumed-role/');
  if (roleSession && duration > 3600) {
    throw new ApiError(
      400,
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  return roleReply(state, 'AssumeRole', role, sessionName, duration, '', requestId);
}

/**
 * AssumeRoleWithWebIdentity: unsigned (a signature is refused here, so a client that signs
 * with whatever credentials it finds is caught); the token must be one the provider issued,
 * unexpired, for an audience the role trusts.
 */
function assumeRoleWithWebIdentity(state: State, req: Request, params: URLSearchParams, requestId: string): Reply {
  if (req.headers.authorization !== undefined || params.has('X-Amz-Signature')) {
    throw new ApiError(
      400,
      'InvalidRequest',
      'emulator: AssumeRoleWithWebIdentity takes no signature; the web identity token authenticates it',
    );
  }
  const errors: string[] = [];
  const { roleArn: roleArnParam, sessionName, duration } = roleRequest(params, errors);
  const token = params.get('WebIdentityToken');
  if (token === null)
    errors.push("Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null");
  else if (token.length < 4 || token.length > 20_000)
    errors.push(
      "Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000",
    );
  throwValidation(errors);
  const issued = state.webIdentityTokens.get(token as string);
  if (!issued)
    throw new ApiError(
      400,
      'InvalidIdentityToken',
      'Incorrect token audience or the token was not issued by a trusted provider',
    );
  if (issued.expiresAt <= state.now()) {
    throw new ApiError(
      400,
      'ExpiredTokenException',
      `Token expired: current date/time ${Math.floor(state.now() / 1000)} must be before the expiration date/time ${Math.floor(issued.expiresAt / 1000)}`,
    );
  }
  const role = state.iamRoles.get(roleArnParam);
  if (!role?.webIdentityAudiences?.includes(issued.audience))
    throw new ApiError(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
  const extra =
    `    <SubjectFromWebIdentityToken>${escapeXml(issued.subject)}</SubjectFromWebIdentityToken>\n` +
    `    <Audience>${escapeXml(issued.audience)}</Audience>\n` +
    `    <Provider>arn:aws:iam::${role.accountId}:oidc-provider/oidc.example.com</Provider>\n`;
  return roleReply(state, 'AssumeRoleWithWebIdentity', role, sessionName, duration, extra, requestId);
}

/** Issues the role session's credentials and answers in the action's XML. */
function roleReply(
  state: State,
  action: string,
  role: IamRole,
  sessionName: string,
  duration: number,
  extra: string,
  requestId: string,
): Reply {
  if (duration > role.maxSessionDurationSeconds) {
    throw new ApiError(
      400,
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  const roleIdValue = `AROA${randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 17)}`;
  const arn = `arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${sessionName}`;
  const cred: RoleCredential = {
    accessKeyId: `ASIA${randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 16)}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: `FwoGZXIvYXdzE${randomBytes(200).toString('base64')}`,
    accountId: role.accountId,
    roleName: role.roleName,
    user: sessionName,
    // Whole seconds, as STS issues them.
    expiresAt: Math.floor(state.now() / 1000) * 1000 + duration * 1000,
    identity: { arn, userId: `${roleIdValue}:${sessionName}` },
  };
  state.credentials.set(cred.accessKeyId, cred);
  const expiration = `${new Date(cred.expiresAt).toISOString().slice(0, 19)}Z`;
  const body =
    `<${action}Response xmlns="https://sts.amazonaws.com/doc/${API_VERSION}/">\n` +
    `  <${action}Result>\n` +
    extra +
    `    <AssumedRoleUser>\n      <AssumedRoleId>${escapeXml(cred.identity?.userId as string)}</AssumedRoleId>\n      <Arn>${escapeXml(arn)}</Arn>\n    </AssumedRoleUser>\n` +
    `    <Credentials>\n` +
    `      <AccessKeyId>${cred.accessKeyId}</AccessKeyId>\n` +
    `      <SecretAccessKey>${escapeXml(cred.secretAccessKey)}</SecretAccessKey>\n` +
    `      <SessionToken>${escapeXml(cred.sessionToken)}</SessionToken>\n` +
    `      <Expiration>${expiration}</Expiration>\n` +
    `    </Credentials>\n` +
    `  </${action}Result>\n` +
    `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
    `</${action}Response>\n`;
  return xml(200, body);
}

/** The IAM role ARN behind assumed-role credentials, which trust policies name. */
function callerRoleArn(cred: RoleCredential): string | undefined {
  const m = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(roleArn(cred));
  return m ? `arn:aws:iam::${m[1]}:role/${m[2]}` : undefined;
}
