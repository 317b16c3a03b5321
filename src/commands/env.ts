import { booleanFlag, stringFlag } from '../cli/args.ts';
import { REGION } from '../config/profile.ts';
import { UsageError } from '../errors.ts';
import { formatCredentials } from '../format/credentials.ts';
import type { Command } from './command.ts';
import { chosenFormat, CREDENTIAL_FLAGS, credentialsFor, formatFlag, PROFILE_FLAG } from './credentialsCommon.ts';


export const env: Command = {
  name: 'env',
  summary: 'print credentials as shell variable assignments',
  usage: 'ssohelper env [PROFILE] [--format FORMAT] [--region REGION | --no-region] [--min-ttl DURATION] [--refresh] [--login]',
  description: [
    'Prints AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and',
    'AWS_CREDENTIAL_EXPIRATION for your shell, then AWS_REGION and AWS_DEFAULT_REGION when',
    'the profile sets a region, or REGION with --region (--no-region leaves them out).',
    'Formats: env (bash, zsh, sh: export K=V), env-no-export (K=V), powershell ($Env:K="V"),',
    'windows-cmd (set K=V), fish (set -gx K "V"), process (JSON).',
  ].join('\n'),
  examples: [
    'eval "$(ssohelper env dev)" && terraform plan',
    'ssohelper env dev --format powershell | Invoke-Expression',
    'ssohelper env dev --format fish | source',
    'for /f "tokens=*" %i in (\'ssohelper env dev --format windows-cmd\') do %i',
  ],
  flags: [PROFILE_FLAG, formatFlag('env'), { name: 'region', type: 'string', valueName: 'REGION', description: "export this region instead of the profile's" },
    { name: 'no-region', type: 'boolean', description: 'do not print AWS_REGION / AWS_DEFAULT_REGION' }, ...CREDENTIAL_FLAGS],
  maxPositionals: 1,
  async run(rt, args) {
    const format = chosenFormat(args, 'env', 'env');
    const wanted = stringFlag(args, 'region');
    if (wanted !== undefined && booleanFlag(args, 'no-region')) throw new UsageError('env: --region and --no-region contradict each other');
    if (wanted !== undefined && !REGION.test(wanted)) throw new UsageError(`env: --region "${wanted}" is not an AWS region name like us-east-1`);
    const { profile, creds } = await credentialsFor(rt, args, 'env');
    const region = !booleanFlag(args, 'no-region') && format !== 'process' ? (wanted ?? profile.region) : undefined;
    const extra: Array<[string, string]> = region ? [['AWS_REGION', region], ['AWS_DEFAULT_REGION', region]] : [];
    return formatCredentials(creds, format, extra);
  },
};
