// What the user's settings say about the network: which CA bundle (AWS_CA_BUNDLE, then the
// profile's ca_bundle, as the AWS CLI reads them), whether to add the operating system's trust
// store, and the connect, read and whole-request timeouts. Pure; reading the bundle is trust.ts's job.
import { type Env, expandHome } from '../config/files.ts';
import type { ProfileNetwork } from '../config/network.ts';
import { ConfigError } from '../errors.ts';
import { parseSwitch, secondsFromEnv, switchSetting } from '../runtime.ts';

/** The AWS CLI's defaults for cli_connect_timeout and cli_read_timeout. */
export const DEFAULT_TIMEOUT_MS = 60_000;

export interface NetworkSettings {
  /** The PEM file that replaces the default roots, and the setting that named it. */
  caBundle: { path: string; source: string } | undefined;
  useSystemCa: boolean;
  /** 0 means no limit (as the AWS CLI's 0). */
  connectTimeoutMs: number;
  readTimeoutMs: number;
  /**
   * From sending a request to the last byte of its answer (SSOHELPER_REQUEST_TIMEOUT): a server
   * that keeps sending a byte at a time never trips the read timeout, and must not hold a lock
   * for ever.
   */
  requestTimeoutMs: number;
}

export function networkSettings(env: Env, profile: ProfileNetwork | undefined): NetworkSettings {
  const where = profile
    ? `[${profile.profileName === 'default' ? 'default' : `profile ${profile.profileName}`}] in ${profile.configFile}`
    : '';
  const envBundle = env.AWS_CA_BUNDLE?.trim();
  let caBundle: NetworkSettings['caBundle'];
  if (envBundle) caBundle = { path: expandHome(envBundle, env), source: 'AWS_CA_BUNDLE' };
  else if (profile?.caBundle) caBundle = { path: expandHome(profile.caBundle, env), source: `ca_bundle in ${where}` };
  return {
    caBundle,
    useSystemCa:
      (env.SSOHELPER_USE_SYSTEM_CA?.trim() ? switchSetting(env, 'SSOHELPER_USE_SYSTEM_CA') : undefined) ??
      flag(profile?.useSystemCa, `ssohelper_use_system_ca in ${where}`) ??
      env.NODE_USE_SYSTEM_CA === '1',
    connectTimeoutMs: seconds(profile?.connectTimeout, `cli_connect_timeout in ${where}`),
    readTimeoutMs: seconds(profile?.readTimeout, `cli_read_timeout in ${where}`),
    requestTimeoutMs: secondsFromEnv(env, 'SSOHELPER_REQUEST_TIMEOUT'),
  };
}

function flag(raw: string | undefined, source: string): boolean | undefined {
  if (!raw?.trim()) return undefined;
  const on = parseSwitch(raw);
  if (on !== undefined) return on;
  throw new ConfigError(`${source} is "${raw}", which is neither true nor false`, 'set it to true or false');
}

/** Whole or fractional seconds, 0 for no limit; unset gives the AWS CLI's 60 s. */
function seconds(raw: string | undefined, source: string): number {
  if (raw === undefined) return DEFAULT_TIMEOUT_MS;
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(
      `${source} is "${raw}", which is not a number of seconds`,
      'set it to a whole number of seconds (60 is the default, 0 waits forever)',
    );
  }
  return Math.round(value * 1000);
}
