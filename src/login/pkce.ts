// The authorization-code-with-PKCE pieces, as pure functions: verifier, challenge, state, the
// redirect URIs and the /authorize URL the browser opens. The layout follows the AWS CLI (2.22+)
// so the identity service sees the same requests from both tools.
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { percentEncode } from '../util/percentEncode.ts';

/** Registered once per client; RFC 8252 lets a loopback redirect use any port at run time. */
export const REGISTERED_REDIRECT_URI = 'http://127.0.0.1/oauth/callback';
export const CALLBACK_PATH = '/oauth/callback';
export const DEFAULT_SCOPE = 'sso:account:access';
export const PKCE_GRANT_TYPES: readonly string[] = ['authorization_code', 'refresh_token'];

const VERIFIER_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

/** 64 unreserved characters (RFC 7636 allows 43 to 128), drawn without modulo bias. */
export function newCodeVerifier(length = 64): string {
  let out = '';
  for (let i = 0; i < length; i++) out += VERIFIER_ALPHABET[randomInt(VERIFIER_ALPHABET.length)];
  return out;
}

/** S256: base64url of the SHA-256 of the verifier, without padding. */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function newState(): string {
  return randomUUID();
}

export function redirectUriFor(port: number): string {
  return `http://127.0.0.1:${port}${CALLBACK_PATH}`;
}

/** Scopes as configured, or the one scope that makes the service issue refresh tokens. */
export function requestedScopes(configured: readonly string[]): string[] {
  return configured.length > 0 ? [...configured] : [DEFAULT_SCOPE];
}

export interface AuthorizeRequest {
  oidcEndpoint: string;
  clientId: string;
  redirectUri: string;
  state: string;
  scopes: readonly string[];
  codeChallenge: string;
}

/**
 * The URL the user's browser opens. Parameter order and the space-separated `scopes` parameter
 * are the AWS CLI's; the service reads `scopes`, not OAuth's usual `scope`.
 */
export function authorizeUrl(r: AuthorizeRequest): string {
  const params: Array<[string, string]> = [
    ['response_type', 'code'],
    ['client_id', r.clientId],
    ['redirect_uri', r.redirectUri],
    ['state', r.state],
    ['code_challenge_method', 'S256'],
    ['scopes', r.scopes.join(' ')],
    ['code_challenge', r.codeChallenge],
  ];
  const query = params.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
  return `${r.oidcEndpoint.replace(/\/+$/, '')}/authorize?${query}`;
}

export type CallbackResult =
  | { kind: 'code'; code: string }
  | { kind: 'error'; error: string; description: string | undefined }
  | { kind: 'wrongState' }
  | { kind: 'ignore' };

/**
 * What a request to the loopback listener means. Anything but the callback path (a favicon,
 * a probe) is ignored; a callback whose state is not ours ends the login, since it can only come
 * from a stale tab or from someone else's page.
 */
export function interpretCallback(pathAndQuery: string, expectedState: string): CallbackResult {
  let url: URL;
  try {
    url = new URL(pathAndQuery, 'http://127.0.0.1');
  } catch {
    return { kind: 'ignore' };
  }
  if (url.pathname !== CALLBACK_PATH) return { kind: 'ignore' };
  const q = url.searchParams;
  if (q.get('state') !== expectedState) {
    return q.has('code') || q.has('error') ? { kind: 'wrongState' } : { kind: 'ignore' };
  }
  const error = q.get('error');
  if (error !== null) return { kind: 'error', error, description: q.get('error_description') ?? undefined };
  const code = q.get('code');
  return code ? { kind: 'code', code } : { kind: 'ignore' };
}
