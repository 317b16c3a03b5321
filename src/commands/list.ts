// Lists the profiles this machine has (offline, from the config and caches), or with --remote
// the accounts and roles the SSO session can use, from a listing kept a day.
import { booleanFlag, stringFlag } from '../cli/args.ts';
import { loadConfig } from '../config/load.ts';
import { INIT_HINT } from '../config/profile.ts';
import { ConfigError, UsageError } from '../errors.ts';
import type { ProfileEntry } from '../status/profiles.ts';
import type { Command } from '../cli/command.ts';
import { PROFILE_FLAG } from './credentialFlags.ts';
import { lazy } from '../util/load.ts';

export const list: Command = {
  name: 'list',
  summary: 'list your profiles, or with --remote the accounts and roles you can use',
  usage:
    'ssohelper list [--remote [--refresh] [--login]] [--profile PROFILE | --sso-session NAME] [--output text|json|config]',
  description: [
    'Lists every profile in the config with its kind, account, role, sso-session and how long its',
    'cached credentials last. It reads only the config and the caches: instant, and offline.',
    'With --profile or --sso-session, only the profiles of that session.',
    '',
    '--remote lists every account and role the SSO session can use, with the profiles that use',
    'each. The listing is kept for 24 hours under ~/.aws/ssohelper/accounts/; --refresh, sync',
    'and a new login make the next one ask the portal again. --output config (which implies',
    '--remote) prints a [profile …] section for each role that has no profile yet; to add them',
    'to ~/.aws/config and keep them current, use `ssohelper sync` instead.',
  ].join('\n'),
  examples: [
    'ssohelper list',
    'ssohelper list --remote --sso-session corp',
    "ssohelper list --output json | jq -r '.profiles[].name'",
    'ssohelper list --remote --output config >> ~/.aws/config',
  ],
  flags: [
    {
      name: 'remote',
      type: 'boolean',
      description: 'list the accounts and roles of the SSO session (portal listing, kept 24 h)',
    },
    { name: 'refresh', type: 'boolean', description: 'with --remote: ask the portal now, not the kept listing' },
    { name: 'login', type: 'boolean', description: 'with --remote: log in first when the SSO session has expired' },
    PROFILE_FLAG,
    {
      name: 'sso-session',
      type: 'string',
      valueName: 'NAME',
      description: "the sso-session to list (instead of a profile's)",
    },
    {
      name: 'output',
      type: 'string',
      valueName: 'FORMAT',
      description: 'text (default), json, or config',
      values: ['text', 'json', 'config'],
    },
  ],
  maxPositionals: 0,
  async run(rt, args) {
    const output = stringFlag(args, 'output') ?? 'text';
    const remote = booleanFlag(args, 'remote') || output === 'config';
    for (const flag of ['refresh', 'login'])
      if (booleanFlag(args, flag) && !remote)
        throw new UsageError(
          `list: --${flag} applies to --remote only`,
          'the profile list is read from the config and the caches: add --remote to ask the portal',
        );
    const [{ listProfiles }, { loginTarget }, format] = await Promise.all([
      lazy(() => import('../status/profiles.ts')),
      lazy(() => import('../session/target.ts')),
      lazy(() => import('../org/listOutput.ts')),
    ]);
    const config = await loadConfig(rt.paths);
    if (config.profiles.size === 0 && config.ssoSessions.size === 0)
      throw new ConfigError(`no profiles in ${config.configFile}`, INIT_HINT);
    const chosen = { profile: stringFlag(args, 'profile'), ssoSession: stringFlag(args, 'sso-session') };
    const session =
      chosen.profile || chosen.ssoSession || remote ? loginTarget(config, chosen, rt.env, 'list') : undefined;
    const ofSession = (p: ProfileEntry) =>
      !session ||
      (session.sessionName
        ? p.ssoSession === session.sessionName
        : p.ssoSession === null && p.startUrl === session.startUrl);
    const profiles = (await listProfiles(rt)).filter(ofSession);
    const width = rt.terminal.width('stdout');
    if (!remote || !session) {
      if (output === 'json') return `${JSON.stringify({ profiles }, null, 2)}\n`;
      return format.profileTable(profiles, width);
    }
    const [{ sessionAccounts }, { withSessionLogin }] = await Promise.all([
      lazy(() => import('../org/accountsCache.ts')),
      lazy(() => import('../login/onDemand.ts')),
    ]);
    const listing = await withSessionLogin(rt, session, booleanFlag(args, 'login'), 'list --remote', () =>
      sessionAccounts(rt, session, { refresh: booleanFlag(args, 'refresh') }),
    );
    const assignments = [...listing.assignments].sort((a, b) =>
      (a.accountName ?? a.accountId).localeCompare(b.accountName ?? b.accountId),
    );
    const byRole = new Map<string, string[]>();
    for (const p of profiles) {
      if (p.kind !== 'sso' || !p.accountId || !p.roleName) continue;
      const key = format.roleKey(p.accountId, p.roleName);
      byRole.set(key, [...(byRole.get(key) ?? []), p.name]);
    }
    if (listing.fromCache)
      rt.debug(`account listing from ${new Date(listing.listedAt).toISOString()} (--refresh asks the portal)`);
    if (output === 'json') return format.accountsJson(assignments, byRole, listing.listedAt);
    if (output === 'config')
      return format.configSections(assignments, session, new Set(config.profiles.keys()), byRole);
    return format.accountTable(assignments, byRole, width);
  },
};
