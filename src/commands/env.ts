import type { Command } from '../cli/command.ts';
import { envOutput } from '../shell/variables.ts';
import {
  chosenFormat,
  chosenRegion,
  CREDENTIAL_FLAGS,
  credentialsFor,
  formatFlag,
  PROFILE_FLAG,
  REGION_FLAGS,
} from './credentialFlags.ts';

export const env: Command = {
  name: 'env',
  summary: 'print credentials as shell variable assignments',
  usage:
    'ssohelper env [PROFILE] [--format FORMAT] [--region REGION | --no-region] [--min-ttl DURATION] [--refresh] [--login]',
  description: [
    'Prints AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and',
    'AWS_CREDENTIAL_EXPIRATION for your shell, then AWS_REGION and AWS_DEFAULT_REGION when',
    'the profile sets a region, or REGION with --region (--no-region leaves them out).',
    'Formats: env (bash, zsh, sh: export K=V), env-no-export (K=V), powershell ($Env:K="V"),',
    'windows-cmd (set K=V), fish (set -gx K "V"), process (JSON).',
    'SSOHELPER_PROFILE names the profile (prompts and `status` read it); AWS_PROFILE and',
    'AWS_DEFAULT_PROFILE, when set, are removed so they cannot name another profile.',
    'To switch the shell you are in, `ssohelper use` (with the hook) does all of this.',
  ].join('\n'),
  examples: [
    'eval "$(ssohelper env dev)" && terraform plan',
    'ssohelper env dev --format powershell | Out-String | Invoke-Expression',
    'ssohelper env dev --format fish | source',
    'for /f "delims=" %i in (\'ssohelper env dev --format windows-cmd\') do @%i',
  ],
  flags: [PROFILE_FLAG, formatFlag('env'), ...REGION_FLAGS, ...CREDENTIAL_FLAGS],
  maxPositionals: 1,
  async run(rt, args) {
    const format = chosenFormat(args, 'env');
    const regionOf = chosenRegion(args, 'env');
    const { profile, creds } = await credentialsFor(rt, args, 'env');
    return envOutput({ profileName: profile.profileName, creds, region: regionOf(profile.region) }, format, rt.env);
  },
};
