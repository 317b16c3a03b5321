// The role-credential cache shared with the AWS CLI: ~/.aws/cli/cache/<sha1>.json, where the
// sha1 is of compact, key-sorted JSON naming account, role and session (or legacy start URL).
import { join } from 'node:path';
import type { RoleCredentials } from '../types/credentials.ts';
import { readCacheFile, type Warn, writeFileAtomic } from '../fs/files.ts';
import { parseJsonObject, pyDumps } from '../util/pyjson.ts';
import { formatCacheTimestamp, parseTimestamp } from '../util/time.ts';
import { sha1Hex } from '../util/sha1.ts';

export interface RoleKey {
  accountId: string;
  roleName: string;
  sessionName: string | undefined;
  startUrl: string;
}

export function roleCacheKey(key: RoleKey): string {
  const args = key.sessionName
    ? { accountId: key.accountId, roleName: key.roleName, sessionName: key.sessionName }
    : { accountId: key.accountId, roleName: key.roleName, startUrl: key.startUrl };
  return sha1Hex(pyDumps(args, { sortKeys: true, separators: [',', ':'] }));
}

export function roleCachePath(roleCacheDir: string, key: RoleKey): string {
  return join(roleCacheDir, `${roleCacheKey(key)}.json`);
}

export function serializeRoleEntry(c: RoleCredentials): string {
  return pyDumps({
    ProviderType: 'sso',
    Credentials: {
      AccessKeyId: c.accessKeyId,
      SecretAccessKey: c.secretAccessKey,
      SessionToken: c.sessionToken,
      Expiration: formatCacheTimestamp(c.expiration),
      AccountId: c.accountId,
    },
  });
}

/**
 * Credential values end up in `eval` and Invoke-Expression, so anything outside the characters
 * AWS actually uses is treated as a corrupt entry rather than printed.
 */
const SAFE_VALUE = /^[A-Za-z0-9+/=_.-]+$/;

export function isSafeCredentialValue(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 8192 && SAFE_VALUE.test(value);
}

export function parseRoleEntry(text: string): RoleCredentials | undefined {
  return parseCachedCredentials(parseJsonObject(text)?.Credentials, '');
}

/**
 * The `Credentials` object both role caches hold (SSO role and assumed-role entries), or undefined
 * when it is missing, malformed or unsafe to print. `accountId` stands in where it has no AccountId.
 */
export function parseCachedCredentials(value: unknown, accountId: string): RoleCredentials | undefined {
  const c = value as Record<string, unknown> | undefined;
  if (!c || typeof c !== 'object' || Array.isArray(c)) return undefined;
  const expiration = parseTimestamp(c.Expiration);
  if (
    !expiration ||
    !isSafeCredentialValue(c.AccessKeyId) ||
    !isSafeCredentialValue(c.SecretAccessKey) ||
    !isSafeCredentialValue(c.SessionToken)
  ) {
    return undefined;
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration,
    accountId: typeof c.AccountId === 'string' ? c.AccountId : accountId,
  };
}

export async function readRoleEntry(path: string, warn: Warn): Promise<RoleCredentials | undefined> {
  const text = await readCacheFile(path, 'role credential cache file', warn);
  return text === undefined ? undefined : parseRoleEntry(text);
}

export async function writeRoleEntry(path: string, c: RoleCredentials): Promise<void> {
  // Fetched again if a crash loses it: not worth an fsync on every first `get`.
  await writeFileAtomic(path, serializeRoleEntry(c), { durable: false });
}
