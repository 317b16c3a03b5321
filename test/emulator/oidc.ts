// The IAM Identity Center OIDC service (`sso-oidc`, rest-json): client registration,
// device authorization, CreateToken for the three grants, and the browser-facing
// /authorize and device verification pages.
import { createHash, randomBytes } from 'node:crypto';
import { ApiError, html, json, jsonBody, optString, optStringList, redirect, reqString } from './http.ts';
import type { Reply, Request } from './http.ts';
import type { Client, State, TokenGrant } from './state.ts';

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const KNOWN_GRANTS = ['authorization_code', 'refresh_token', DEVICE_GRANT];
// Timers may fire a hair early; a client that sleeps the full interval must never be told to slow down.
const POLL_TOLERANCE_MS = 50;
const SLOW_DOWN_STEP_MS = 5000;
const AUTH_CODE_TTL_MS = 10 * 60 * 1000;

/** Short grant name used in counters: `CreateToken:device_code` etc. */
export function grantCounterName(grantType: string): string {
  return grantType === DEVICE_GRANT ? 'device_code' : grantType;
}

function toSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

export function registerClient(state: State, req: Request): Reply {
  const body = jsonBody(req);
  const clientName = reqString(body, 'clientName');
  const clientType = reqString(body, 'clientType');
  if (clientType !== 'public')
    throw new ApiError(400, 'InvalidClientMetadataException', `Unsupported client type: ${clientType}`);
  const scopes = optStringList(body, 'scopes');
  if (scopes?.some((s) => s === '' || /\s/.test(s))) throw new ApiError(400, 'InvalidScopeException', 'Invalid scope');
  const grantTypes = optStringList(body, 'grantTypes');
  const unknownGrant = grantTypes?.find((g) => !KNOWN_GRANTS.includes(g));
  if (unknownGrant !== undefined)
    throw new ApiError(400, 'UnsupportedGrantTypeException', `Unsupported grant type: ${unknownGrant}`);
  const redirectUris = optStringList(body, 'redirectUris');
  for (const uri of redirectUris ?? []) {
    const url = parseUrl(uri);
    // A public client may only be redirected to itself: loopback over http, or https.
    const ok = url && (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)));
    if (!ok) throw new ApiError(400, 'InvalidRedirectUriException', `Invalid redirect URI: ${uri}`);
  }
  if (grantTypes?.includes('authorization_code') && !redirectUris?.length) {
    throw new ApiError(
      400,
      'InvalidRedirectUriException',
      'redirectUris are required for the authorization_code grant',
    );
  }
  const issuerUrl = optString(body, 'issuerUrl');
  const client = state.registerClient({ clientName, scopes, grantTypes, redirectUris, issuerUrl });
  return json(200, {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    clientIdIssuedAt: toSeconds(client.issuedAt),
    clientSecretExpiresAt: toSeconds(client.secretExpiresAt),
  });
}

/** Clients registered with explicit grant types may use only those (plus none implied). */
function requireGrant(client: Client, grantType: string): void {
  if (client.grantTypes.length > 0 && !client.grantTypes.includes(grantType)) {
    throw new ApiError(400, 'UnauthorizedClientException', `Client is not authorized for grant type ${grantType}`);
  }
}

export function startDeviceAuthorization(state: State, req: Request, baseUrl: string): Reply {
  const body = jsonBody(req);
  const clientId = reqString(body, 'clientId');
  const clientSecret = reqString(body, 'clientSecret');
  const startUrl = reqString(body, 'startUrl');
  const client = state.authenticateClient(clientId, clientSecret);
  requireGrant(client, DEVICE_GRANT);
  if (!parseUrl(startUrl)) throw new ApiError(400, 'InvalidRequestException', 'Invalid start URL');
  const device = state.newDeviceAuthorization(client, startUrl);
  return json(200, {
    deviceCode: device.deviceCode,
    userCode: device.userCode,
    verificationUri: `${baseUrl}/device`,
    verificationUriComplete: `${baseUrl}/device?user_code=${encodeURIComponent(device.userCode)}`,
    expiresIn: state.knobs.deviceCodeTtlSeconds,
    interval: state.knobs.devicePollInterval,
  });
}

function tokenReply(grant: TokenGrant): Reply {
  const body: Record<string, unknown> = {
    accessToken: grant.accessToken,
    tokenType: 'Bearer',
    expiresIn: grant.expiresIn,
  };
  if (grant.refreshToken !== undefined) body.refreshToken = grant.refreshToken;
  return json(200, body);
}

