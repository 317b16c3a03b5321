import { booleanFlag, stringFlag } from '../cli/args.ts';
import { LockTimeoutError, LoginRequiredError, UsageError } from '../errors.ts';
import type { Command } from './command.ts';
import { LOGIN_FLAGS } from './login.ts';
import { REPORT_FLAGS, regionFlag, SYNC_FLAGS, runSync } from './sync.ts';

export const init: Command = {
  name: 'init',
  summary: 'set up an sso-session, log in, and add a profile for every account and role',
  usage: 'ssohelper init --start-url URL --sso-region REGION [--sso-session NAME] [--region REGION] [--name TEMPLATE]',
  description: [
    'Writes [sso-session NAME] (sso_start_url, sso_region, sso_registration_scopes =',
    'sso:account:access) into ~/.aws/config unless an identical one is there, logs in (a browser',
    'on this computer, or --use-device-code), then runs `ssohelper sync` for it: one profile per',
    'account and role, kept current by running sync again. NAME defaults to the start URL\'s',
    'first host label (my-org for https://my-org.awsapps.com/start). A different existing',
    '[sso-session NAME] is never overwritten. Prints what it wrote on stderr.',
  ].join('\n'),
  examples: [
    'ssohelper init --start-url https://my-org.awsapps.com/start --sso-region eu-west-1',
    'ssohelper init --start-url https://d-1234567890.awsapps.com/start --sso-region us-east-1 --sso-session corp --region eu-central-1',
  ],
  flags: [
    { name: 'start-url', type: 'string', valueName: 'URL', description: 'the AWS access portal URL (required)' },
    { name: 'sso-region', type: 'string', valueName: 'REGION', description: 'the region of IAM Identity Center (required)' },
    { name: 'sso-session', type: 'string', valueName: 'NAME', description: 'name of the [sso-session] (default: from the start URL)' },
    ...SYNC_FLAGS,
    ...LOGIN_FLAGS,
    ...REPORT_FLAGS,
  ],
  maxPositionals: 0,
  async run(rt, args) {
    const startUrl = stringFlag(args, 'start-url');
    const ssoRegion = stringFlag(args, 'sso-region');
    if (!startUrl || !ssoRegion) throw new UsageError('init: --start-url and --sso-region are both required', 'see: ssohelper init --help');
    const started = rt.now();
    const [{ ensureSsoSession }, { loadConfig }, { resolveSsoSession }, { sessionOfSsoSession }, { usableToken }, { loginOnce }] = await Promise.all([
      import('../org/init.ts'),
      import('../config/load.ts'),
      import('../config/profile.ts'),
      import('../session/ref.ts'),
      import('../credentials/token.ts'),
      import('../login/login.ts'),
    ]);
    const region = regionFlag(stringFlag(args, 'region'));
    const name = await ensureSsoSession(rt, { startUrl, ssoRegion: regionFlag(ssoRegion) as string, name: stringFlag(args, 'sso-session') });
    const session = resolveSsoSession(await loadConfig(rt.paths), name, rt.env);
    const ref = sessionOfSsoSession(session);
    const loggedIn = await usableToken(rt, ref).then(
      () => true,
      (err) => {
        if (err instanceof LoginRequiredError) return false;
        throw err;
      },
    );
    if (loggedIn) rt.stderr(`ssohelper: already logged in to sso-session ${name}\n`);
    else {
      const options = { useDeviceCode: booleanFlag(args, 'use-device-code'), noBrowser: booleanFlag(args, 'no-browser'), onDemand: false };
      if (!(await loginOnce(rt, ref, options, started))) {
        throw new LockTimeoutError('another ssohelper process is still logging in to this session', 'wait for it to finish, then run: ssohelper sync');
      }
    }
    return runSync(rt, session, { template: stringFlag(args, 'name'), region, prune: false, dryRun: false, verbose: booleanFlag(args, 'verbose') });
  },
};
