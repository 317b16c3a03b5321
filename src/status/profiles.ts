// Every profile of the config with what this machine knows about it (kind, account, role,
// sso-session, cached credentials), read from the config and the caches only: `list` answers
// at once, offline, and the profile picker shows the same rows.
import { resolveProfile } from '../config/credentialProfile.ts';
import { type AwsConfig, stringValue } from '../config/model.ts';
import type { Env } from '../config/files.ts';
import { loadConfig } from '../config/load.ts';
import { oneLine } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { statusReport } from './collect.ts';
import type { StatusReport } from './report.ts';

export type ProfileKind = 'sso' | 'sso-session' | 'assume-role' | 'process' | 'static' | 'invalid';

export interface ProfileEntry {
  name: string;
  kind: ProfileKind;
  accountId: string | null;
  roleName: string | null;
  /** The sso-session (or, for a legacy profile, the start URL) whose login it uses. */
  ssoSession: string | null;
  startUrl: string | null;
  /** Cached credentials of this profile, the longest-lived entry; null when none is cached. */
  expiresAt: string | null;
  secondsLeft: number | null;
  /** Why the profile cannot be used as it is (kind `invalid`). */
  problem: string | null;
}

const ARN = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

/** Pure: the config, the environment it resolves under and the status report go in. */
export function profileEntries(config: AwsConfig, env: Env, report: StatusReport): ProfileEntry[] {
  const cached = new Map<string, { expiresAt: string; secondsLeft: number }>();
  for (const c of report.roleCredentials) {
    for (const p of c.profiles) {
      const best = cached.get(p);
      if (!best || c.secondsLeft > best.secondsLeft)
        cached.set(p, { expiresAt: c.expiresAt, secondsLeft: c.secondsLeft });
    }
  }
  return [...config.profiles.keys()].sort().map((name) => {
    const base: ProfileEntry = {
      name,
      kind: 'invalid',
      accountId: null,
      roleName: null,
      ssoSession: null,
      startUrl: null,
      expiresAt: null,
      secondsLeft: null,
      problem: null,
    };
    const c = cached.get(name);
    if (c) Object.assign(base, c);
    const section = config.profiles.get(name);
    // A profile that only names a session, to log in with: no role of its own.
    if (
      !section?.has('sso_account_id') &&
      !section?.has('sso_role_name') &&
      !section?.has('role_arn') &&
      (section?.has('sso_session') || section?.has('sso_start_url'))
    ) {
      return {
        ...base,
        kind: 'sso-session',
        ssoSession: stringValue(section, 'sso_session') ?? null,
        startUrl: stringValue(section, 'sso_start_url') ?? null,
      };
    }
    try {
      const { plan } = resolveProfile(config, name, env);
      if (plan.kind === 'sso') {
        return {
          ...base,
          kind: 'sso',
          accountId: plan.sso.accountId,
          roleName: plan.sso.roleName,
          ssoSession: plan.sso.sessionName ?? null,
          startUrl: plan.sso.startUrl,
        };
      }
      if (plan.kind === 'assumeRole') {
        const m = ARN.exec(plan.role.roleArn);
        return { ...base, kind: 'assume-role', accountId: m?.[1] ?? null, roleName: m?.[2] ?? null };
      }
      return { ...base, kind: plan.kind === 'process' ? 'process' : plan.kind === 'static' ? 'static' : 'assume-role' };
    } catch (err) {
      return { ...base, problem: oneLine(err instanceof Error ? err.message : String(err)) };
    }
  });
}

export async function listProfiles(rt: Runtime): Promise<ProfileEntry[]> {
  const [config, report] = await Promise.all([loadConfig(rt.paths), statusReport(rt, undefined)]);
  return profileEntries(config, rt.env, report);
}
