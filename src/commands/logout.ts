import { stringFlag } from '../cli/args.ts';
import { UsageError } from '../errors.ts';
import { loadConfig } from '../config/load.ts';
import type { Command } from '../cli/command.ts';
import { lazy } from '../util/load.ts';
import { count } from '../util/plural.ts';

export const logout: Command = {
  name: 'logout',
  summary: 'end SSO sessions and delete their cached tokens and credentials',
  usage: 'ssohelper logout [--sso-session NAME | --profile PROFILE]',
  description: [
    'As `aws sso logout`: signs out of every cached SSO session (IAM Identity Center revokes the',
    'token), deletes the token files in ~/.aws/sso/cache and the SSO role credentials in',
    '~/.aws/cli/cache. Client registrations are kept, so the next login is quicker.',
    'With --sso-session, only that session, and the cached credentials of the profiles that use',
    'it. Credentials already handed out stay valid at AWS until they expire.',
    '',
    'Console sessions (`aws login`, profiles with login_session) are kept by a plain logout, which',
    "names each with the command that removes it: --profile PROFILE deletes that profile's",
    'session file in ~/.aws/login/cache, as `aws logout --profile PROFILE` does.',
  ].join('\n'),
  examples: ['ssohelper logout', 'ssohelper logout --sso-session corp', 'ssohelper logout --profile console'],
  flags: [
    { name: 'sso-session', type: 'string', valueName: 'NAME', description: 'log out of this sso-session only' },
    {
      name: 'profile',
      type: 'string',
      valueName: 'PROFILE',
      description: "remove this profile's console session (aws login) only",
    },
  ],
  maxPositionals: 0,
  async run(rt, args) {
    const config = await loadConfig(rt.paths);
    const sessionName = stringFlag(args, 'sso-session');
    const consoleProfile = stringFlag(args, 'profile');
    if (consoleProfile !== undefined) {
      if (sessionName !== undefined) throw new UsageError('logout: use --sso-session or --profile, not both');
      const { logoutConsoleSession } = await lazy(() => import('../login/consoleLogout.ts'));
      const { sessionName: name, removed } = await logoutConsoleSession(rt, config, consoleProfile);
      rt.stderr(
        removed
          ? `ssohelper: removed the console session ${name} (profile ${consoleProfile})\n`
          : `ssohelper: no console session ${name} to remove (profile ${consoleProfile})\n`,
      );
      return '';
    }
    const { logoutAll, logoutSession } = await lazy(() => import('../session/logout.ts'));
    let result: Awaited<ReturnType<typeof logoutAll>>;
    if (sessionName !== undefined) {
      const { loginTarget } = await lazy(() => import('../session/target.ts'));
      result = await logoutSession(
        rt,
        config,
        loginTarget(config, { profile: undefined, ssoSession: sessionName }, rt.env, 'logout'),
      );
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
    if (sessionName === undefined) {
      const { cachedConsoleSessions } = await lazy(() => import('../login/consoleLogout.ts'));
      for (const c of await cachedConsoleSessions(rt, config)) {
        const remove = c.profiles[0] ? `ssohelper logout --profile ${c.profiles[0]}` : `rm ${c.cacheFile}`;
        rt.stderr(
          `ssohelper: kept the console session ${c.sessionName ?? c.cacheFile} (aws login); to remove it: ${remove}\n`,
        );
      }
    }
    return '';
  },
};
