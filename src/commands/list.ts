// Lists the accounts and roles the SSO session can use, for people choosing what to put in
// sso_account_id / sso_role_name, and can print ready-made profile sections for them.
import { stringFlag } from '../cli/args.ts';
import { loadConfig } from '../config/load.ts';
import { UsageError } from '../errors.ts';
import { accountTable, type Assignment, configSections } from '../format/list.ts';
import type { Command } from './command.ts';
import { PROFILE_FLAG } from './credentialsCommon.ts';

const OUTPUTS = ['text', 'json', 'config'] as const;
// The portal allows about 20 requests a second; a few in flight keeps well below that.
const PARALLEL_ROLE_LISTINGS = 4;

export const list: Command = {
  name: 'list',
  summary: 'list the accounts and roles your SSO session can use',
  usage: 'ssohelper list [--profile PROFILE | --sso-session NAME] [--output text|json|config]',
  description: [
    'Lists every account and role available to the logged-in SSO session.',
    '--output config prints a [profile …] section for each, ready to paste into ~/.aws/config.',
  ].join('\n'),
  examples: ['ssohelper list --sso-session corp', 'ssohelper list --output config >> ~/.aws/config'],
  flags: [
    PROFILE_FLAG,
    { name: 'sso-session', type: 'string', valueName: 'NAME', description: 'the sso-session to list (instead of a profile\'s)' },
    { name: 'output', type: 'string', valueName: 'FORMAT', description: 'text (default), json, or config' },
  ],
  maxPositionals: 0,
  async run(rt, args) {
    const output = stringFlag(args, 'output') ?? 'text';
    if (!(OUTPUTS as readonly string[]).includes(output)) throw new UsageError(`list: unknown output "${output}"; choose ${OUTPUTS.join(', ')}`);
    const [{ loginRequired, usableToken }, { listAccountRoles, listAccounts }, { loginTarget }, { describeSession }] = await Promise.all([
      import('../credentials/token.ts'),
      import('../sso/portal.ts'),
      import('../session/target.ts'),
      import('../session/ref.ts'),
    ]);
    const config = await loadConfig(rt.paths);
    const session = loginTarget(config, { profile: stringFlag(args, 'profile'), ssoSession: stringFlag(args, 'sso-session') }, rt.env, 'list');
    const token = await usableToken(rt, session);
    const api = {
      rt,
      endpoint: { url: session.endpoints.sso, region: session.ssoRegion },
      loginRequired: () => loginRequired(session, `the SSO session for ${describeSession(session)} is no longer valid (it was revoked or has expired)`),
    };
    const accounts = await listAccounts(api, token.accessToken);
    const assignments: Assignment[] = [];
    for (let i = 0; i < accounts.length; i += PARALLEL_ROLE_LISTINGS) {
      const batch = accounts.slice(i, i + PARALLEL_ROLE_LISTINGS);
      const roles = await Promise.all(batch.map((a) => listAccountRoles(api, token.accessToken, a.accountId)));
      batch.forEach((a, j) => {
        assignments.push({ ...a, roles: (roles[j] ?? []).sort() });
      });
    }
    assignments.sort((a, b) => (a.accountName ?? a.accountId).localeCompare(b.accountName ?? b.accountId));
    if (output === 'json') return `${JSON.stringify({ accounts: assignments }, null, 2)}\n`;
    if (output === 'config') return configSections(assignments, session.sessionName, session.startUrl, session.ssoRegion);
    return accountTable(assignments);
  },
};
