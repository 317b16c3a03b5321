import { stringFlag } from '../cli/args.ts';
import { formatCredentials } from '../format/credentials.ts';
import type { Command } from '../cli/command.ts';
import { chosenFormat, CREDENTIAL_FLAGS, credentialsFor, formatFlag, PROFILE_FLAG } from './credentialFlags.ts';
import { fullProgram } from '../util/load.ts';

export const exportCredentials: Command = {
  name: 'export-credentials',
  summary: 'drop-in for `aws configure export-credentials`',
  usage:
    'ssohelper export-credentials [--profile PROFILE] [--format FORMAT] [--min-ttl DURATION] [--refresh] [--login]',
  description: [
    'Prints role credentials exactly as `aws configure export-credentials` does, byte for byte,',
    'in any of its formats (fish included), so scripts can switch without other changes.',
    'Like it, without a profile on the command line, keys in AWS_ACCESS_KEY_ID and',
    'AWS_SECRET_ACCESS_KEY win over AWS_PROFILE and are printed as they are.',
  ].join('\n'),
  examples: ['ssohelper export-credentials --profile dev --format env-no-export'],
  flags: [PROFILE_FLAG, formatFlag('process'), ...CREDENTIAL_FLAGS],
  maxPositionals: 1,
  async run(rt, args) {
    const format = chosenFormat(args, 'process');
    if (args.positionals[0] === undefined && stringFlag(args, 'profile') === undefined && rt.env.AWS_ACCESS_KEY_ID) {
      // The AWS CLI's credential chain puts the environment first unless --profile is given.
      const { environmentCredentials } = await fullProgram(() => import('../credentials/source.ts'));
      return formatCredentials(
        environmentCredentials(rt, 'the environment variables AWS_ACCESS_KEY_ID and friends'),
        format,
      );
    }
    const { creds } = await credentialsFor(rt, args, 'export-credentials');
    return formatCredentials(creds, format);
  },
};
