// Output formats, byte-identical to `aws configure export-credentials --format F` for the
// formats it has, so ssohelper can replace it in any script.
import { formatPythonIsoformat } from '../util/time.ts';

export const FORMATS = ['process', 'env', 'env-no-export', 'powershell', 'windows-cmd', 'fish'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

export interface PrintableCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | undefined;
  expiration: Date | undefined;
  /** The expiration as the source wrote it, rendered the way the AWS CLI renders it. */
  expirationText?: string;
}

/** How the AWS CLI prints the expiration: Python's isoformat of what it parsed. */
function expirationOf(creds: PrintableCredentials): string | undefined {
  return creds.expirationText ?? (creds.expiration ? formatPythonIsoformat(creds.expiration) : undefined);
}

const LINE: Record<Exclude<Format, 'process'>, (name: string, value: string) => string> = {
  env: (k, v) => `export ${k}=${v}`,
  'env-no-export': (k, v) => `${k}=${v}`,
  powershell: (k, v) => `$Env:${k}="${v}"`,
  'windows-cmd': (k, v) => `set ${k}=${v}`,
  fish: (k, v) => `set -gx ${k} "${v}"`,
};

/**
 * `extraVariables` (for example AWS_REGION) come after the AWS CLI's four lines, so the part
 * both tools print stays identical.
 */
export function formatCredentials(
  creds: PrintableCredentials,
  format: Format,
  extraVariables: ReadonlyArray<readonly [string, string]> = [],
): string {
  if (format === 'process') return processJson(creds, expirationOf(creds));
  return formatVariables([...credentialVariables(creds), ...extraVariables], format);
}

/** The region for tools: both variables, since SDKs read one and the AWS CLI the other; none without a region. */
export function regionVariables(region: string | undefined): Array<readonly [string, string]> {
  return region
    ? [
        ['AWS_REGION', region],
        ['AWS_DEFAULT_REGION', region],
      ]
    : [];
}

/** The variables `env` prints, in the AWS CLI's order; exec hands the same ones to its child. */
export function credentialVariables(creds: PrintableCredentials): Array<readonly [string, string]> {
  const vars: Array<readonly [string, string]> = [
    ['AWS_ACCESS_KEY_ID', creds.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', creds.secretAccessKey],
  ];
  if (creds.sessionToken !== undefined) vars.push(['AWS_SESSION_TOKEN', creds.sessionToken]);
  const expiration = expirationOf(creds);
  if (expiration !== undefined) vars.push(['AWS_CREDENTIAL_EXPIRATION', expiration]);
  return vars;
}

/** Any variables as lines for one shell; values must need no quoting (ours never do). */
export function formatVariables(
  vars: ReadonlyArray<readonly [string, string]>,
  format: Exclude<Format, 'process'>,
): string {
  const line = LINE[format];
  return vars.map(([k, v]) => `${line(k, v)}\n`).join('');
}

const UNSET: Record<Exclude<Format, 'process'>, ((name: string) => string) | undefined> = {
  env: (k) => `unset ${k}`,
  // A K=V file (docker --env-file, systemd) has no way to remove a variable.
  'env-no-export': undefined,
  powershell: (k) => `Remove-Item Env:${k} -ErrorAction SilentlyContinue`,
  'windows-cmd': (k) => `set ${k}=`,
  fish: (k) => `set -e ${k}`,
};

/** Lines that remove variables from one shell; nothing for a format that cannot. */
export function formatUnset(names: readonly string[], format: Exclude<Format, 'process'>): string {
  const line = UNSET[format];
  return line ? names.map((k) => `${line(k)}\n`).join('') : '';
}

function processJson(creds: PrintableCredentials, expiration: string | undefined): string {
  // Same as Python's json.dumps(indent=2, separators=(',', ': ')) for these ASCII-only values.
  const doc: Record<string, unknown> = {
    Version: 1,
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
  };
  if (creds.sessionToken !== undefined) doc.SessionToken = creds.sessionToken;
  if (expiration !== undefined) doc.Expiration = expiration;
  return `${JSON.stringify(doc, null, 2)}\n`;
}
