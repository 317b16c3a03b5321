// Walks the shared cache directories for status and logout. The file names are hashes, so they
// are matched against the hashes of what the config names (sessions, legacy start URLs,
// account/role/session triples); anything unmatched is reported or swept by its contents alone.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { AwsConfig } from '../config/model.ts';
import type { Env } from '../config/files.ts';
import { resolveSsoProfile, type SsoProfile } from '../config/profile.ts';
import { readCacheFile, readTextFile, type Warn } from '../fs/files.ts';
import { parseJsonObject } from '../util/pyjson.ts';
import { roleCacheKey } from './role.ts';
import { assumeRoleCacheKey, roleCacheArgs } from './assumeRole.ts';
import { type CredentialPlan, resolveProfile } from '../config/credentialProfile.ts';
import { sha1Hex } from '../util/sha1.ts';

export interface CacheFile {
  path: string;
  /** The file name without `.json`: the sha1 the writer derived it from. */
  hash: string;
  /** The parsed JSON object, or undefined when the file is not one (other tools, torn writes). */
  data: Record<string, unknown> | undefined;
  text: string;
}

/**
 * `*.json` files of a cache directory, parsed; an absent directory is empty. Reads only. With
 * `warn`, files other users could have written are reported and left out (what status shows);
 * without, every file is listed (logout, which only deletes).
 */
export async function readCacheDir(dir: string, what: string, warn?: Warn): Promise<CacheFile[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
  const files: CacheFile[] = [];
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
    const path = join(dir, name);
    let text: string | undefined;
    try {
      text = warn ? await readCacheFile(path, what, warn) : await readTextFile(path, what);
    } catch {
      continue; // a directory or unreadable file named *.json is not ours to judge
    }
    if (text === undefined) continue;
    files.push({ path, hash: name.slice(0, -'.json'.length), data: parseJsonObject(text), text });
  }
  return files;
}

export interface KnownSession {
  /** The sso-session name, or undefined for a legacy start URL. */
  sessionName: string | undefined;
  startUrl: string | undefined;
  region: string | undefined;
  profiles: string[];
}

/** Token-file hash → what the config says about that session. */
export function knownSessions(config: AwsConfig): Map<string, KnownSession> {
  const known = new Map<string, KnownSession>();
  for (const [name, section] of config.ssoSessions) {
    const startUrl = section.get('sso_start_url');
    const region = section.get('sso_region');
    known.set(sha1Hex(name), {
      sessionName: name,
      startUrl: typeof startUrl === 'string' ? startUrl : undefined,
      region: typeof region === 'string' ? region : undefined,
      profiles: [],
    });
  }
  for (const [profile, section] of [...config.profiles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const sessionName = section.get('sso_session');
    if (typeof sessionName === 'string' && sessionName) {
      known.get(sha1Hex(sessionName))?.profiles.push(profile);
      continue;
    }
    const startUrl = section.get('sso_start_url');
    if (typeof startUrl !== 'string' || !startUrl) continue;
    const hash = sha1Hex(startUrl);
    const entry = known.get(hash);
    if (entry) entry.profiles.push(profile);
    else {
      const region = section.get('sso_region');
      known.set(hash, {
        sessionName: undefined,
        startUrl,
        region: typeof region === 'string' ? region : undefined,
        profiles: [profile],
      });
    }
  }
  return known;
}

export interface KnownRole {
  profiles: string[];
  accountId: string;
  roleName: string;
  sessionName: string | undefined;
  startUrl: string;
}

/** Role-cache hash → the profiles whose account, role and session produce it. */
export function knownRoles(config: AwsConfig, env: Env): Map<string, KnownRole> {
  const known = new Map<string, KnownRole>();
  for (const name of [...config.profiles.keys()].sort()) {
    let p: SsoProfile;
    try {
      p = resolveSsoProfile(config, name, env);
    } catch {
      continue; // not an SSO profile, or a broken one: it has no cache entry of its own
    }
    const hash = roleCacheKey(p);
    const entry = known.get(hash);
    if (entry) entry.profiles.push(name);
    else
      known.set(hash, {
        profiles: [name],
        accountId: p.accountId,
        roleName: p.roleName,
        sessionName: p.sessionName,
        startUrl: p.startUrl,
      });
  }
  return known;
}

export interface KnownAssumedRole {
  profiles: string[];
  roleArn: string;
}

/** Assume-role cache hash → the profiles whose role settings (botocore's key) produce it. */
export function knownAssumedRoles(config: AwsConfig, env: Env): Map<string, KnownAssumedRole> {
  const known = new Map<string, KnownAssumedRole>();
  for (const name of [...config.profiles.keys()].sort()) {
    if (!config.profiles.get(name)?.has('role_arn')) continue;
    let plan: CredentialPlan;
    try {
      plan = resolveProfile(config, name, env).plan;
    } catch {
      continue; // a broken chain has no cache entry of its own
    }
    if (plan.kind !== 'assumeRole' && plan.kind !== 'webIdentity') continue;
    const hash = assumeRoleCacheKey(roleCacheArgs(plan));
    const entry = known.get(hash);
    if (entry) entry.profiles.push(name);
    else known.set(hash, { profiles: [name], roleArn: plan.role.roleArn });
  }
  return known;
}
