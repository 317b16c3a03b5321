import { booleanFlag, stringFlag } from '../cli/args.ts';
import { loadConfig } from '../config/load.ts';
import { regionOption } from './credentialFlags.ts';
import type { Runtime } from '../runtime.ts';
import type { Command } from '../cli/command.ts';
import { lazy } from '../util/load.ts';
import { count } from '../util/plural.ts';

/** What init and sync share besides the naming: how much they say, and logging in first. */
export const REPORT_FLAGS = [
  { name: 'verbose', type: 'boolean' as const, description: 'name every profile added, pruned, renamed or stale' },
];

export const SYNC_FLAGS = [
  {
    name: 'region',
    type: 'string' as const,
    valueName: 'REGION',
    description: "region = REGION in every generated profile (default: the one the session's profiles agree on)",
  },
  {
    name: 'name',
    type: 'string' as const,
    valueName: 'TEMPLATE',
    description: 'profile names, default {account_name}.{role_name}; also {account_id}, {sso_session}',
  },
];

export const sync: Command = {
  name: 'sync',
  summary: 'write a profile for every account and role of an sso-session into ~/.aws/config',
  usage:
    'ssohelper sync [--sso-session NAME] [--region REGION] [--name TEMPLATE] [--prune] [--dry-run] [--verbose] [--login]',
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
    'It prints one summary line (--verbose: every profile added, pruned, renamed or stale) and',
    "keeps the listing for `list --remote`. On a terminal, a line shows the listing's progress.",
  ].join('\n'),
  examples: [
    'ssohelper sync',
    'ssohelper sync --sso-session corp --region eu-west-1 --prune',
    "ssohelper sync --name '{account_id}-{role_name}' --dry-run",
  ],
  flags: [
    {
      name: 'sso-session',
      type: 'string',
      valueName: 'NAME',
      description: 'the sso-session to sync (default: the only one)',
    },
    ...SYNC_FLAGS,
    { name: 'prune', type: 'boolean', description: 'remove generated profiles for accounts and roles that are gone' },
    { name: 'dry-run', type: 'boolean', description: 'print a unified diff of the change; write nothing' },
    ...REPORT_FLAGS,
    { name: 'login', type: 'boolean', description: 'log in first when the SSO session has expired' },
  ],
  maxPositionals: 0,
  async run(rt, args) {
    const { chooseSsoSession } = await lazy(() => import('../session/target.ts'));
    const { resolveSsoSession } = await lazy(() => import('../config/profile.ts'));
    const config = await loadConfig(rt.paths);
    const session = resolveSsoSession(
      config,
      chooseSsoSession(config, stringFlag(args, 'sso-session'), 'sync'),
      rt.env,
    );
    const options = {
      template: stringFlag(args, 'name'),
      region: regionOption(args, 'region', 'sync'),
      prune: booleanFlag(args, 'prune'),
      dryRun: booleanFlag(args, 'dry-run'),
      verbose: booleanFlag(args, 'verbose'),
    };
    const [{ withSessionLogin }, { sessionOfSsoSession }] = await Promise.all([
      lazy(() => import('../login/onDemand.ts')),
      lazy(() => import('../session/ref.ts')),
    ]);
    return withSessionLogin(rt, sessionOfSsoSession(session), booleanFlag(args, 'login'), 'sync', () =>
      runSync(rt, session, options),
    );
  },
};

