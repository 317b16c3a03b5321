// `ssohelper list` output: a table of accounts and roles, or ready-made profile sections.
import type { Assignment } from '../org/listing.ts';
import { renderTable } from './table.ts';

export function accountTable(assignments: Assignment[]): string {
  const rows = assignments.flatMap((a) => a.roles.map((r) => [a.accountId, a.accountName ?? '', r]));
  if (rows.length === 0) return '';
  return `${renderTable([['ACCOUNT ID', 'ACCOUNT NAME', 'ROLE'], ...rows])}\n`;
}

/** Profile names from account name and role, lower-case, safe in an INI header. */
export function profileName(accountName: string | undefined, accountId: string, role: string): string {
  const base = (accountName ?? accountId).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || accountId;
  return `${base}-${role.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}

export function configSections(assignments: Assignment[], sessionName: string | undefined, startUrl: string, ssoRegion: string): string {
  const session = sessionName ? `sso_session = ${sessionName}\n` : `sso_start_url = ${startUrl}\nsso_region = ${ssoRegion}\n`;
  return assignments
    .flatMap((a) => a.roles.map((r) => `[profile ${profileName(a.accountName, a.accountId, r)}]\n${session}sso_account_id = ${a.accountId}\nsso_role_name = ${r}\n`))
    .join('\n');
}
