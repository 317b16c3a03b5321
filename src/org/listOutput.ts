// `ssohelper list` output: the profiles this machine has, the accounts and roles the portal
// lists (with the profiles that use them), or ready-made profile sections for the rest.
import type { Assignment } from './listing.ts';
import { assignNames, DEFAULT_TEMPLATE } from './naming.ts';
import type { ProfileEntry } from '../status/profiles.ts';
import { humanDuration } from '../util/time.ts';
import { renderTable } from '../format/table.ts';

const KIND_LABELS: Record<ProfileEntry['kind'], string> = {
  sso: 'sso',
  'sso-session': 'login only',
  'assume-role': 'role chain',
  process: 'process',
  static: 'keys',
  invalid: 'invalid',
};

function credentialsCell(p: ProfileEntry): string {
  if (p.secondsLeft === null) return '';
  return p.secondsLeft > 0 ? `${humanDuration(p.secondsLeft * 1000)} left` : 'expired';
}

export function profileTable(profiles: ProfileEntry[], width?: number): string {
  if (profiles.length === 0) return '';
  const rows = profiles.map((p) => [
    p.name,
    KIND_LABELS[p.kind],
    p.accountId ?? '',
    p.roleName ?? '',
    p.ssoSession ?? p.startUrl ?? '',
    credentialsCell(p),
  ]);
  const problems = profiles.filter((p) => p.problem).map((p) => `  ${p.name}: ${p.problem}`);
  return `${renderTable([['PROFILE', 'KIND', 'ACCOUNT', 'ROLE', 'SSO SESSION', 'CREDENTIALS'], ...rows], { width })}\n${problems.length > 0 ? `\nInvalid:\n${problems.join('\n')}\n` : ''}`;
}

/** `account/role` → the profiles of this session that use it. */
export type ProfilesByRole = ReadonlyMap<string, readonly string[]>;

export function roleKey(accountId: string, roleName: string): string {
  return `${accountId}/${roleName}`;
}

export function accountTable(assignments: Assignment[], profiles: ProfilesByRole, width?: number): string {
  const rows = assignments.flatMap((a) =>
    a.roles.map((r) => [a.accountId, a.accountName ?? '', r, (profiles.get(roleKey(a.accountId, r)) ?? []).join(', ')]),
  );
  if (rows.length === 0) return '';
  return `${renderTable([['ACCOUNT ID', 'ACCOUNT NAME', 'ROLE', 'PROFILES'], ...rows], { width })}\n`;
}

/** The listing as JSON: each account's roles, and for each role the profiles that use it. */
export function accountsJson(assignments: Assignment[], profiles: ProfilesByRole, listedAt: number): string {
  const accounts = assignments.map((a) => ({
    ...a,
    profiles: Object.fromEntries(a.roles.map((r) => [r, [...(profiles.get(roleKey(a.accountId, r)) ?? [])]])),
  }));
  return `${JSON.stringify({ listedAt: new Date(listedAt).toISOString(), accounts }, null, 2)}\n`;
}

/**
 * A `[profile …]` section per account and role that no profile of the session uses yet, named
 * as `sync` names them (the default template, made unique) and never with a name in `taken`
 * (the profiles the config already has), so the output can be added to the config without
 * clobbering anything. Roles for which every candidate name is taken are listed in a comment.
 */
export function configSections(
  assignments: Assignment[],
  session: { sessionName: string | undefined; startUrl: string; ssoRegion: string },
  taken: ReadonlySet<string>,
  profiles: ProfilesByRole = new Map(),
): string {
  const lines = session.sessionName
    ? `sso_session = ${session.sessionName}\n`
    : `sso_start_url = ${session.startUrl}\nsso_region = ${session.ssoRegion}\n`;
  const items = assignments.flatMap((a) =>
    a.roles
      .filter((roleName) => !profiles.has(roleKey(a.accountId, roleName)))
      .map((roleName) => ({
        accountId: a.accountId,
        accountName: a.accountName,
        roleName,
        ssoSession: session.sessionName ?? '',
      })),
  );
  const { named, unnamed } = assignNames(items, DEFAULT_TEMPLATE, taken);
  const sections = named.map(
    ({ item, name }) =>
      `[profile ${name}]\n${lines}sso_account_id = ${item.accountId}\nsso_role_name = ${item.roleName}\n`,
  );
  const skipped = unnamed.map(
    (i) => `# ${i.accountId} ${i.roleName}: every name for it is taken by a profile you have\n`,
  );
  return [...sections, ...skipped].join('\n');
}
