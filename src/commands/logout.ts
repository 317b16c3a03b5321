import { stringFlag } from '../cli/args.ts';
import { loadConfig } from '../config/load.ts';
import type { Command } from '../cli/command.ts';
import { lazy } from '../util/load.ts';
import { count } from '../util/plural.ts';

export const logout: Command = {
  name: 'logout',
  summary: 'end SSO sessions and delete their cached tokens and credentials',
  usage: 'ssohelper logout [--sso-session NAME]',
  description: [
    'As `aws sso logout`: signs out of every cached SSO session (IAM Identity Center revokes the',
    'token), deletes the token files in ~/.aws/sso/cache and the SSO role credentials in',
    '~/.aws/cli/cache. Client registrations are kept, so the next login is quicker.',
    'With --sso-session, only that session, and the cached credentials of the profiles that use',
    'it. Credentials already handed out stay valid at AWS until they expire.',
  ].join('\n'),
  examples: ['ssohelper logout', 'ssohelper logout --sso-session corp'],
  flags: [{ name: 'sso-session', type: 'string', valueName: 'NAME', description: 'log out of this sso-session only' }],
  maxPositionals: 0,
  async run(rt, args) {
    const config = await loadConfig(rt.paths);
    const sessionName = stringFlag(args, 'sso-session');
    const { logoutAll, logoutSession } = await lazy(() => import('../session/logout.ts'));
    let result: Awaited<ReturnType<typeof logoutAll>>;
    if (sessionName !== undefined) {
      const { loginTarget } = await lazy(() => import('../session/target.ts'));
      result = await logoutSession(rt, config, loginTarget(config, { profile: undefined, ssoSession: sessionName }, rt.env, 'logout'));
    } else {
      result = await logoutAll(rt, config);
    }
    const creds = `${count(result.roleEntries, 'cached role credential')} removed`;
    if (result.tokens.length === 0) {
      rt.stderr(`ssohelper: no SSO login to end${sessionName ? ` for sso-session ${sessionName}` : ''}; ${creds}\n`);
    } else {
      for (const t of result.tokens) rt.stderr(`ssohelper: logged out of ${t}\n`);
      rt.stderr(`ssohelper: ${creds}; client registrations kept\n`);
    }
    return '';
  },
};
