import { formatCredentials } from '../format/credentials.ts';
import type { Command } from '../cli/command.ts';
import { CREDENTIAL_FLAGS, credentialsFor, PROFILE_FLAG } from './credentialFlags.ts';

export const get: Command = {
  name: 'get',
  summary: 'print credentials as credential_process JSON',
  usage: 'ssohelper get [PROFILE] [--min-ttl DURATION] [--refresh] [--login]',
  description: [
    'Prints role credentials for an SSO profile as the JSON that credential_process expects,',
    'byte-identical to `aws configure export-credentials --format process`. Cached credentials',
    'are reused (shared with the AWS CLI) while at least 15 minutes remain; otherwise one',
    'process fetches new ones while concurrent callers wait for its result.',
    'Put it in a profile that has no sso_* keys of its own:',
    '',
    '  [profile dev]',
    '  credential_process = ssohelper get dev-sso',
  ].join('\n'),
  examples: [
    'ssohelper get dev-sso',
    'ssohelper get --profile dev-sso --min-ttl 2h',
    'ssohelper get dev-sso --login   (signs in first when the session has expired)',
  ],
  flags: [PROFILE_FLAG, ...CREDENTIAL_FLAGS],
  maxPositionals: 1,
  async run(rt, args) {
    const { creds } = await credentialsFor(rt, args, 'get');
    return formatCredentials(creds, 'process');
  },
};
