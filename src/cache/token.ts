// The SSO token cache shared with the AWS CLI, botocore and the AWS SDKs:
// ~/.aws/sso/cache/<sha1(session name or start URL)>.json, one line of Python-style JSON.
import { join } from 'node:path';
import { readCacheFile, type Warn, writeFileAtomic } from '../fs/files.ts';
import { parseJsonObject, pyDumps } from '../util/pyjson.ts';
import { sha1Hex } from '../util/sha1.ts';
import { formatCacheTimestamp, parseTimestamp } from '../util/time.ts';

export interface SsoToken {
  startUrl: string | undefined;
  region: string | undefined;
  accessToken: string;
  expiresAt: Date;
  clientId: string | undefined;
  clientSecret: string | undefined;
  registrationExpiresAt: Date | undefined;
  refreshToken: string | undefined;
  /** Keys other writers added that we do not know; kept so a rewrite loses nothing. */
  extra: Record<string, unknown>;
}

const KNOWN = [
  'startUrl',
  'region',
  'accessToken',
  'expiresAt',
  'clientId',
  'clientSecret',
  'registrationExpiresAt',
  'refreshToken',
];

/** New-style sessions key by session name, legacy profiles by the exact start URL string. */
export function tokenCacheKey(session: { sessionName: string | undefined; startUrl: string }): string {
  return session.sessionName ?? session.startUrl;
}

/** The hash that names a session's token file; locks on that file are named after it too. */
export function tokenCacheHash(session: { sessionName: string | undefined; startUrl: string }): string {
  return sha1Hex(tokenCacheKey(session));
}

export function tokenCachePath(ssoCacheDir: string, key: string): string {
  return join(ssoCacheDir, `${sha1Hex(key)}.json`);
}

/** The AWS CLI's byte layout: fixed key order, `", "`/`": "` separators, no trailing newline. */
export function serializeToken(token: SsoToken): string {
  const out: Record<string, unknown> = {
    startUrl: token.startUrl,
    region: token.region,
    accessToken: token.accessToken,
    expiresAt: formatCacheTimestamp(token.expiresAt),
    clientId: token.clientId,
    clientSecret: token.clientSecret,
    registrationExpiresAt: token.registrationExpiresAt ? formatCacheTimestamp(token.registrationExpiresAt) : undefined,
    refreshToken: token.refreshToken,
  };
  for (const [k, v] of Object.entries(token.extra)) if (!KNOWN.includes(k)) out[k] = v;
  return pyDumps(out);
}

/** A token, or undefined when the text is not one (torn write, garbage, wrong types). */
export function parseToken(text: string): SsoToken | undefined {
  const o = parseJsonObject(text);
  if (!o) return undefined;
  const expiresAt = parseTimestamp(o.expiresAt);
  if (typeof o.accessToken !== 'string' || !isPlainToken(o.accessToken) || !expiresAt) return undefined;
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!KNOWN.includes(k)) extra[k] = v;
  return {
    startUrl: optionalString(o.startUrl),
    region: optionalString(o.region),
    accessToken: o.accessToken,
    expiresAt,
    clientId: optionalString(o.clientId),
    clientSecret: optionalString(o.clientSecret),
    registrationExpiresAt: parseTimestamp(o.registrationExpiresAt),
    refreshToken: optionalString(o.refreshToken),
    extra,
  };
}

/**
 * Tokens travel in HTTP headers: whitespace or control characters mean a corrupt (or planted)
 * value, which the SDK would reject with a TypeError. Such a token is treated as absent.
 */
export function isPlainToken(value: string): boolean {
  return /^[\x21-\x7e]+$/.test(value);
}

function optionalString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Reads a token file. The AWS CLI rewrites it in place without a lock, so an unparsable file
 * may be a write in progress: look once more after a moment before calling it absent.
 */
export async function readToken(path: string, warn: Warn): Promise<SsoToken | undefined> {
  const first = await readCacheFile(path, 'SSO token cache file', warn);
  if (first === undefined) return undefined;
  const token = parseToken(first);
  if (token || first.trim() === '') return token;
  await new Promise((r) => setTimeout(r, 50));
  const second = await readCacheFile(path, 'SSO token cache file', warn);
  return second === undefined ? undefined : parseToken(second);
}

export async function writeToken(path: string, token: SsoToken): Promise<void> {
  await writeFileAtomic(path, serializeToken(token));
}

/** A token can be refreshed when it carries a refresh token and a live client registration. */
export function isRefreshable(token: SsoToken, now: number): boolean {
  return Boolean(
    token.refreshToken &&
      token.clientId &&
      token.clientSecret &&
      token.registrationExpiresAt &&
      token.registrationExpiresAt.getTime() > now,
  );
}
