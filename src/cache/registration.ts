// The OIDC client-registration cache shared with the AWS CLI: ~/.aws/sso/cache/<sha1>.json next
// to the tokens, keyed by the sha1 of Python's json.dumps(sort_keys=True) of start URL, SSO
// region, configured scopes and session name. Reusing the CLI's registration (and it ours) keeps
// one OAuth client per session instead of one per tool.
import { join } from 'node:path';
import { readCacheFile, type Warn, writeFileAtomic } from '../fs/files.ts';
import { parseJsonObject, pyDumps } from '../util/pyjson.ts';
import { formatCacheTimestamp, parseTimestamp } from '../util/time.ts';
import { sha1Hex } from '../util/sha1.ts';

export interface Registration {
  clientId: string;
  clientSecret: string;
  expiresAt: Date;
  /** Present when the client was registered with scopes (so it is handed refresh tokens). */
  scopes: string[] | undefined;
  /** Written by the PKCE flow only; the device flow's registrations carry none. */
  grantTypes: string[] | undefined;
}

export interface RegistrationKey {
  startUrl: string;
  ssoRegion: string;
  /** The scopes as configured (sso_registration_scopes), or null when none are. */
  scopes: readonly string[] | null;
  /** Null for legacy profiles. */
  sessionName: string | null;
}

export type RegistrationKind = 'pkce' | 'device';

/** The AWS CLI re-registers when less than this is left; so do we. */
export const REGISTRATION_RENEW_WINDOW_MS = 15 * 60_000;

export function registrationCacheKey(k: RegistrationKey): string {
  const args = {
    tool: 'botocore',
    startUrl: k.startUrl,
    region: k.ssoRegion,
    scopes: k.scopes,
    session_name: k.sessionName,
  };
  return sha1Hex(pyDumps(args, { sortKeys: true }));
}

export function registrationCachePath(ssoCacheDir: string, k: RegistrationKey): string {
  return join(ssoCacheDir, `${registrationCacheKey(k)}.json`);
}

/** The AWS CLI's layout: clientId, clientSecret, expiresAt, then scopes and grantTypes if any. */
export function serializeRegistration(r: Registration): string {
  return pyDumps({
    clientId: r.clientId,
    clientSecret: r.clientSecret,
    expiresAt: formatCacheTimestamp(r.expiresAt),
    scopes: r.scopes,
    grantTypes: r.grantTypes,
  });
}

export function parseRegistration(text: string): Registration | undefined {
  const o = parseJsonObject(text);
  if (!o) return undefined;
  const expiresAt = parseTimestamp(o.expiresAt);
  if (
    typeof o.clientId !== 'string' ||
    !o.clientId ||
    typeof o.clientSecret !== 'string' ||
    !o.clientSecret ||
    !expiresAt
  )
    return undefined;
  return {
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    expiresAt,
    scopes: stringList(o.scopes),
    grantTypes: stringList(o.grantTypes),
  };
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

export async function readRegistration(path: string, warn: Warn): Promise<Registration | undefined> {
  const text = await readCacheFile(path, 'SSO client registration cache file', warn);
  return text === undefined ? undefined : parseRegistration(text);
}

export async function writeRegistration(path: string, r: Registration): Promise<void> {
  await writeFileAtomic(path, serializeRegistration(r));
}

/**
 * Whether a cached registration can serve this login: not about to expire, of the right kind
 * (a PKCE client must have the authorization_code grant, a device-flow client must not, as the
 * AWS CLI decides), and registered with the scopes we are about to ask for.
 */
export function registrationFits(
  r: Registration,
  kind: RegistrationKind,
  wantedScopes: readonly string[] | undefined,
  now: number,
): boolean {
  if (r.expiresAt.getTime() - now < REGISTRATION_RENEW_WINDOW_MS) return false;
  const forPkce = r.grantTypes?.includes('authorization_code') ?? false;
  if ((kind === 'pkce') !== forPkce) return false;
  if (wantedScopes && wantedScopes.length > 0) {
    if (!r.scopes || wantedScopes.some((s) => !r.scopes?.includes(s))) return false;
  }
  return true;
}
