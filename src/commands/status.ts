import { booleanFlag, stringFlag } from '../cli/args.ts';
import { EXIT } from '../errors.ts';
import type { Command } from '../cli/command.ts';
import { OUTPUT_FLAG } from './credentialFlags.ts';
import { heldKeys, shortTimeLeft } from '../shell/held.ts';
import type { Runtime } from '../runtime.ts';
import { lazy } from '../util/load.ts';

export const status: Command = {
  name: 'status',
  summary: 'show SSO sessions and cached credentials, and when a login is due',
  usage: 'ssohelper status [PROFILE] [--output json] [--check]',
  description: [
    'Starts with the profile whose keys this shell holds (from `use`, `env` or `exec`) and their',
    'time left. Then lists every SSO session in the token cache (~/.aws/sso/cache) and every sso-session in the',
    'config: start URL, SSO region, time left, whether it renews itself, and when the next login',
    'is needed; then the cached role credentials (~/.aws/cli/cache) with their time left.',
    "With PROFILE, only that profile's session and credentials. Reads only: nothing is refreshed,",
    'written or locked. --output json prints the same as a stable JSON document.',
    '',
    '--check is for scripts and CI: it prints nothing (unless --output json), names on stderr',
    'each configured session that needs a login, and exits 4 if any does, 0 otherwise. It asks',
    'the portal about each session the cache calls valid (one request each, 5 s at most): a',
    'session revoked or ended by IAM Identity Center needs a login too. A portal it cannot reach',
    'leaves the verdict to the cache, with a warning; a token due for renewal is renewed first.',
  ].join('\n'),
  examples: [
    'ssohelper status',
    'ssohelper status dev --output json | jq .sessions[0].secondsLeft',
    'ssohelper status --check || ssohelper login',
  ],
  flags: [
    OUTPUT_FLAG,
    {
      name: 'check',
      type: 'boolean',
      description: 'exit 4 when any configured session needs a login, asking the portal (prints nothing)',
    },
  ],
  maxPositionals: 1,
  async run(rt, args) {
    const output = stringFlag(args, 'output') ?? 'text';
    const { statusReport } = await lazy(() => import('../status/collect.ts'));
    const report = await statusReport(rt, args.positionals[0]);
    if (booleanFlag(args, 'check')) {
      // Sessions only the cache knows (another start URL, long gone) are not the user's concern.
      const configured = report.sessions.filter((s) => s.sessionName !== null || s.profiles.length > 0);
      const due = configured.filter((s) => s.loginRequired);
      for (const s of due)
        rt.stderr(
          `ssohelper: ${s.sessionName ? `sso-session ${s.sessionName}` : `profile ${s.profiles[0]}`} needs a login: ${s.loginCommand}\n`,
        );
      // The cache calls these valid: only the portal knows whether they still are.
      const [{ loadConfig }, { loginTarget }, { portalRefusal }] = await Promise.all([
        lazy(() => import('../config/load.ts')),
        lazy(() => import('../session/target.ts')),
        lazy(() => import('../status/check.ts')),
      ]);
      const config = await loadConfig(rt.paths);
      let refused = 0;
      for (const s of configured.filter((c) => !c.loginRequired)) {
        const ref = loginTarget(
          config,
          s.sessionName
            ? { profile: undefined, ssoSession: s.sessionName }
            : { profile: s.profiles[0], ssoSession: undefined },
          rt.env,
          'status',
        );
        const refusal = await portalRefusal(rt, ref);
        if (!refusal) continue;
        refused++;
        rt.stderr(`ssohelper: ${refusal.message}: ${s.loginCommand}\n`);
      }
      return {
        stdout: output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : '',
        exitCode: due.length + refused > 0 ? EXIT.loginRequired : EXIT.ok,
      };
    }
    const shell = thisShell(rt);
    if (output === 'json') return `${JSON.stringify({ ...report, shell }, null, 2)}\n`;
    const { renderStatus } = await lazy(() => import('../status/render.ts'));
    const line = shell
      ? `this shell: ${shell.profile}${shell.expiresAt ? `, ${shell.secondsLeft > 0 ? `${shortTimeLeft(new Date(shell.expiresAt), new Date(rt.now()))} left` : 'expired'}` : ''}\n\n`
      : '';
    return line + renderStatus(report, rt.terminal.width('stdout'));
  },
};

/** The keys this shell holds from ssohelper, as the JSON report's `shell` (null when none). */
function thisShell(rt: Runtime): { profile: string; expiresAt: string | null; secondsLeft: number } | null {
  const held = heldKeys(rt.env);
  if (!held) return null;
  const expiresAt = held.expiresAt ? `${held.expiresAt.toISOString().slice(0, 19)}Z` : null;
  return {
    profile: held.profile,
    expiresAt,
    secondsLeft: held.expiresAt ? Math.floor((held.expiresAt.getTime() - rt.now()) / 1000) : 0,
  };
}
