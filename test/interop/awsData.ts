// Points the real AWS tools on this machine at a local emulator.
//
// Debian's AWS CLI 2.9.19 predates AWS_ENDPOINT_URL_*, but its loader reads endpoint rule sets
// from AWS_DATA_PATH before its bundled ones, and only the rule set is needed: the service
// models still come from the bundled data. botocore 1.43 reads the same files, so the rule set
// honours an explicit endpoint (AWS_ENDPOINT_URL_*, --endpoint-url) first and only then falls
// back to the emulator; otherwise it would silently override those variables.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// Must equal the bundled model versions: botocore 1.43 loads the rule set of the model's exact
// version and CLI 2.9.19 the highest version present, so an older directory is silently ignored
// (requests go to real AWS and fail offline) and a newer one would split the two tools.
const SERVICES: ReadonlyArray<readonly [service: string, apiVersion: string]> = [
  ['sso', '2019-06-10'],
  ['sso-oidc', '2019-06-10'],
  ['sts', '2011-06-15'],
];

function ruleSet(url: string): string {
  const endpoint = (u: unknown) => ({
    type: 'endpoint',
    conditions: [],
    endpoint: { url: u, properties: {}, headers: {} },
  });
  return JSON.stringify({
    version: '1.0',
    parameters: { Endpoint: { builtIn: 'SDK::Endpoint', required: false, type: 'String' } },
    rules: [
      { ...endpoint({ ref: 'Endpoint' }), conditions: [{ fn: 'isSet', argv: [{ ref: 'Endpoint' }] }] },
      endpoint(url),
    ],
  });
}

/** Writes the rule files under `dir` and returns the value for AWS_DATA_PATH. */
export async function makeAwsDataPath(dir: string, url: string): Promise<string> {
  const parsed = new URL(url);
  // The rule engine treats `{...}` as a template, and a path would be prefixed to every request.
  if (!/^https?:$/.test(parsed.protocol) || url.includes('{') || parsed.pathname !== '/' || parsed.search !== '') {
    throw new Error(`makeAwsDataPath: want a bare http(s)://host:port URL, got ${url}`);
  }
  const base = url.replace(/\/$/, '');
  for (const [service, apiVersion] of SERVICES) {
    const versionDir = join(dir, service, apiVersion);
    await mkdir(versionDir, { recursive: true });
    await writeFile(join(versionDir, 'endpoint-rule-set-1.json'), ruleSet(base));
  }
  return dir;
}

// PATH must still find pyenv's python3 shim (botocore 1.43 lives there, not in /usr/bin/python3);
// PYENV_VERSION, when set, is what picks that interpreter.
const PASS_THROUGH = ['PATH', 'PYENV_VERSION', 'TMPDIR'] as const;

/**
 * A clean environment for /usr/bin/aws, python3 (boto3) and the JS SDK against a temp HOME.
 * Built from nothing rather than from process.env so that no AWS_PROFILE, static keys, region,
 * proxy (which would capture 127.0.0.1 traffic) or PYTHONPATH of the developer leaks in.
 */
export function awsCliEnv(home: string, url: string, dataPath: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASS_THROUGH) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  return {
    ...env,
    HOME: home,
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_DATA_PATH: dataPath,
    AWS_ENDPOINT_URL_SSO: url,
    AWS_ENDPOINT_URL_SSO_OIDC: url,
    AWS_ENDPOINT_URL_STS: url,
    AWS_PAGER: '',
    AWS_CLI_AUTO_PROMPT: 'off',
    // Without credentials botocore falls back to the instance metadata service, a non-loopback
    // address that must never be contacted from here.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
