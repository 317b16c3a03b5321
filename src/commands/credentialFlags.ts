// The flags every credential command shares (profile, --min-ttl, --refresh, --login, --region,
// --format) and their reading into typed requests for credentials/ and exec/.
import { booleanFlag, type FlagSpec, type ParsedArgs, stringFlag } from '../cli/args.ts';
import type { ResolvedProfile } from '../config/credentialProfile.ts';
import { assertProfileArgs, REGION, type SsoProfile, selectProfileName } from '../config/profile.ts';
import { type CredentialRequest, credentialSource } from '../credentials/profileSource.ts';
import { UsageError } from '../errors.ts';
import { type Format, FORMATS, isFormat } from '../format/credentials.ts';
import { type Runtime, switchSetting } from '../runtime.ts';
import type { AwsCredentials } from '../types/credentials.ts';
import { parseDuration } from '../util/time.ts';
import { fullProgram } from '../util/load.ts';

/** Role sessions last 12 hours at most, so a longer minimum can never be met. */
const MAX_MIN_TTL_MS = 12 * 3_600_000;

export const PROFILE_FLAG: FlagSpec = {
  name: 'profile',
  type: 'string',
  valueName: 'PROFILE',
  description: 'the profile to use (default: AWS_PROFILE, AWS_DEFAULT_PROFILE, then "default")',
};
/** `--output text|json`, for the commands that report (status, doctor). */
export const OUTPUT_FLAG: FlagSpec = {
  name: 'output',
  type: 'string',
  valueName: 'FORMAT',
  description: 'text (default) or json',
  values: ['text', 'json'],
};

export const CREDENTIAL_FLAGS: FlagSpec[] = [
  {
    name: 'min-ttl',
    type: 'string',
    valueName: 'DURATION',
    description: 'hand out credentials valid at least this long, e.g. 2h or 90m (default 15m)',
  },
  { name: 'refresh', type: 'boolean', description: 'fetch new credentials even if cached ones are still fresh' },
  {
    name: 'login',
    type: 'boolean',
    description:
      'when the SSO session has expired, log in (once for all waiting processes) instead of failing; also SSOHELPER_LOGIN=1',
  },
];

export const REGION_FLAGS: FlagSpec[] = [
  {
    name: 'region',
    type: 'string',
    valueName: 'REGION',
    description: "set AWS_REGION / AWS_DEFAULT_REGION to REGION instead of the profile's region",
  },
  { name: 'no-region', type: 'boolean', description: 'do not set AWS_REGION / AWS_DEFAULT_REGION' },
];

/** --region, else the profile's own region, unless --no-region. Checked before any fetch. */
export function chosenRegion(
  args: ParsedArgs,
  command: string,
): (profileRegion: string | undefined) => string | undefined {
  const wanted = regionOption(args, 'region', command);
  const none = booleanFlag(args, 'no-region');
  if (wanted !== undefined && none) throw new UsageError(`${command}: --region and --no-region contradict each other`);
  return (profileRegion) => (none ? undefined : (wanted ?? profileRegion));
}

/** A region given as an option (--region, --sso-region), refused unless it is a region name. */
export function regionOption(args: ParsedArgs, flag: string, command: string): string | undefined {
  const value = stringFlag(args, flag);
  if (value !== undefined && !REGION.test(value))
    throw new UsageError(`${command}: --${flag} "${value}" is not an AWS region name like us-east-1`);
  return value;
}

/** The shell formats: what serve can print (process JSON is not a set of variables). */
export const SHELL_FORMATS = FORMATS.filter((f): f is Exclude<Format, 'process'> => f !== 'process');

/** Names people reach for from other tools, and the format that does what they meant. */
const FORMAT_ALIASES: Readonly<Record<string, Format>> = {
  bash: 'env',
  zsh: 'env',
  sh: 'env',
  json: 'process',
  pwsh: 'powershell',
  cmd: 'windows-cmd',
};

export function formatFlag(defaultFormat: Format, choices: readonly Format[] = FORMATS): FlagSpec {
  const meant = Object.fromEntries(Object.entries(FORMAT_ALIASES).filter(([, f]) => choices.includes(f)));
  return {
    name: 'format',
    type: 'string',
    valueName: 'FORMAT',
    description: `one of ${choices.join(', ')} (default ${defaultFormat})`,
    values: choices,
    meant,
  };
}

/** The --format given (parsing has refused any other value), else the command's default. */
export function chosenFormat(args: ParsedArgs, defaultFormat: Format): Format {
  const value = stringFlag(args, 'format');
  return value !== undefined && isFormat(value) ? value : defaultFormat;
}

/** The credential request the flags ask for: profile, --min-ttl, --login. */
export function credentialRequest(
  rt: Runtime,
  args: ParsedArgs,
  command: string,
  profileName?: string,
  fromEnvironment = false,
): CredentialRequest {
  const named = profileName ?? assertProfileArgs(args.positionals[0], stringFlag(args, 'profile'));
  const name = named ?? selectProfileName(undefined, rt.env);
  const minTtlText = stringFlag(args, 'min-ttl');
  let minTtlMs: number | undefined;
  if (minTtlText !== undefined) {
    minTtlMs = parseDuration(minTtlText);
    if (minTtlMs === undefined)
      throw new UsageError(`${command}: --min-ttl "${minTtlText}" is not a duration; use e.g. 45m, 2h, 1h30m`);
    if (minTtlMs > MAX_MIN_TTL_MS)
      throw new UsageError(`${command}: --min-ttl ${minTtlText} is longer than the 12 hours a role session can last`);
  }
  const wantsLogin = booleanFlag(args, 'login') || switchSetting(rt.env, 'SSOHELPER_LOGIN');
  return {
    profileName: name,
    fromEnvironment: fromEnvironment || named === undefined,
    pick: PICKING.has(command) ? () => pickOnTerminal(rt, command) : undefined,
    minTtlMs,
    login: wantsLogin ? (profile, since) => loginOnDemand(rt, profile, since) : undefined,
  };
}

/** Commands a person types, where a missing profile may be chosen from a list. */
const PICKING = new Set(['env', 'exec', 'console']);

// From the hot entry (env), this import hands the run to the full program before anything is
// locked or sent, so the picker never sits in the hot bundle.
async function pickOnTerminal(rt: Runtime, command: string): Promise<string | undefined> {
  const { pickProfile } = await fullProgram(() => import('../tui/picker.ts'));
  const { listProfiles } = await fullProgram(() => import('../status/profiles.ts'));
  return pickProfile(rt, `profile for ${command}`, () => listProfiles(rt));
}

// Kept inside the callback: from the hot entry, asking for a login hands the run over to the
// full program (src/boot/handover.ts), which is where a login belongs.
async function loginOnDemand(rt: Runtime, profile: SsoProfile, since: number): Promise<void> {
  const { loginForCredentials } = await fullProgram(() => import('../login/onDemand.ts'));
  await loginForCredentials(rt, profile, since);
}

export async function credentialsFor(
  rt: Runtime,
  args: ParsedArgs,
  command: string,
): Promise<{ profile: ResolvedProfile; creds: AwsCredentials }> {
  const source = await credentialSource(rt, credentialRequest(rt, args, command));
  return { profile: source.profile, creds: await source.credentials(booleanFlag(args, 'refresh')) };
}
