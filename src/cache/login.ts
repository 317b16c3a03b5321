// Console sessions (`aws login`, AWS CLI 2.32+) in the SDKs' cache: one JSON file per session in
// ~/.aws/login/cache (AWS_LOGIN_CACHE_DIRECTORY), named by the sha256 of the login_session value,
// laid out as botocore's LoginProvider and the JS SDK's fromLoginCredentials read and write it.
// Parsing is pure and strict (the file is hostile until checked); a rewrite changes only the
// fields a refresh owns and keeps the rest, so whatever an SDK stores there survives us.
import { join } from 'node:path';
import { isSafeCredentialValue } from './role.ts';
import { REGION } from '../config/profile.ts';
import { parseJsonObject } from '../util/pyjson.ts';
import { sha256Hex } from '../util/sha256.ts';
import { parseTimestamp } from '../util/time.ts';
import type { ExpiringCredentials } from '../types/credentials.ts';
import { readCacheFile } from '../fs/files.ts';
import type { Runtime } from '../runtime.ts';

export interface LoginSession {
  credentials: ExpiringCredentials & { accountId: string };
  clientId: string;
  refreshToken: string;
  /** SEC1 PEM of the P-256 key the refresh token is bound to (DPoP). */
  dpopKey: string;
  signInRegion: string | undefined;
  /** The whole document, for a rewrite that keeps what we do not own. */
  doc: Record<string, unknown>;
}

/** What a CreateOAuth2Token answer changes. */
export interface LoginRefresh {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  refreshToken: string;
}

// Tokens are opaque to us but end up in a file and a header: printable ASCII, bounded.
const OPAQUE = /^[\x21-\x7e]{1,16384}$/;
const ACCOUNT = /^\d{12}$/;
// A PEM block is base64 between its armour lines; anything else is refused before OpenSSL sees it.
const PEM = /^-----BEGIN EC PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]{1,4096}-----END EC PRIVATE KEY-----\s*$/;

export function loginCachePath(dir: string, sessionName: string): string {
  return join(dir, `${sha256Hex(sessionName)}.json`);
}

/** The session in a cache file's text, or undefined when anything required is missing or odd. */
export function parseLoginSession(text: string): LoginSession | undefined {
  const doc = parseJsonObject(text);
  const token = doc?.accessToken;
  if (!doc || typeof token !== 'object' || token === null || Array.isArray(token)) return undefined;
  const t = token as Record<string, unknown>;
  const expiration = parseTimestamp(t.expiresAt);
  const { accountId } = t;
  if (
    !expiration ||
    !isSafeCredentialValue(t.accessKeyId) ||
    !isSafeCredentialValue(t.secretAccessKey) ||
    !isSafeCredentialValue(t.sessionToken) ||
    typeof accountId !== 'string' ||
    !ACCOUNT.test(accountId)
  ) {
    return undefined;
  }
  const { clientId, refreshToken, dpopKey, signInRegion } = doc;
  if (
    typeof clientId !== 'string' ||
    !OPAQUE.test(clientId) ||
    typeof refreshToken !== 'string' ||
    !OPAQUE.test(refreshToken)
  )
    return undefined;
  if (typeof dpopKey !== 'string' || !PEM.test(dpopKey)) return undefined;
  // The SDKs ignore an empty or non-string signInRegion; a malformed one must not reach a host name.
  const region = typeof signInRegion === 'string' && signInRegion !== '' ? signInRegion : undefined;
  if (region !== undefined && !REGION.test(region)) return undefined;
  return {
    credentials: {
      accessKeyId: t.accessKeyId,
      secretAccessKey: t.secretAccessKey,
      sessionToken: t.sessionToken,
      expiration,
      accountId,
    },
    clientId,
    refreshToken,
    dpopKey,
    signInRegion: region,
    doc,
  };
}

/** The file after a refresh: new keys, expiry and refresh token; every other field as it was. */
export function serializeRefreshedSession(session: LoginSession, r: LoginRefresh): string {
  const doc = {
    ...session.doc,
    accessToken: {
      ...(session.doc.accessToken as Record<string, unknown>),
      accessKeyId: r.accessKeyId,
      secretAccessKey: r.secretAccessKey,
      sessionToken: r.sessionToken,
      expiresAt: r.expiration.toISOString(),
    },
    refreshToken: r.refreshToken,
  };
  // The JS SDK's layout; botocore reads any JSON.
  return JSON.stringify(doc, null, 2);
}

export function loginSessionPath(rt: Runtime, sessionName: string): string {
  return loginCachePath(rt.paths.loginCacheDir, sessionName);
}

export async function readLoginSession(rt: Runtime, path: string): Promise<LoginSession | undefined> {
  const text = await readCacheFile(path, 'console session cache file', rt.stderr);
  return text === undefined ? undefined : parseLoginSession(text);
}
