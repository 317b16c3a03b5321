import { booleanFlag, stringFlag } from '../cli/args.ts';
import type { Command } from '../cli/command.ts';
import { REGION } from '../config/profile.ts';
import { LoginRequiredError, UsageError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { lazy } from '../util/load.ts';
import { regionOption } from './credentialFlags.ts';
import { LOGIN_FLAGS, signIn } from './login.ts';
import { REPORT_FLAGS, SYNC_FLAGS, runSync } from './sync.ts';

export const init: Command = {
  name: 'init',
  summary: 'set up an sso-session, log in, and add a profile for every account and role',
  usage:
    'ssohelper init [--start-url URL] [--sso-region REGION] [--sso-session NAME] [--region REGION] [--name TEMPLATE] [--verbose]',
  description: [
    'Writes [sso-session NAME] (sso_start_url, sso_region, sso_registration_scopes =',
    'sso:account:access) into ~/.aws/config unless an identical one is there, logs in (a browser',
    'on this computer, or --use-device-code), then runs `ssohelper sync` for it: one profile per',
    "account and role, kept current by running sync again. NAME defaults to the start URL's",
    'first host label (my-org for https://my-org.awsapps.com/start). A different existing',
    '[sso-session NAME] is never overwritten. Prints what it wrote on stderr.',
    '',
    'On a terminal, init asks for the start URL, the SSO region and the session name when they',
    'are not given, as `aws configure sso` does (Enter takes the default in brackets). Without a',
    'terminal, --start-url and --sso-region are required.',
  ].join('\n'),
  examples: [
    'ssohelper init --start-url https://my-org.awsapps.com/start --sso-region eu-west-1',
    'ssohelper init --start-url https://d-1234567890.awsapps.com/start --sso-region us-east-1 --sso-session corp --region eu-central-1',
  ],
  flags: [
    {
      name: 'start-url',
      type: 'string',
      valueName: 'URL',
      description: 'the AWS access portal URL (asked on a terminal)',
    },
    {
      name: 'sso-region',
      type: 'string',
      valueName: 'REGION',
      description: 'the region of IAM Identity Center (asked on a terminal)',
    },
    {
      name: 'sso-session',
      type: 'string',
      valueName: 'NAME',
      description: 'name of the [sso-session] (default: from the start URL)',
    },
    ...SYNC_FLAGS,
    ...LOGIN_FLAGS,
    ...REPORT_FLAGS,
  ],
  maxPositionals: 0,
  async run(rt, args) {
    // Bad flags fail before any question is asked.
    const region = regionOption(args, 'region', 'init');
    regionOption(args, 'sso-region', 'init');
    const { startUrl, ssoRegion, sessionName } = await answers(rt, {
      startUrl: stringFlag(args, 'start-url'),
      ssoRegion: stringFlag(args, 'sso-region'),
      sessionName: stringFlag(args, 'sso-session'),
    });
    const started = rt.now();
    const [{ ensureSsoSession }, { loadConfig }, { resolveSsoSession }, { sessionOfSsoSession }, { usableToken }] =
      await Promise.all([
        lazy(() => import('../org/init.ts')),
        lazy(() => import('../config/load.ts')),
        lazy(() => import('../config/profile.ts')),
        lazy(() => import('../session/ref.ts')),
        lazy(() => import('../credentials/token.ts')),
      ]);
    const name = await ensureSsoSession(rt, { startUrl, ssoRegion, name: sessionName });
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
    else await signIn(rt, ref, args, started, 'wait for it to finish, then run: ssohelper sync');
    return runSync(rt, session, {
      template: stringFlag(args, 'name'),
      region,
      prune: false,
      dryRun: false,
      verbose: booleanFlag(args, 'verbose'),
    });
  },
};

interface Answers {
  startUrl: string;
  ssoRegion: string;
  /** Undefined: the default (an existing section for this portal, else one named after it). */
  sessionName: string | undefined;
}

/** What the flags left out, asked on a terminal; a usage error anywhere else. */
async function answers(rt: Runtime, given: Partial<Record<keyof Answers, string>>): Promise<Answers> {
  if (given.startUrl && given.ssoRegion)
    return { startUrl: given.startUrl, ssoRegion: given.ssoRegion, sessionName: given.sessionName };
  if (!rt.interactive)
    throw new UsageError(
      'init: --start-url and --sso-region are both required without a terminal',
      'on a terminal, init asks for them (see: ssohelper init --help)',
    );
  const [{ ask, terminalReader }, { checkStartUrl, sessionNameFromUrl }] = await Promise.all([
    lazy(() => import('../tui/ask.ts')),
    lazy(() => import('../org/init.ts')),
  ]);
  const reader = terminalReader(rt.terminal.fancy('stderr'));
  const say = (text: string) => rt.stderr(text);
  const problem = (check: () => unknown) => {
    try {
      check();
      return undefined;
    } catch (err) {
      if (err instanceof UsageError) return err.message;
      throw err;
    }
  };
  try {
    const startUrl =
      given.startUrl ??
      (await ask(
        reader,
        { prompt: 'SSO start URL (the AWS access portal)', check: (a) => problem(() => checkStartUrl(a)) },
        say,
      ));
    const ssoRegion =
      given.ssoRegion ??
      (await ask(
        reader,
        {
          prompt: 'SSO region (where IAM Identity Center runs)',
          defaultValue: rt.env.AWS_REGION || rt.env.AWS_DEFAULT_REGION || 'us-east-1',
          check: (a) => (REGION.test(a) ? undefined : `"${a}" is not an AWS region name like us-east-1`),
        },
        say,
      ));
    let sessionName = given.sessionName;
    if (sessionName === undefined) {
      const suggested = sessionNameFromUrl(startUrl);
      const answer = await ask(
        reader,
        {
          prompt: 'SSO session name',
          defaultValue: suggested,
          check: (a) => (/^[A-Za-z0-9._-]+$/.test(a) ? undefined : 'use letters, digits, ".", "_" and "-" only'),
        },
        say,
      );
      sessionName = answer === suggested ? undefined : answer;
    }
    return { startUrl, ssoRegion, sessionName };
  } finally {
    reader.close();
  }
}
