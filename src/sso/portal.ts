// The SSO portal API: role credentials, account and role listings, logout. Every request goes
// through ssoCall, so callers get retries and only our own errors.
import type { RoleCredentials } from '../credentials/model.ts';
import { isSafeCredentialValue } from '../cache/role.ts';
import { ServiceError } from '../errors.ts';
import { type SsoApi, ssoCall } from './call.ts';
import { portalClient } from './clients.ts';

/**
 * AWS role sessions last 12 hours at most; anything already over, or far beyond that, is a
 * broken or hostile answer, and caching it would hand out dead keys or keep them forever.
 */
const MAX_ROLE_LIFETIME_MS = 7 * 24 * 3_600_000;

export async function getRoleCredentials(api: SsoApi, accessToken: string, accountId: string, roleName: string): Promise<RoleCredentials> {
  const { client, sdk } = await portalClient(api.endpoint);
  api.rt.debug('SSO client ready');
  const reply = await ssoCall(api, `GetRoleCredentials for role ${roleName} in account ${accountId}`, () =>
    client.send(new sdk.GetRoleCredentialsCommand({ accessToken, accountId, roleName })),
  );
  api.rt.debug('GetRoleCredentials answered');
  const c = reply.roleCredentials;
  if (
    !c || !isSafeCredentialValue(c.accessKeyId) || !isSafeCredentialValue(c.secretAccessKey) ||
    !isSafeCredentialValue(c.sessionToken)
  ) {
    throw new ServiceError(`the SSO portal at ${api.endpoint.url} returned malformed role credentials for ${roleName} in ${accountId}`);
  }
  // Whole seconds, as the AWS CLI keeps them: otherwise the first call would print a
  // fractional Expiration and later calls, read back from the cache, would not.
  const expiration = new Date(Math.floor(Number(c.expiration) / 1000) * 1000);
  const left = expiration.getTime() - api.rt.now();
  if (!(left > 0 && left <= MAX_ROLE_LIFETIME_MS)) {
    throw new ServiceError(
      `the SSO portal at ${api.endpoint.url} returned role credentials for ${roleName} in ${accountId} with an impossible expiration (${JSON.stringify(c.expiration)}); nothing was cached`,
      'try again; if it persists, the endpoint is not a genuine IAM Identity Center (check AWS_ENDPOINT_URL_SSO)',
    );
  }
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration, accountId };
}

export interface Account {
  accountId: string;
  accountName: string | undefined;
  emailAddress: string | undefined;
}

/** Follows nextToken to the end; each page is one request of its own (retried on its own). */
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

export async function listAccounts(api: SsoApi, accessToken: string): Promise<Account[]> {
  const { client, sdk } = await portalClient(api.endpoint);
  return allPages(async (nextToken) => {
    const page = await ssoCall(api, 'ListAccounts', () => client.send(new sdk.ListAccountsCommand({ accessToken, nextToken, maxResults: 100 })));
    const items = (page.accountList ?? []).flatMap((a) => (a.accountId ? [{ accountId: a.accountId, accountName: a.accountName, emailAddress: a.emailAddress }] : []));
    return { items, nextToken: page.nextToken };
  });
}

export async function listAccountRoles(api: SsoApi, accessToken: string, accountId: string): Promise<string[]> {
  const { client, sdk } = await portalClient(api.endpoint);
  return allPages(async (nextToken) => {
    const page = await ssoCall(api, `ListAccountRoles for account ${accountId}`, () =>
      client.send(new sdk.ListAccountRolesCommand({ accessToken, accountId, nextToken, maxResults: 100 })),
    );
    return { items: (page.roleList ?? []).flatMap((r) => (r.roleName ? [r.roleName] : [])), nextToken: page.nextToken };
  });
}

export async function logout(api: SsoApi, accessToken: string): Promise<void> {
  const { client, sdk } = await portalClient(api.endpoint);
  await ssoCall(api, 'Logout', () => client.send(new sdk.LogoutCommand({ accessToken })));
}
