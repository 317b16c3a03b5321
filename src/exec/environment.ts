// The environment a child of `exec` gets: the user's own, minus every variable through which an
// SDK could pick other credentials, plus ours. Pure, so each rule is tested as data.
import type { Env } from '../config/files.ts';
import { UsageError } from '../errors.ts';
import { regionVariables } from '../format/credentials.ts';
// Set in every child: shell prompts show it, and a nested exec for another profile checks it.
import { PROFILE_VARIABLE } from '../shell/held.ts';

/**
 * Removed from every child. A profile name would make the SDKs resolve that profile instead of
 * what we give them (botocore reads AWS_PROFILE before looking at AWS_CONTAINER_*); inherited
 * keys or a container endpoint from an outer tool would win over ours in one mode or the other.
 */
const REMOVED = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
];

export type ChildCredentials =
  | { kind: 'static'; variables: ReadonlyArray<readonly [string, string]> }
  | { kind: 'server'; url: string; token: string };

export function serverVariables(url: string, token: string): Array<readonly [string, string]> {
  return [
    ['AWS_CONTAINER_CREDENTIALS_FULL_URI', url],
    ['AWS_CONTAINER_AUTHORIZATION_TOKEN', token],
  ];
}

/** `region` (AWS_REGION and AWS_DEFAULT_REGION) replaces inherited values only when set. */
export function childEnvironment(
  base: Env,
  profileName: string,
  credentials: ChildCredentials,
  region: string | undefined,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined && !REMOVED.includes(k)) env[k] = v;
  }
  const added =
    credentials.kind === 'static' ? credentials.variables : serverVariables(credentials.url, credentials.token);
  for (const [k, v] of added) env[k] = v;
  for (const [k, v] of regionVariables(region)) env[k] = v;
  env[PROFILE_VARIABLE] = profileName;
  return env;
}

/**
 * A job started inside another exec would silently switch accounts mid-script; refuse unless
 * the user says so. Re-entering the same profile changes nothing and is allowed.
 */
export function checkNesting(env: Env, profileName: string, allowNested: boolean): void {
  const outer = env[PROFILE_VARIABLE];
  if (!outer || outer === profileName || allowNested) return;
  throw new UsageError(
    `exec: already running under \`ssohelper exec\` for profile "${outer}"; refusing to nest profile "${profileName}" inside it`,
    `leave that shell first, or pass --nested to run it anyway`,
  );
}
