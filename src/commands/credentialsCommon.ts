// What get, env and export-credentials share: choose the profile, honour --min-ttl and
// --refresh, and return credentials ready for a formatter.
import { booleanFlag, type FlagSpec, type ParsedArgs, stringFlag } from '../cli/args.ts';
import { loadConfig } from '../config/load.ts';
import { type ResolvedProfile, resolveProfile, ssoBase } from '../config/credentialProfile.ts';
import { assertProfileArgs, REGION, selectProfileName } from '../config/profile.ts';
import { DEFAULT_MIN_TTL_MS } from '../credentials/freshness.ts';
import type { AwsCredentials } from '../credentials/model.ts';
import { credentialsOf } from '../credentials/providers.ts';
import { ConfigError, LoginRequiredError, UsageError } from '../errors.ts';
import { type Format, FORMATS, isFormat } from '../format/credentials.ts';
import { type Runtime, switchSetting } from '../runtime.ts';
import { humanDuration, parseDuration } from '../util/time.ts';

/** Role sessions last 12 hours at most, so a longer minimum can never be met. */
const MAX_MIN_TTL_MS = 12 * 3_600_000;

export const PROFILE_FLAG: FlagSpec = { name: 'profile', type: 'string', valueName: 'PROFILE', description: 'the profile to use (default: AWS_PROFILE, AWS_DEFAULT_PROFILE, then "default")' };
export const CREDENTIAL_FLAGS: FlagSpec[] = [
  { name: 'min-ttl', type: 'string', valueName: 'DURATION', description: 'hand out credentials valid at least this long, e.g. 2h or 90m (default 15m)' },
  { name: 'refresh', type: 'boolean', description: 'fetch new credentials even if cached ones are still fresh' },
  { name: 'login', type: 'boolean', description: 'when the SSO session has expired, log in (once for all waiting processes) instead of failing; also SSOHELPER_LOGIN=1' },
];

export const REGION_FLAGS: FlagSpec[] = [
  { name: 'region', type: 'string', valueName: 'REGION', description: "set AWS_REGION / AWS_DEFAULT_REGION to REGION instead of the profile's region" },
  { name: 'no-region', type: 'boolean', description: 'do not set AWS_REGION / AWS_DEFAULT_REGION' },
];

/** --region, else the profile's own region, unless --no-region. Checked before any fetch. */
export function chosenRegion(args: ParsedArgs, command: string): (profileRegion: string | undefined) => string | undefined {
  const wanted = stringFlag(args, 'region');
  const none = booleanFlag(args, 'no-region');
  if (wanted !== undefined && none) throw new UsageError(`${command}: --region and --no-region contradict each other`);
  if (wanted !== undefined && !REGION.test(wanted)) throw new UsageError(`${command}: --region "${wanted}" is not an AWS region name like us-east-1`);
  return (profileRegion) => (none ? undefined : (wanted ?? profileRegion));
}

/** The shell formats: what serve can print (process JSON is not a set of variables). */
export const SHELL_FORMATS = FORMATS.filter((f): f is Exclude<Format, 'process'> => f !== 'process');

/** Names people reach for from other tools, and the format that does what they meant. */
const FORMAT_ALIASES: Readonly<Record<string, Format>> = { bash: 'env', zsh: 'env', sh: 'env', json: 'process', pwsh: 'powershell', cmd: 'windows-cmd' };

export function formatFlag(defaultFormat: Format, choices: readonly Format[] = FORMATS): FlagSpec {
  return { name: 'format', type: 'string', valueName: 'FORMAT', description: `one of ${choices.join(', ')} (default ${defaultFormat})`, values: choices };
}

