// Assumed-role credentials in the AWS CLI's cache (~/.aws/cli/cache), named and laid out as
// botocore's AssumeRoleCredentialFetcher does, so the AWS CLI and ssohelper reuse each other's
// entries: the file name is the sha1 of json.dumps(AssumeRole arguments, sort_keys=True) (for
// web identity: RoleArn and a configured RoleSessionName only, all botocore sends), and
// the file holds the AssumeRole response with Expiration as strftime('%Y-%m-%dT%H:%M:%S%Z').
import { join } from 'node:path';
import type { AssumeRoleSettings } from '../config/credentialProfile.ts';
import { readCacheFile, type Warn, writeFileAtomic } from '../fs/files.ts';
import { parseJsonObject, pyDumps } from '../util/pyjson.ts';
import { sha1Hex } from '../util/sha1.ts';
import type { RoleCredentials } from '../types/credentials.ts';
import { parseCachedCredentials } from './role.ts';
import { isoString } from '../util/time.ts';

export interface AssumeRoleArgs {
  roleArn: string;
  /** Left out when generated (botocore-session-<time>), as botocore leaves it out of the key. */
  roleSessionName: string | undefined;
  externalId: string | undefined;
  durationSeconds: number | undefined;
  /** The MFA device; its code, which changes, stays out of the key. */
  serialNumber?: string | undefined;
}

export interface AssumedRole extends RoleCredentials {
  /** arn:aws:sts::<account>:assumed-role/<role>/<session>: who these credentials are. */
  assumedRoleArn: string;
  assumedRoleId: string;
}

/** botocore's cache-key inputs for a role profile: web identity sends fewer arguments. */
export function roleCacheArgs(plan: { kind: 'assumeRole' | 'webIdentity'; role: AssumeRoleSettings }): AssumeRoleArgs {
  const { roleArn, roleSessionName, externalId, durationSeconds, mfa } = plan.role;
  if (plan.kind === 'webIdentity')
    return { roleArn, roleSessionName, externalId: undefined, durationSeconds: undefined };
  return { roleArn, roleSessionName, externalId, durationSeconds, serialNumber: mfa?.serial };
}

/** The configured session name, else the AWS CLI's default, which stays out of the cache key. */
export function sessionName(role: { roleSessionName: string | undefined }, nowMs: number): string {
  return role.roleSessionName ?? `botocore-session-${Math.floor(nowMs / 1000)}`;
}

export function assumeRoleCacheKey(args: AssumeRoleArgs): string {
  // botocore's argument names and json.dumps defaults (", " and ": ").
  const doc: Record<string, unknown> = { RoleArn: args.roleArn };
  if (args.roleSessionName !== undefined) doc.RoleSessionName = args.roleSessionName;
  if (args.externalId !== undefined) doc.ExternalId = args.externalId;
  if (args.durationSeconds !== undefined) doc.DurationSeconds = args.durationSeconds;
  if (args.serialNumber !== undefined) doc.SerialNumber = args.serialNumber;
  return sha1Hex(pyDumps(doc, { sortKeys: true }));
}

export function assumeRoleCachePath(roleCacheDir: string, args: AssumeRoleArgs): string {
  return join(roleCacheDir, `${assumeRoleCacheKey(args)}.json`);
}

/** `2026-11-30T17:04:05UTC`: what botocore's JSONFileCache makes of the response's datetime. */
export function formatBotocoreDatetime(date: Date): string {
  return `${isoString(date).slice(0, 19)}UTC`;
}

export function serializeAssumedRole(c: AssumedRole): string {
  return pyDumps({
    Credentials: {
      AccessKeyId: c.accessKeyId,
      SecretAccessKey: c.secretAccessKey,
      SessionToken: c.sessionToken,
      Expiration: formatBotocoreDatetime(c.expiration),
      AccountId: c.accountId,
    },
    AssumedRoleUser: { AssumedRoleId: c.assumedRoleId, Arn: c.assumedRoleArn },
  });
}

export function parseAssumedRole(text: string): AssumedRole | undefined {
  const doc = parseJsonObject(text);
  const user = doc?.AssumedRoleUser as Record<string, unknown> | undefined;
  const arn = typeof user?.Arn === 'string' ? user.Arn : '';
  // Older AWS CLIs do not record AccountId; the ARN has it.
  const credentials = parseCachedCredentials(doc?.Credentials, /^arn:[^:]+:sts::(\d{12}):/.exec(arn)?.[1] ?? '');
  if (!credentials) return undefined;
  return {
    ...credentials,
    assumedRoleArn: arn,
    assumedRoleId: typeof user?.AssumedRoleId === 'string' ? user.AssumedRoleId : '',
  };
}

export async function readAssumedRole(path: string, warn: Warn): Promise<AssumedRole | undefined> {
  const text = await readCacheFile(path, 'role credential cache file', warn);
  return text === undefined ? undefined : parseAssumedRole(text);
}

export async function writeAssumedRole(path: string, c: AssumedRole): Promise<void> {
  // Assumed again if a crash loses it (as role entries, cache/role.ts).
  await writeFileAtomic(path, serializeAssumedRole(c), { durable: false });
}
