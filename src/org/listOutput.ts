// `ssohelper list` output: a table of accounts and roles, or ready-made profile sections.
import type { Assignment } from './listing.ts';
import { assignNames, DEFAULT_TEMPLATE } from './naming.ts';
import { renderTable } from '../format/table.ts';

export function accountTable(assignments: Assignment[]): string {
  const rows = assignments.flatMap((a) => a.roles.map((r) => [a.accountId, a.accountName ?? '', r]));
  if (rows.length === 0) return '';
  return `${renderTable([['ACCOUNT ID', 'ACCOUNT NAME', 'ROLE'], ...rows])}\n`;
}

/**
 * A `[profile …]` section per account and role, named as `sync` names them (the default
 * template, made unique) and never with a name in `taken` (the profiles the config already has),
 * so the output can be added to the config without clobbering anything. Roles for which every
 * candidate name is taken are listed in a comment instead.
 */
export function configSections(
  assignments: Assignment[],
  session: { sessionName: string | undefined; startUrl: string; ssoRegion: string },
  taken: ReadonlySet<string>,
): string {
  const lines = session.sessionName ? `sso_session = ${session.sessionName}\n` : `sso_start_url = ${session.startUrl}\nsso_region = ${session.ssoRegion}\n`;
  const items = assignments.flatMap((a) => a.roles.map((roleName) => ({ accountId: a.accountId, accountName: a.accountName, roleName, ssoSession: session.sessionName ?? '' })));
  const { named, unnamed } = assignNames(items, DEFAULT_TEMPLATE, taken);
  const sections = named.map(({ item, name }) => `[profile ${name}]\n${lines}sso_account_id = ${item.accountId}\nsso_role_name = ${item.roleName}\n`);
  const skipped = unnamed.map((i) => `# ${i.accountId} ${i.roleName}: every name for it is taken by a profile you have\n`);
  return [...sections, ...skipped].join('\n');
}
