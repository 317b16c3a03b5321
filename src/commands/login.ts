import { booleanFlag, type FlagSpec, type ParsedArgs, stringFlag } from '../cli/args.ts';
import { loadConfig } from '../config/load.ts';
import { LockTimeoutError } from '../errors.ts';
import type { Command } from '../cli/command.ts';
import type { Runtime } from '../runtime.ts';
import type { SessionRef } from '../session/ref.ts';
import { lazy } from '../util/load.ts';

/** How to sign in; init signs in too and takes the same flags. */
export const LOGIN_FLAGS: FlagSpec[] = [
  {
    name: 'use-device-code',
    type: 'boolean',
    description: 'use the device code flow (approve on any device) instead of the browser redirect',
  },
  { name: 'no-browser', type: 'boolean', description: 'do not open a browser; print the URL to open' },
];

/**
 * Signs in to `session` as the login flags ask (login, init). Another process's login to the
 * same session that outlasts the lock wait is a lock timeout (exit 7); `hint` says what next.
 */
export async function signIn(
  rt: Runtime,
  session: SessionRef,
  args: ParsedArgs,
  started: number,
  hint: string,
): Promise<void> {
  const { loginOnce } = await lazy(() => import('../login/login.ts'));
  const options = {
    useDeviceCode: booleanFlag(args, 'use-device-code'),
    noBrowser: booleanFlag(args, 'no-browser'),
    onDemand: false,
  };
  if (!(await loginOnce(rt, session, options, started)))
    throw new LockTimeoutError('another ssohelper process is still logging in to this session', hint);
}

export const login: Command = {
  name: 'login',
  summary: 'sign in to IAM Identity Center (browser or device code)',
  usage: 'ssohelper login [--profile PROFILE | --sso-session NAME] [--use-device-code] [--no-browser]',
  description: [
    'Signs in and saves the SSO token where the AWS CLI, botocore and the AWS SDKs look for it,',
    'so they, and every ssohelper command, use the session without another login.',
    '',
    'Profiles with an sso-session sign in with a browser on this computer (authorization code',
    'with PKCE). Legacy profiles and --use-device-code use the device code flow instead: open the',
    'URL on any device and approve the code shown; so do SSH sessions and machines without a',
    'display, unless BROWSER is set. The browser is opened with the BROWSER command when set,',
    'else xdg-open, open, start or wslview (WSL); with --no-browser, or over SSH or without a',
    'display and no BROWSER, the URL is only printed. A browser sign-in that is not finished',
    'within 10 minutes is abandoned. Ctrl-C stops a login and saves nothing.',
  ].join('\n'),
  examples: [
    'ssohelper login --sso-session corp',
    'ssohelper login --profile dev --use-device-code',
    'ssh host ssohelper login --no-browser',
  ],
  flags: [
    {
      name: 'profile',
      type: 'string',
      valueName: 'PROFILE',
      description:
        'log in to the SSO session of this profile (default: AWS_PROFILE, AWS_DEFAULT_PROFILE, then "default")',
    },
    {
      name: 'sso-session',
      type: 'string',
      valueName: 'NAME',
      description: 'log in to this [sso-session NAME] directly',
    },
    ...LOGIN_FLAGS,
  ],
  maxPositionals: 0,
  async run(rt, args) {
    const started = rt.now();
    const { loginTarget } = await lazy(() => import('../session/target.ts'));
    const config = await loadConfig(rt.paths);
    const session = loginTarget(
      config,
      { profile: stringFlag(args, 'profile'), ssoSession: stringFlag(args, 'sso-session') },
      rt.env,
      'login',
    );
    await signIn(rt, session, args, started, 'wait for it to finish, or stop it and run the login again');
    return '';
  },
};
