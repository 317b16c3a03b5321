// The sign-in service's token endpoint for console sessions (`aws login`): POST /v1/token
// (CreateOAuth2Token, rest-json, unsigned) with a refresh token bound to a DPoP key. Every proof
// is checked as RFC 9449 asks (signature, typ/alg, htm, htu, iat, a jti never seen before, the
// key the refresh token was issued for); refresh tokens rotate, and a spent one is refused.
import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { ApiError, json, jsonBody, type Reply, type Request } from './http.ts';
import { randomToken, type State } from './state.ts';

/** How far a proof's iat may be from the emulator's real clock (clients sign with the real one). */
const IAT_WINDOW_S = 300;

interface RefreshRecord {
  clientId: string;
  /** RFC 7638 thumbprint of the DPoP key the token is bound to. */
  keyThumbprint: string;
  accountId: string;
  user: string;
  /** Set by endConsoleSession: the next refresh is refused with this reason. */
  endedWith?: string;
}

export class SigninState {
  readonly refreshTokens = new Map<string, RefreshRecord>();
  /** Spent tokens: a second use is told apart from an unknown token in the counters. */
  readonly spent = new Set<string>();
  readonly seenJti = new Set<string>();
  /** Lifetime of the keys a refresh hands out. */
  keyTtlSeconds = 900;
}

/** The cache file `aws login` would leave, for a session the emulator now knows. */
export interface ConsoleSessionFile {
  accessToken: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string;
    accountId: string;
    expiresAt: string;
  };
  tokenType: string;
  clientId: string;
  refreshToken: string;
  idToken: string;
  dpopKey: string;
  signInRegion?: string;
}

export function issueConsoleSession(
  state: State,
  options: { accountId?: string; user?: string; ttlSeconds?: number; signInRegion?: string } = {},
): ConsoleSessionFile {
  const accountId = options.accountId ?? '111111111111';
  const user = options.user ?? 'alice';
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const refreshToken = randomToken('rt-', 48);
  const clientId = `arn:aws:signin:::devtools/same-device`;
  state.signin.refreshTokens.set(refreshToken, { clientId, keyThumbprint: thumbprint(jwk), accountId, user });
  const cred = issueKeys(state, accountId, user, options.ttlSeconds ?? state.signin.keyTtlSeconds);
  const file: ConsoleSessionFile = {
    accessToken: {
      accessKeyId: cred.accessKeyId,
      secretAccessKey: cred.secretAccessKey,
      sessionToken: cred.sessionToken,
      accountId,
      expiresAt: new Date(cred.expiresAt).toISOString(),
    },
    tokenType: 'urn:aws:params:oauth:token-type:access_token_sigv4',
    clientId,
    refreshToken,
    idToken: randomToken('id-', 32),
    dpopKey: privateKey.export({ format: 'pem', type: 'sec1' }) as string,
  };
  if (options.signInRegion) file.signInRegion = options.signInRegion;
  return file;
}

