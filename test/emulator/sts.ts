// STS (query protocol, XML replies): just GetCallerIdentity, authenticated for real with
// SigV4 against the role credentials the portal issued.
import { createHash } from 'node:crypto';
import { ApiError, escapeXml, xml } from './http.ts';
import type { Reply, Request } from './http.ts';
import { checkSignatureShape, expectedSignature, parseAuthorization, signaturesEqual } from './sigv4.ts';
import type { RoleCredential, State } from './state.ts';

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

function authenticate(state: State, req: Request): RoleCredential {
  const signed = parseAuthorization(req);
  checkSignatureShape(signed, 'sts', Date.now());
  const cred = state.credentials.get(signed.accessKeyId);
  const invalidToken = new ApiError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  if (!cred) throw invalidToken;
  const tokenHeader = req.headers['x-amz-security-token'];
  if (tokenHeader !== cred.sessionToken) throw invalidToken;
  if (cred.expiresAt <= state.now()) throw new ApiError(403, 'ExpiredToken', 'The security token included in the request is expired');
  if (!signaturesEqual(expectedSignature(req, signed, cred.secretAccessKey), signed.signature)) {
    throw new ApiError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return cred;
}

export function getCallerIdentity(state: State, req: Request, requestId: string): Reply {
  const params = stsParams(req);
  const action = params.get('Action');
  if (action === null) throw new ApiError(400, 'MissingAction', 'Missing Action');
  if (action !== 'GetCallerIdentity') {
    throw new ApiError(400, 'InvalidAction', `Could not find operation ${action} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`);
  }
  const version = params.get('Version');
  if (version !== API_VERSION) {
    throw new ApiError(400, 'InvalidAction', `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`);
  }
  const cred = authenticate(state, req);
  const body =
    `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/${API_VERSION}/">\n` +
    `  <GetCallerIdentityResult>\n` +
    `    <Arn>${escapeXml(roleArn(cred))}</Arn>\n` +
    `    <UserId>${escapeXml(`${roleId(cred)}:${cred.user}`)}</UserId>\n` +
    `    <Account>${cred.accountId}</Account>\n` +
    `  </GetCallerIdentityResult>\n` +
    `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
    `</GetCallerIdentityResponse>\n`;
  const reply = xml(200, body);
  reply.headers['x-amzn-requestid'] = requestId;
  return reply;
}
