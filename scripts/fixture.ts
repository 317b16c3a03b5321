// A HOME with one SSO profile and a fresh AWS CLI role-credential cache entry for it: the
// cached path, for the build's hot-path check and for the bench.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenCachePath, writeToken } from '../src/cache/token.ts';

export const FIXTURE = {
  profile: 'bench',
  account: '111111111111',
  role: 'ReadOnly',
  session: 'bench-session',
  region: 'eu-west-1',
  accessKeyId: 'ASIABENCHEXAMPLE0001',
  startUrl: 'https://example.awsapps.com/start',
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
      `sso_start_url = ${FIXTURE.startUrl}`,
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

/** An SSO login for the fixture's session, as `aws sso login` would have written it. */
export async function writeSsoToken(
  home: string,
  t: {
    accessToken: string;
    expiresAt: Date;
    clientId?: string;
    clientSecret?: string;
    registrationExpiresAt?: Date;
    refreshToken?: string;
  },
): Promise<void> {
  await writeToken(tokenCachePath(join(home, '.aws/sso/cache'), FIXTURE.session), {
    startUrl: FIXTURE.startUrl,
    region: FIXTURE.region,
    accessToken: t.accessToken,
    expiresAt: t.expiresAt,
    clientId: t.clientId,
    clientSecret: t.clientSecret,
    registrationExpiresAt: t.registrationExpiresAt,
    refreshToken: t.refreshToken,
    extra: {},
  });
}