export function createOAuth2Token(state: State, req: Request, baseUrl: string): Reply {
  const body = jsonBody(req);
  if (body.grantType !== 'refresh_token')
    throw new ApiError(400, 'ValidationException', 'grantType must be refresh_token');
  const { clientId, refreshToken } = body;
  if (typeof clientId !== 'string' || typeof refreshToken !== 'string')
    throw new ApiError(400, 'ValidationException', 'clientId and refreshToken are required');
  const proofKey = checkProof(state, req, `${baseUrl}/v1/token`);
  const record = state.signin.refreshTokens.get(refreshToken);
  if (!record) {
    state.bump(state.signin.spent.has(refreshToken) ? 'CreateOAuth2Token:spent' : 'CreateOAuth2Token:unknown');
    throw new ApiError(400, 'AccessDeniedException', 'The refresh token is not valid', 'TOKEN_EXPIRED');
  }
  if (record.clientId !== clientId)
    throw new ApiError(400, 'AccessDeniedException', 'The refresh token was issued to another client', 'TOKEN_EXPIRED');
  if (record.keyThumbprint !== proofKey) {
    state.bump('CreateOAuth2Token:wrongKey');
    throw new ApiError(
      400,
      'ValidationException',
      'The DPoP proof is not made with the key bound to this refresh token',
    );
  }
  if (record.endedWith) throw new ApiError(400, 'AccessDeniedException', 'The session has ended', record.endedWith);
  state.signin.refreshTokens.delete(refreshToken);
  state.signin.spent.add(refreshToken);
  const next = randomToken('rt-', 48);
  state.signin.refreshTokens.set(next, record);
  const ttl = state.signin.keyTtlSeconds;
  const cred = issueKeys(state, record.accountId, record.user, ttl);
  return json(200, {
    accessToken: {
      accessKeyId: cred.accessKeyId,
      secretAccessKey: cred.secretAccessKey,
      sessionToken: cred.sessionToken,
    },
    tokenType: 'urn:aws:params:oauth:token-type:access_token_sigv4',
    expiresIn: ttl,
    refreshToken: next,
    idToken: randomToken('id-', 32),
  });
}

/** Ends the console session behind this (current) refresh token: its next refresh is refused with `reason`. */
export function endConsoleSession(
  state: State,
  refreshToken: string,
  reason: 'TOKEN_EXPIRED' | 'USER_CREDENTIALS_CHANGED' | 'INSUFFICIENT_PERMISSIONS',
): void {
  const record = state.signin.refreshTokens.get(refreshToken);
  if (!record) throw new Error('endConsoleSession: unknown refresh token');
  record.endedWith = reason;
}

function issueKeys(state: State, accountId: string, user: string, ttlSeconds: number) {
  const cred = state.issueRoleCredentials(accountId, '', user);
  cred.expiresAt = state.now() + ttlSeconds * 1000;
  cred.identity = { arn: `arn:aws:iam::${accountId}:user/${user}`, userId: `AIDA${accountId}` };
  return cred;
}

/** Checks the DPoP proof of this request; returns the thumbprint of the key that made it. */
function checkProof(state: State, req: Request, htu: string): string {
  const proof = req.headers.dpop;
  const bad = (why: string) => {
    state.bump('CreateOAuth2Token:badProof');
    return new ApiError(400, 'ValidationException', `Invalid DPoP proof: ${why}`);
  };
  if (typeof proof !== 'string') throw bad('no DPoP header');
  const parts = proof.split('.');
  if (parts.length !== 3) throw bad('not a compact JWS');
  const [h, p, s] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    throw bad('header or payload is not JSON');
  }
  if (header.typ !== 'dpop+jwt' || header.alg !== 'ES256') throw bad('typ must be dpop+jwt and alg ES256');
  const jwk = header.jwk as Record<string, unknown> | undefined;
  if (jwk?.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string' || 'd' in jwk)
    throw bad('jwk must be a public P-256 key');
  let ok = false;
  try {
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
    ok = verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  } catch {
    ok = false;
  }
  if (!ok) throw bad('signature does not verify');
  if (payload.htm !== req.method) throw bad(`htm ${String(payload.htm)} is not ${req.method}`);
  if (payload.htu !== htu) throw bad(`htu ${String(payload.htu)} is not ${htu}`);
  if (typeof payload.iat !== 'number' || Math.abs(payload.iat - Date.now() / 1000) > IAT_WINDOW_S)
    throw bad('iat is missing or too far from now');
  if (typeof payload.jti !== 'string' || payload.jti === '') throw bad('jti is missing');
  if (state.signin.seenJti.has(payload.jti)) throw bad('jti was used before');
  state.signin.seenJti.add(payload.jti);
  return thumbprint(jwk);
}

/** RFC 7638: sha256 of the required members in lexical order. */
function thumbprint(jwk: Record<string, unknown>): string {
  return createHash('sha256')
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
    .digest('base64url');
}
