// What `env` and `use` print besides the credentials: the marker that says which profile the
// shell holds, and the profile names that must not be left pointing elsewhere. Pure.
import type { Env } from '../config/files.ts';
import {
  credentialVariables,
  type Format,
  formatCredentials,
  formatUnset,
  formatVariables,
  type PrintableCredentials,
  regionVariables,
} from '../format/credentials.ts';
import { EXPIRES_VARIABLE, MARKABLE_NAME, PROFILE_VARIABLE } from './held.ts';

/**
 * AWS_PROFILE / AWS_DEFAULT_PROFILE naming another profile beside our keys would make the AWS CLI
 * report that profile while using these keys, and the tools that prefer a named profile to
 * environment keys use the other one. They are removed, as `exec` removes them for its child:
 * the keys are the credentials, AWS_REGION carries the region, SSOHELPER_PROFILE the name.
 */
export const PROFILE_NAMES = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE'] as const;

/** Everything `use` may set; `use --clear` removes all of it. */
export const USE_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  PROFILE_VARIABLE,
  EXPIRES_VARIABLE,
] as const;

export interface ShellCredentials {
  profileName: string;
  creds: PrintableCredentials;
  region: string | undefined;
}

/** `env`'s output: the credentials, the region, the marker, and the profile names removed. */
export function envOutput(c: ShellCredentials, format: Format, env: Env): string {
  if (format === 'process') return formatCredentials(c.creds, format);
  const extra = [...regionVariables(c.region), ...marker(c.profileName)];
  return (
    formatCredentials(c.creds, format, extra) +
    formatUnset(
      PROFILE_NAMES.filter((k) => env[k] !== undefined),
      format,
    )
  );
}

/**
 * `use`'s output: the same variables plus the expiry in epoch seconds for the hook, and every
 * variable of a previous `use` that this profile does not set removed, so switching from a
 * profile with a region to one without leaves no stale region behind.
 */
export function useOutput(c: ShellCredentials, format: Exclude<Format, 'process'>): string {
  const vars = [...credentialVariables(c.creds), ...regionVariables(c.region), ...marker(c.profileName)];
  if (c.creds.expiration) vars.push([EXPIRES_VARIABLE, String(Math.floor(c.creds.expiration.getTime() / 1000))]);
  const set = new Set(vars.map(([k]) => k));
  const removed = [...USE_VARIABLES.filter((k) => !set.has(k)), ...PROFILE_NAMES];
  return formatUnset(removed, format) + formatVariables(vars, format);
}

/** `use --clear`: every variable `use` sets. */
export function clearOutput(format: Exclude<Format, 'process'>): string {
  return formatUnset(USE_VARIABLES, format);
}

function marker(profileName: string): Array<readonly [string, string]> {
  return MARKABLE_NAME.test(profileName) ? [[PROFILE_VARIABLE, profileName]] : [];
}
