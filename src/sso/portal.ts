// The SSO portal API: role credentials, account and role listings, logout.
import type { RoleCredentials } from '../cache/role.ts';
import { isSafeCredentialValue } from '../cache/role.ts';
import { ServiceError } from '../errors.ts';
import { type Endpoint, portalClient } from './clients.ts';

export async function getRoleCredentials(endpoint: Endpoint, accessToken: string, accountId: string, roleName: string): Promise<RoleCredentials> {
  const { client, sdk } = await portalClient(endpoint);
  const reply = await client.send(new sdk.GetRoleCredentialsCommand({ accessToken, accountId, roleName }));
  const c = reply.roleCredentials;
  if (
    !c || !isSafeCredentialValue(c.accessKeyId) || !isSafeCredentialValue(c.secretAccessKey) ||
    !isSafeCredentialValue(c.sessionToken) || typeof c.expiration !== 'number' || !Number.isFinite(c.expiration)
  ) {
    throw new ServiceError(`the SSO portal at ${endpoint.url} returned malformed role credentials for ${roleName} in ${accountId}`);
  }
  // Whole seconds, as the AWS CLI keeps them: otherwise the first call would print a
  // fractional Expiration and later calls, read back from the cache, would not.
  const expiration = new Date(Math.floor(c.expiration / 1000) * 1000);
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration, accountId };
}

export interface Account {
  accountId: string;
  accountName: string | undefined;
  emailAddress: string | undefined;
}

export async function listAccounts(endpoint: Endpoint, accessToken: string, retry: <T>(what: string, call: () => Promise<T>) => Promise<T>): Promise<Account[]> {
  const { client, sdk } = await portalClient(endpoint);
  const accounts: Account[] = [];
  let nextToken: string | undefined;
  do {
    const page = await retry('ListAccounts', () => client.send(new sdk.ListAccountsCommand({ accessToken, nextToken, maxResults: 100 })));
    for (const a of page.accountList ?? []) {
      if (a.accountId) accounts.push({ accountId: a.accountId, accountName: a.accountName, emailAddress: a.emailAddress });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return accounts;
}

export async function listAccountRoles(endpoint: Endpoint, accessToken: string, accountId: string, retry: <T>(what: string, call: () => Promise<T>) => Promise<T>): Promise<string[]> {
  const { client, sdk } = await portalClient(endpoint);
  const roles: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await retry('ListAccountRoles', () => client.send(new sdk.ListAccountRolesCommand({ accessToken, accountId, nextToken, maxResults: 100 })));
    for (const r of page.roleList ?? []) if (r.roleName) roles.push(r.roleName);
    nextToken = page.nextToken;
  } while (nextToken);
  return roles;
}

export async function logout(endpoint: Endpoint, accessToken: string): Promise<void> {
  const { client, sdk } = await portalClient(endpoint);
  await client.send(new sdk.LogoutCommand({ accessToken }));
}
