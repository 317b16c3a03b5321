import { booleanFlag, stringFlag } from '../cli/args.ts';
import { loadConfig } from '../config/load.ts';
import { regionOption } from './credentialFlags.ts';
import type { Runtime } from '../runtime.ts';
import type { Command } from '../cli/command.ts';
import { lazy } from '../util/load.ts';


export const SYNC_FLAGS = [
  { name: 'region', type: 'string' as const, valueName: 'REGION', description: 'region = REGION in every generated profile (default: the one the session\'s profiles agree on)' },
  { name: 'name', type: 'string' as const, valueName: 'TEMPLATE', description: 'profile names, default {account_name}.{role_name}; also {account_id}, {sso_session}' },
];

export const sync: Command = {
  name: 'sync',
  summary: 'write a profile for every account and role of an sso-session into ~/.aws/config',
  usage: 'ssohelper sync [--sso-session NAME] [--region REGION] [--name TEMPLATE] [--prune] [--dry-run]',
  description: [
    'Lists every account and role the sso-session can use and writes one [profile …] for each',
    '(sso_session, sso_account_id, sso_role_name, region) into a block of ~/.aws/config that',
    'ssohelper manages, between "# BEGIN ssohelper sync" and "# END ssohelper sync" comments.',
    'Everything outside the block is kept byte for byte; a second run with nothing changed leaves',
    'the file as it is. Profiles you wrote yourself are never taken over: a generated name that',
    'clashes gets the account id appended. Accounts whose names fold alike (Prod EU, prod-eu)',
    'both get profiles, each with its account id appended.',
    '',
    'Names: the template is lower-cased and every character outside a-z 0-9 . _ - becomes "-".',
    'Profiles of roles you no longer have are kept and reported as stale; --prune removes them.',
    '--dry-run prints the change as a unified diff and writes nothing. The new file must parse',
    'as the AWS CLI reads it before it replaces the old one (atomically, keeping its mode).',
    '~/.aws/credentials is never touched. With one sso-session in the config, it is the default.',
  ].join('\n'),
  examples: [
    'ssohelper sync',
    'ssohelper sync --sso-session corp --region eu-west-1 --prune',
    "ssohelper sync --name '{account_id}-{role_name}' --dry-run",
  ],
  flags: [
    { name: 'sso-session', type: 'string', valueName: 'NAME', description: 'the sso-session to sync (default: the only one)' },
    ...SYNC_FLAGS,
    { name: 'prune', type: 'boolean', description: 'remove generated profiles for accounts and roles that are gone' },
    { name: 'dry-run', type: 'boolean', description: 'print a unified diff of the change; write nothing' },
  ],
  maxPositionals: 0,
  async run(rt, args) {
    const { chooseSsoSession } = await lazy(() => import('../session/target.ts'));
    const { resolveSsoSession } = await lazy(() => import('../config/profile.ts'));
    const config = await loadConfig(rt.paths);
    const session = resolveSsoSession(config, chooseSsoSession(config, stringFlag(args, 'sso-session'), 'sync'), rt.env);
    return runSync(rt, session, {
      template: stringFlag(args, 'name'),
      region: regionOption(args, 'region', 'sync'),
      prune: booleanFlag(args, 'prune'),
      dryRun: booleanFlag(args, 'dry-run'),
    });
  },
};

/** Lists, writes, and tells the user on stderr what changed; stdout gets the diff of --dry-run. */
export async function runSync(
  rt: Runtime,
  session: import('../config/profile.ts').SsoSessionSettings,
  options: import('../org/sync.ts').SyncOptions,
): Promise<string> {
  const [{ listSessionAssignments, syncSession }, { checkTemplate, DEFAULT_TEMPLATE }, { sessionOfSsoSession }] = await Promise.all([
    lazy(() => import('../org/sync.ts')),
    lazy(() => import('../org/naming.ts')),
    lazy(() => import('../session/ref.ts')),
  ]);
  checkTemplate(options.template ?? DEFAULT_TEMPLATE);
  const assignments = await listSessionAssignments(rt, sessionOfSsoSession(session));
  // Read again after the listing: it can take a while, and the file is what we must not lose.
  const config = await loadConfig(rt.paths);
  const r = await syncSession(rt, config, session, assignments, options);
  const { plan } = r;
  const roles = assignments.reduce((n, a) => n + a.roles.length, 0);
  const lines = [`sso-session ${session.sessionName}: ${assignments.length} accounts, ${roles} roles; ${plan.profiles.length} generated profiles in ${rt.paths.configFile}`];
  lines.push(`  ${r.regionNote}`);
  for (const p of plan.added) lines.push(`  + ${p.name}`);
  for (const p of plan.pruned) lines.push(`  - ${p.name} (pruned: ${p.roleName} in ${p.accountId} is no longer assigned)`);
  for (const p of plan.renamed) lines.push(`  ~ ${p.from} -> ${p.to}`);
  for (const p of plan.stale) lines.push(`  ! ${p.name} is stale: ${p.roleName} in ${p.accountId} is no longer assigned (--prune removes it)`);
  for (const s of plan.skipped) lines.push(`  ! no profile for ${s.roleName} in ${s.accountId}: "${s.wanted}" and its variants are your own profiles (use --name)`);
  if (r.alsoByHand.length > 0) {
    const shown = r.alsoByHand.slice(0, 5).join(', ') + (r.alsoByHand.length > 5 ? `, … (${r.alsoByHand.length} in all)` : '');
    lines.push(`  note: your own profiles ${shown} point at roles the managed block covers too; sync leaves them as they are (delete them if they were pasted from list --output config)`);
  }
  if (options.dryRun) lines.push(r.changed ? '  dry run: nothing written; the diff is on stdout' : '  dry run: nothing would change');
  else lines.push(r.written ? `  written (${plan.added.length} added, ${plan.pruned.length} pruned, ${plan.renamed.length} renamed)` : '  already up to date: nothing written');
  rt.stderr(`${lines.join('\n')}\n`);
  return options.dryRun ? r.diff : '';
}