/** `~/.aws/config` for a path under the home directory: shorter, and what people type. */
function tildePath(path: string, home: string | undefined): string {
  return home && path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

/**
 * What sync tells the user on stderr: one summary line, the warnings that need a decision, and
 * the next step; with `verbose`, every profile added, pruned, renamed or stale.
 */
export function syncReport(
  r: import('../org/sync.ts').SyncResult,
  o: { session: string; accounts: number; file: string; dryRun: boolean; verbose: boolean },
): string {
  const { plan } = r;
  const changes = [
    plan.added.length > 0 && `${plan.added.length} added`,
    plan.renamed.length > 0 && `${plan.renamed.length} renamed`,
    plan.pruned.length > 0 && `${plan.pruned.length} pruned`,
  ].filter(Boolean);
  const what = `${count(plan.profiles.length, 'profile')} for ${count(o.accounts, 'account')}`;
  let head: string;
  if (o.dryRun)
    head = `sso-session ${o.session}: dry run, ${what}${changes.length ? ` (${changes.join(', ')})` : ''}: ${r.changed ? 'nothing written; the diff is on stdout' : 'nothing would change'}`;
  else if (r.written)
    head = `sso-session ${o.session}: ${what} written to ${o.file}${changes.length ? ` (${changes.join(', ')})` : ''}`;
  else head = `sso-session ${o.session}: ${what}, already up to date in ${o.file}`;
  const lines = [`ssohelper: ${head}`];
  if (o.verbose) {
    lines.push(`  ${r.regionNote}`);
    for (const p of plan.added) lines.push(`  + ${p.name}`);
    for (const p of plan.pruned)
      lines.push(`  - ${p.name} (pruned: ${p.roleName} in ${p.accountId} is no longer assigned)`);
    for (const p of plan.renamed) lines.push(`  ~ ${p.from} -> ${p.to}`);
    for (const p of plan.stale)
      lines.push(`  ! ${p.name} is stale: ${p.roleName} in ${p.accountId} is no longer assigned (--prune removes it)`);
    for (const s of plan.skipped)
      lines.push(
        `  ! no profile for ${s.roleName} in ${s.accountId}: "${s.wanted}" and its variants are your own profiles (use --name)`,
      );
  } else {
    if (plan.stale.length > 0)
      lines.push(
        `  ! ${count(plan.stale.length, 'profile')} for roles no longer assigned: --prune removes them, --verbose names them`,
      );
    if (plan.skipped.length > 0)
      lines.push(
        `  ! ${count(plan.skipped.length, 'role')} without a profile: your own profiles hold every name they could take (use --name; --verbose names them)`,
      );
  }
  if (r.alsoByHand.length > 0) {
    const shown =
      r.alsoByHand.slice(0, 5).join(', ') + (r.alsoByHand.length > 5 ? `, … (${r.alsoByHand.length} in all)` : '');
    lines.push(
      `  note: your own profiles ${shown} point at roles the managed block covers too; sync leaves them as they are (delete them if they were pasted from list --output config)`,
    );
  }
  const first = plan.profiles.map((p) => p.name).sort()[0];
  if (!o.dryRun && first)
    lines.push(`  next: ssohelper use ${first}   (or: ssohelper exec ${first} -- aws sts get-caller-identity)`);
  return `${lines.join('\n')}\n`;
}

/** Lists, writes, and tells the user on stderr what changed; stdout gets the diff of --dry-run. */
export async function runSync(
  rt: Runtime,
  session: import('../config/profile.ts').SsoSessionSettings,
  options: import('../org/sync.ts').SyncOptions,
): Promise<string> {
  const [{ syncSession }, { checkTemplate, DEFAULT_TEMPLATE }, { sessionOfSsoSession }, { listAndKeep }] =
    await Promise.all([
      lazy(() => import('../org/sync.ts')),
      lazy(() => import('../org/naming.ts')),
      lazy(() => import('../session/ref.ts')),
      lazy(() => import('../org/accountsCache.ts')),
    ]);
  checkTemplate(options.template ?? DEFAULT_TEMPLATE);
  const assignments = await listAndKeep(rt, sessionOfSsoSession(session));
  // Read again after the listing: it can take a while, and the file is what we must not lose.
  const config = await loadConfig(rt.paths);
  const r = await syncSession(rt, config, session, assignments, options);
  rt.stderr(
    syncReport(r, {
      session: session.sessionName,
      accounts: assignments.length,
      file: tildePath(rt.paths.configFile, rt.env.HOME),
      dryRun: options.dryRun,
      verbose: options.verbose ?? false,
    }),
  );
  return options.dryRun ? r.diff : '';
}
