import type { Command } from '../cli/command.ts';
import { booleanFlag, stringFlag } from '../cli/args.ts';
import { CREDENTIAL_FLAGS, credentialRequest, PROFILE_FLAG } from './credentialFlags.ts';
import { lazy } from '../util/load.ts';

export const consoleCommand: Command = {
  name: 'console',
  summary: "open the AWS Management Console as the profile's role",
  usage: 'ssohelper console [PROFILE] [--print] [--destination URL] [--min-ttl DURATION] [--refresh] [--login]',
  description: [
    "Signs in to the AWS Management Console with the profile's role credentials, without picking",
    'the account and role again in the portal: gets a sign-in token from the AWS federation',
    "endpoint (AWS_ENDPOINT_URL_SIGNIN overrides it) and opens the console for the profile's",
    "region in your browser (BROWSER, then the system's opener). --destination picks the page:",
    'a console URL or a path such as /s3/home. --print prints the sign-in URL instead.',
    'The URL signs in whoever opens it within 15 minutes: treat it like a password.',
  ].join('\n'),
  examples: [
    'ssohelper console dev',
    'ssohelper console dev --destination /cloudwatch/home',
    'ssohelper console dev --print | xclip   (the URL is a secret)',
  ],
  flags: [
    PROFILE_FLAG,
    { name: 'print', type: 'boolean', description: 'print the sign-in URL (a secret) instead of opening a browser' },
    {
      name: 'destination',
      type: 'string',
      valueName: 'URL',
      description: 'console page to open: an https:// console URL or a path like /ec2/home',
    },
    ...CREDENTIAL_FLAGS,
  ],
  maxPositionals: 1,
  async run(rt, args) {
    const { runConsole } = await lazy(() => import('../console/open.ts'));
    return runConsole(rt, {
      credentials: credentialRequest(rt, args, 'console'),
      refresh: booleanFlag(args, 'refresh'),
      destination: stringFlag(args, 'destination'),
      print: booleanFlag(args, 'print'),
    });
  },
};
