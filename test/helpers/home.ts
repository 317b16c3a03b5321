// A throwaway HOME with an AWS config and seeded caches, written with the project's own
// cache writers so tests use exactly the bytes real runs produce.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { roleCachePath, writeRoleEntry } from '../../src/cache/role.ts';
import type { RoleCredentials } from '../../src/types/credentials.ts';
import { type SsoToken, tokenCachePath, writeToken } from '../../src/cache/token.ts';
import { tempDir } from './temp.ts';

export const START_URL = 'https://corp.awsapps.com/start';
export const SSO_REGION = 'eu-west-1';
export const SESSION = 'corp';

export interface Home {
  dir: string;
  configFile: string;
  ssoCacheDir: string;
  roleCacheDir: string;
}

/** Eight roles over two accounts, all on the `corp` sso-session: profiles p0 … p7. */
export const ROLES: ReadonlyArray<{ profile: string; accountId: string; roleName: string }> = Array.from(
  { length: 8 },
  (_, i) => ({
    profile: `p${i}`,
    accountId: i < 4 ? '111111111111' : '222222222222',
    roleName: `Role${i}`,
  }),
);

export function standardConfig(): string {
  const profiles = ROLES.map(
    (r) =>
      `[profile ${r.profile}]\nsso_session = ${SESSION}\nsso_account_id = ${r.accountId}\nsso_role_name = ${r.roleName}\nregion = eu-central-1\n`,
  );
  return [
    `[sso-session ${SESSION}]\nsso_start_url = ${START_URL}\nsso_region = ${SSO_REGION}\nsso_registration_scopes = sso:account:access\n`,
    `[profile dev]\nsso_session = ${SESSION}\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\nregion = eu-central-1\n`,
    `[profile legacy]\nsso_start_url = ${START_URL}\nsso_region = ${SSO_REGION}\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n`,
    ...profiles,
  ].join('\n');
}

export function makeHome(config = standardConfig()): Home {
  const dir = tempDir('ssohelper-home-');
  mkdirSync(join(dir, '.aws'), { mode: 0o700 });
  const configFile = join(dir, '.aws', 'config');
  writeFileSync(configFile, config);
  return {
    dir,
    configFile,
    ssoCacheDir: join(dir, '.aws', 'sso', 'cache'),
    roleCacheDir: join(dir, '.aws', 'cli', 'cache'),
  };
}

export function tokenFile(home: Home, key = SESSION): string {
  return tokenCachePath(home.ssoCacheDir, key);
}

export function roleFile(
  home: Home,
  accountId: string,
  roleName: string,
  sessionName: string | undefined = SESSION,
): string {
  return roleCachePath(home.roleCacheDir, { accountId, roleName, sessionName, startUrl: START_URL });
}

/** Writes a token file as `aws sso login` would have, from a session the emulator issued. */
export async function seedToken(
  home: Home,
  issued: {
    accessToken: string;
    refreshToken?: string;
    clientId: string;
    clientSecret: string;
    expiresAt: Date;
    registrationExpiresAt: Date;
  },
  key = SESSION,
): Promise<SsoToken> {
  const token: SsoToken = {
    startUrl: START_URL,
    region: SSO_REGION,
    accessToken: issued.accessToken,
    expiresAt: issued.expiresAt,
    clientId: issued.clientId,
    clientSecret: issued.clientSecret,
    registrationExpiresAt: issued.registrationExpiresAt,
    refreshToken: issued.refreshToken,
    extra: {},
  };
  await writeToken(tokenFile(home, key), token);
  return token;
}

export async function seedRole(
  home: Home,
  accountId: string,
  roleName: string,
  creds: Omit<RoleCredentials, 'accountId'>,
): Promise<string> {
  const path = roleFile(home, accountId, roleName);
  await writeRoleEntry(path, { ...creds, accountId });
  return path;
}

export function writeFile(path: string, text: string): void {
  writeFileSync(path, text);
}
