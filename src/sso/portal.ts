// The SSO portal API: role credentials, account and role listings, logout.
import type { RoleCredentials } from '../credentials/model.ts';
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

type Retry = <T>(what: string, call: () => Promise<T>) => Promise<T>;

/** Follows nextToken to the end; each page is one retried request. */
async function allPages<T>(fetchPage: (nextToken: string | undefined) => Promise<{ items: T[]; nextToken: string | undefined }>): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const page = await fetchPage(nextToken);
    items.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return items;
}

export async function listAccounts(endpoint: Endpoint, accessToken: string, retry: Retry): Promise<Account[]> {
  const { client, sdk } = await portalClient(endpoint);
  return allPages(async (nextToken) => {
    const page = await retry('ListAccounts', () => client.send(new sdk.ListAccountsCommand({ accessToken, nextToken, maxResults: 100 })));
    const items = (page.accountList ?? []).flatMap((a) => (a.accountId ? [{ accountId: a.accountId, accountName: a.accountName, emailAddress: a.emailAddress }] : []));
    return { items, nextToken: page.nextToken };
  });
}

export async function listAccountRoles(endpoint: Endpoint, accessToken: string, accountId: string, retry: Retry): Promise<string[]> {
  const { client, sdk } = await portalClient(endpoint);
  return allPages(async (nextToken) => {
    const page = await retry('ListAccountRoles', () => client.send(new sdk.ListAccountRolesCommand({ accessToken, accountId, nextToken, maxResults: 100 })));
    return { items: (page.roleList ?? []).flatMap((r) => (r.roleName ? [r.roleName] : [])), nextToken: page.nextToken };
  });
}

export async function logout(endpoint: Endpoint, accessToken: string): Promise<void> {
  const { client, sdk } = await portalClient(endpoint);
  await client.send(new sdk.LogoutCommand({ accessToken }));
}
