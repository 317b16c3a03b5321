// Lists the accounts and roles the SSO session can use, for people choosing what to put in
// sso_account_id / sso_role_name, and can print ready-made profile sections for them.
import { stringFlag } from '../cli/args.ts';
import { loadConfig } from '../config/load.ts';
import { accountTable, configSections } from '../org/listOutput.ts';
import type { Assignment } from '../org/listing.ts';
import type { Command } from '../cli/command.ts';
import { PROFILE_FLAG } from './credentialFlags.ts';
import { lazy } from '../util/load.ts';

export const list: Command = {
  name: 'list',
  summary: 'list the accounts and roles your SSO session can use',
  usage: 'ssohelper list [--profile PROFILE | --sso-session NAME] [--output text|json|config]',
  description: [
    'Lists every account and role available to the logged-in SSO session.',
    '--output config prints a [profile …] section for each; to add them to ~/.aws/config and keep',
    'them current, use `ssohelper sync` instead.',
  ].join('\n'),
  examples: ['ssohelper list --sso-session corp', 'ssohelper list --output json | jq \'.accounts[].accountId\''],
  flags: [
    PROFILE_FLAG,
    { name: 'sso-session', type: 'string', valueName: 'NAME', description: 'the sso-session to list (instead of a profile\'s)' },
    { name: 'output', type: 'string', valueName: 'FORMAT', description: 'text (default), json, or config', values: ['text', 'json', 'config'] },
  ],
  maxPositionals: 0,
  async run(rt, args) {
    const output = stringFlag(args, 'output') ?? 'text';
    const [{ listSessionAssignments }, { loginTarget }] = await Promise.all([lazy(() => import('../org/sync.ts')), lazy(() => import('../session/target.ts'))]);
    const config = await loadConfig(rt.paths);
    const session = loginTarget(config, { profile: stringFlag(args, 'profile'), ssoSession: stringFlag(args, 'sso-session') }, rt.env, 'list');
    const assignments: Assignment[] = await listSessionAssignments(rt, session);
    assignments.sort((a, b) => (a.accountName ?? a.accountId).localeCompare(b.accountName ?? b.accountId));
    if (output === 'json') return `${JSON.stringify({ accounts: assignments }, null, 2)}\n`;
    if (output === 'config') return configSections(assignments, session, new Set(config.profiles.keys()));
    return accountTable(assignments);
  },
};