export function chosenFormat<F extends Format>(args: ParsedArgs, command: string, defaultFormat: NoInfer<F>, choices: readonly F[]): F {
  const value = stringFlag(args, 'format') ?? defaultFormat;
  const allowed = choices as readonly string[];
  if (allowed.includes(value)) return value as F;
  const meant = FORMAT_ALIASES[value.toLowerCase()];
  const hint = meant && allowed.includes(meant) ? `for ${value}, use --format ${meant}` : undefined;
  throw new UsageError(`${command}: ${isFormat(value) ? `--format ${value} does not apply` : `unknown format "${value}"`}; choose one of ${choices.join(', ')}`, hint && `${hint} (see: ssohelper ${command} --help)`);
}

export async function credentialsFor(rt: Runtime, args: ParsedArgs, command: string): Promise<{ profile: ResolvedProfile; creds: AwsCredentials }> {
  const source = await credentialSource(rt, args, command);
  return { profile: source.profile, creds: await source.credentials(booleanFlag(args, 'refresh')) };
}

/** A profile resolved once, whose credentials can be asked for again and again (exec --server). */
export interface CredentialSource {
  profile: ResolvedProfile;
  /** Through the shared cache and its lock, honouring --min-ttl and --login, as `get` does. */
  credentials(refresh?: boolean): Promise<AwsCredentials>;
}

export async function credentialSource(rt: Runtime, args: ParsedArgs, command: string, explicitProfile?: string): Promise<CredentialSource> {
  const name = selectProfileName(explicitProfile ?? assertProfileArgs(args.positionals[0], stringFlag(args, 'profile')), rt.env);
  const minTtlText = stringFlag(args, 'min-ttl');
  let minTtlMs = DEFAULT_MIN_TTL_MS;
  if (minTtlText !== undefined) {
    const parsed = parseDuration(minTtlText);
    if (parsed === undefined) throw new UsageError(`${command}: --min-ttl "${minTtlText}" is not a duration; use e.g. 45m, 2h, 1h30m`);
    if (parsed > MAX_MIN_TTL_MS) throw new UsageError(`${command}: --min-ttl ${minTtlText} is longer than the 12 hours a role session can last`);
    minTtlMs = parsed;
  }
  const config = await loadConfig(rt.paths);
  const profile = resolveProfile(config, name, rt.env);
  const shadow = config.credentialProfiles.get(name);
  if (profile.plan.kind === 'sso' && shadow?.has('aws_access_key_id')) {
    rt.stderr(`ssohelper: warning: ${config.credentialsFile} also has keys for profile "${name}"; some AWS SDKs will use those instead of SSO\n`);
  }
  const login = loginOnDemand(args, rt);
  const minTtlRequired = minTtlText !== undefined;
  return {
    profile,
    async credentials(refresh = false) {
      const options = { minTtlMs, minTtlRequired, refresh };
      const started = rt.now();
      let creds: AwsCredentials;
      try {
        creds = await credentialsOf(rt, profile.plan, options);
      } catch (err) {
        const base = ssoBase(profile.plan);
        if (!(err instanceof LoginRequiredError) || !base || !login) throw err;
        // Outside the cached path, so no lock is held while a login waits for the user.
        rt.debug(`login on demand: ${err.message}`);
        const { loginForCredentials } = await import('../login/onDemand.ts');
        await loginForCredentials(rt, base.sso, started);
        creds = await credentialsOf(rt, profile.plan, options);
      }
      // The cached kinds enforce it themselves; a process or the environment cannot be asked again.
      const left = creds.expiration ? creds.expiration.getTime() - rt.now() : Number.POSITIVE_INFINITY;
      if (minTtlRequired && left < minTtlMs) {
        throw new ConfigError(`credentials for profile "${name}" are valid for ${humanDuration(left)}, less than the ${humanDuration(minTtlMs)} asked for`, 'lower --min-ttl');
      }
      return creds;
    },
  };
}

function loginOnDemand(args: ParsedArgs, rt: Runtime): boolean {
  return booleanFlag(args, 'login') || switchSetting(rt.env, 'SSOHELPER_LOGIN');
}