/** The grant type of a CreateToken body, for counting before validation. */
export function peekGrantType(req: Request): string | undefined {
  try {
    const v = jsonBody(req).grantType;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

export function createToken(state: State, req: Request): Reply {
  const body = jsonBody(req);
  const clientId = reqString(body, 'clientId');
  const clientSecret = reqString(body, 'clientSecret');
  const grantType = reqString(body, 'grantType');
  const client = state.authenticateClient(clientId, clientSecret);
  if (!KNOWN_GRANTS.includes(grantType))
    throw new ApiError(400, 'UnsupportedGrantTypeException', `Unsupported grant type: ${grantType}`);
  requireGrant(client, grantType);
  if (grantType === DEVICE_GRANT) return deviceCodeGrant(state, client, reqString(body, 'deviceCode'));
  if (grantType === 'refresh_token') return tokenReply(state.refresh(reqString(body, 'refreshToken'), client.clientId));
  return authorizationCodeGrant(state, client, body);
}

function deviceCodeGrant(state: State, client: Client, deviceCode: string): Reply {
  const device = state.devices.get(deviceCode);
  if (!device || device.clientId !== client.clientId)
    throw new ApiError(400, 'InvalidGrantException', 'Invalid device code');
  const now = state.now();
  if (device.status === 'redeemed')
    throw new ApiError(400, 'InvalidGrantException', 'Device code has already been used');
  if (device.expiresAt <= now) throw new ApiError(400, 'ExpiredTokenException', 'Device code has expired');
  if (device.status === 'denied')
    throw new ApiError(400, 'AccessDeniedException', 'The user denied the authorization request');
  if (device.status === 'pending') {
    const previous = device.lastPollAt;
    device.lastPollAt = now;
    if (previous !== undefined && now - previous < device.intervalMs - POLL_TOLERANCE_MS) {
      device.intervalMs += SLOW_DOWN_STEP_MS;
      throw new ApiError(400, 'SlowDownException', 'Client is polling too fast');
    }
    const after = state.knobs.autoApproveDeviceAfterPolls;
    if (after !== null && device.pendingPolls >= after) {
      device.status = state.knobs.denyAuthorization ? 'denied' : 'approved';
      if (device.status === 'denied')
        throw new ApiError(400, 'AccessDeniedException', 'The user denied the authorization request');
    } else {
      device.pendingPolls++;
      throw new ApiError(400, 'AuthorizationPendingException', 'Authorization is still pending');
    }
  }
  device.status = 'redeemed';
  const session = state.startSession(client, client.scopes);
  return tokenReply(state.issueTokens(session));
}

function authorizationCodeGrant(state: State, client: Client, body: Record<string, unknown>): Reply {
  const code = reqString(body, 'code');
  const redirectUri = reqString(body, 'redirectUri');
  const codeVerifier = reqString(body, 'codeVerifier');
  const record = state.codes.get(code);
  const invalid = (why: string) => new ApiError(400, 'InvalidGrantException', why);
  if (!record || record.clientId !== client.clientId) throw invalid('Invalid authorization code');
  if (record.used) {
    // A replayed code means it leaked: revoke what it produced (RFC 6749 §4.1.2).
    if (record.sessionId !== undefined) state.revokeSession(record.sessionId);
    throw invalid('Authorization code has already been used');
  }
  // Burned on first presentation, success or not, so a wrong guess cannot be retried.
  record.used = true;
  if (record.expiresAt <= state.now()) throw invalid('Authorization code has expired');
  if (record.redirectUri !== redirectUri) throw invalid('redirectUri does not match the authorization request');
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(codeVerifier)) throw invalid('Malformed code verifier');
  const challenge = createHash('sha256').update(codeVerifier).digest('base64url');
  if (challenge !== record.codeChallenge) throw invalid('Code verifier does not match the code challenge');
  const session = state.startSession(client, record.scopes);
  record.sessionId = session.id;
  return tokenReply(state.issueTokens(session));
}

/** The registered redirect URI this one matches; loopback ones match on any port (RFC 8252 §7.3). */
function matchRedirectUri(client: Client, redirectUri: string): boolean {
  const wanted = parseUrl(redirectUri);
  if (!wanted) return false;
  return client.redirectUris.some((registered) => {
    const r = parseUrl(registered);
    if (!r || r.protocol !== wanted.protocol || r.hostname !== wanted.hostname || r.pathname !== wanted.pathname)
      return false;
    return r.port === wanted.port || (r.protocol === 'http:' && isLoopbackHost(r.hostname));
  });
}

export function authorize(state: State, req: Request): Reply {
  const q = req.query;
  const client = state.clients.get(q.get('client_id') ?? '');
  if (!client || client.secretExpiresAt <= state.now())
    throw new ApiError(400, 'InvalidClientException', 'Unknown or expired client');
  const redirectUri = q.get('redirect_uri') ?? '';
  // Never redirect to an unverified URI: an open redirector would leak codes.
  if (!matchRedirectUri(client, redirectUri))
    throw new ApiError(400, 'InvalidRedirectUriException', 'redirect_uri is not registered for this client');
  const target = new URL(redirectUri);
  const stateParam = q.get('state');
  const fail = (error: string) => {
    target.searchParams.set('error', error);
    if (stateParam !== null) target.searchParams.set('state', stateParam);
    return redirect(target.toString());
  };
  if (q.get('response_type') !== 'code') return fail('unsupported_response_type');
  if (!client.grantTypes.includes('authorization_code')) return fail('unauthorized_client');
  const challenge = q.get('code_challenge') ?? '';
  if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge))
    return fail('invalid_request');
  const requested = (q.get('scopes') ?? q.get('scope') ?? '').split(/[\s,]+/).filter((s) => s !== '');
  if (client.scopes.length > 0 && requested.some((s) => !client.scopes.includes(s))) return fail('invalid_scope');
  if (state.knobs.denyAuthorization) return fail('access_denied');
  const code = randomBytes(32).toString('base64url');
  state.codes.set(code, {
    clientId: client.clientId,
    redirectUri,
    codeChallenge: challenge,
    scopes: requested.length > 0 ? requested : client.scopes,
    expiresAt: state.now() + AUTH_CODE_TTL_MS,
    used: false,
  });
  target.searchParams.set('code', code);
  if (stateParam !== null) target.searchParams.set('state', stateParam);
  return redirect(target.toString());
}

/** What the user's click on the verification page does: approve, or deny under the knob. */
export function verifyDevice(state: State, req: Request): Reply {
  const userCode = req.query.get('user_code') ?? '';
  const approve = !state.knobs.denyAuthorization;
  if (!state.decideDevice(userCode, approve))
    throw new ApiError(404, 'ResourceNotFoundException', 'No pending authorization for this code');
  return html(200, approve ? 'Request approved. You can close this window.' : 'Request denied.');
}
