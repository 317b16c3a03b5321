// A HOME with one SSO profile and a fresh AWS CLI role-credential cache entry for it: the
// cached path, for the build's hot-path check and for the bench.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE = {
  profile: 'bench',
  account: '111111111111',
  role: 'ReadOnly',
  session: 'bench-session',
  region: 'eu-west-1',
  accessKeyId: 'ASIABENCHEXAMPLE0001',
} as const;

export function writeConfig(home: string): void {
  mkdirSync(join(home, '.aws/cli/cache'), { recursive: true });
  writeFileSync(
    join(home, '.aws/config'),
    [
      `[profile ${FIXTURE.profile}]`,
      `sso_session = ${FIXTURE.session}`,
      `sso_account_id = ${FIXTURE.account}`,
      `sso_role_name = ${FIXTURE.role}`,
      `region = ${FIXTURE.region}`,
      '',
      `[sso-session ${FIXTURE.session}]`,
      'sso_start_url = https://example.awsapps.com/start',
      `sso_region = ${FIXTURE.region}`,
      '',
    ].join('\n'),
  );
}

/** The path of the role-credential cache entry for the fixture profile. */
export function roleCacheFile(home: string): string {
  // The AWS CLI names the file after the sha1 of its compact, key-sorted cache-key JSON.
  const key = JSON.stringify({ accountId: FIXTURE.account, roleName: FIXTURE.role, sessionName: FIXTURE.session });
  return join(home, '.aws/cli/cache', `${createHash('sha1').update(key).digest('hex')}.json`);
}

export function writeFreshRoleCache(home: string): void {
  const expiration = `${new Date(Date.now() + 2 * 3600_000).toISOString().slice(0, 19)}Z`;
  // One line, no trailing newline, ", " and ": " separators: byte for byte what botocore writes.
  const body =
    `{"ProviderType": "sso", "Credentials": {"AccessKeyId": "${FIXTURE.accessKeyId}", ` +
    `"SecretAccessKey": "benchSecretAccessKeyEXAMPLEEXAMPLEEXAMPLE", "SessionToken": "benchSessionTokenEXAMPLE", ` +
    `"Expiration": "${expiration}", "AccountId": "${FIXTURE.account}"}}`;
  writeFileSync(roleCacheFile(home), body);
}

export function hasFixtureKey(stdout: string): boolean {
  try {
    return (JSON.parse(stdout) as { AccessKeyId?: string }).AccessKeyId === FIXTURE.accessKeyId;
  } catch {
    return false;
  }
}
