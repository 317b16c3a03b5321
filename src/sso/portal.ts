// The SSO portal API (rest-json, a bearer token in a header): role credentials, account and role
// listings, logout. Four plain requests, made with our HTTP client rather than the AWS SDK's
// client-sso: the SDK's start-up cost more than the rest of a first `get` together (see the
// CHANGELOG for the figures). Every request goes through ssoCall, so callers get retries and only
// our own errors.
import type { RoleCredentials } from '../types/credentials.ts';
import { isSafeCredentialValue } from '../cache/role.ts';
import { ServiceError } from '../errors.ts';
import { httpClient, queryString } from '../net/client.ts';
import { parseJsonObject } from '../util/pyjson.ts';
import { version } from '../util/version.ts';
import { type SsoApi, ssoCall } from './call.ts';
import type { Endpoint } from './clients.ts';

/** A page of accounts is about 150 bytes an account, at most 100 accounts: far below this. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export interface PortalAnswer {
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/**
 * One portal request. A 2xx answer is its JSON object; anything else throws an error shaped as
 * the SDK's are (the error code as `name`, the HTTP status in `$metadata`), for classify().
 */
export async function portalRequest(
  endpoint: Endpoint,
  method: 'GET' | 'POST',
  operationPath: string,
  query: Record<string, string | undefined>,
  accessToken: string,
  signal?: AbortSignal,
): Promise<PortalAnswer> {
  const http = await httpClient(endpoint.network);
  const base = new URL(endpoint.url);
  const params = Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
  const qs = queryString(params);
  const answer = await http.fetchText(
    {
      method,
      protocol: base.protocol,
      host: base.hostname,
      port: base.port ? Number(base.port) : undefined,
      // An endpoint URL with a path keeps it, as the SDK does.
      path: `${base.pathname.replace(/\/+$/, '')}${operationPath}${qs ? `?${qs}` : ''}`,
      headers: {
        'x-amz-sso_bearer_token': accessToken,
        accept: 'application/json',
        'user-agent': `ssohelper/${version()} md/nodejs#${process.versions.node} os/${process.platform}`,
        ...(method === 'POST' && { 'content-length': '0' }),
      },
      signal,
    },
    MAX_ANSWER_BYTES,
  );
  const body = parseJsonObject(answer.text);
  if (answer.status >= 200 && answer.status < 300) {
    if (body === undefined && answer.text.trim() !== '') {
      throw Object.assign(new Error(`the answer (HTTP ${answer.status}) is not a JSON object`), {
        name: 'MalformedAnswer',
        $metadata: { httpStatusCode: answer.status },
      });
    }
    return { body: body ?? {}, headers: answer.headers };
  }
  throw Object.assign(new Error(errorMessage(body, answer.status)), {
    name: errorCode(answer.headers['x-amzn-errortype'], body) ?? 'UnknownError',
    $metadata: { httpStatusCode: answer.status },
    $response: { headers: answer.headers },
  });
}

/**
 * The error code as rest-json services give it: the x-amzn-errortype header, else the body's
 * `code` or `__type`; "aws.protocols#Name:http://..." means Name.
 */
export function errorCode(header: string | undefined, body: Record<string, unknown> | undefined): string | undefined {
  const raw = header ?? [body?.code, body?.__type].find((v): v is string => typeof v === 'string');
  if (!raw) return undefined;
  const name = raw.split(':')[0]!.split('#').pop()!.trim();
  return name || undefined;
}

function errorMessage(body: Record<string, unknown> | undefined, status: number): string {
  const text = [body?.message, body?.Message].find((v): v is string => typeof v === 'string');
  return text ?? `HTTP ${status}`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function records(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)
    : [];
}

/**
 * AWS role sessions last 12 hours at most; anything already over, or far beyond that, is a
 * broken or hostile answer, and caching it would hand out dead keys or keep them forever.
 */
const MAX_ROLE_LIFETIME_MS = 7 * 24 * 3_600_000;

export async function getRoleCredentials(
  api: SsoApi,
  accessToken: string,
  accountId: string,
  roleName: string,
): Promise<RoleCredentials> {
  const { body } = await ssoCall(api, `GetRoleCredentials for role ${roleName} in account ${accountId}`, (signal) =>
    portalRequest(
      api.endpoint,
      'GET',
      '/federation/credentials',
      { account_id: accountId, role_name: roleName },
      accessToken,
      signal,
    ),
  );
  api.rt.debug('GetRoleCredentials answered');
  const c = body.roleCredentials as
    | { accessKeyId?: unknown; secretAccessKey?: unknown; sessionToken?: unknown; expiration?: unknown }
    | undefined;
  if (
    !c ||
    !isSafeCredentialValue(c.accessKeyId) ||
    !isSafeCredentialValue(c.secretAccessKey) ||
    !isSafeCredentialValue(c.sessionToken)
  ) {
    throw new ServiceError(
      `the SSO portal at ${api.endpoint.url} returned malformed role credentials for ${roleName} in ${accountId}`,
    );
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
  return {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    sessionToken: c.sessionToken,
    expiration,
    accountId,
  };
}

export interface Account {
  accountId: string;
  accountName: string | undefined;
  emailAddress: string | undefined;
}

/**
 * Follows nextToken to the end; each page is one request of its own (retried on its own). A page
 * token seen before would make the listing endless (a broken or hostile endpoint): an error.
 */
async function allPages<T>(
  what: string,
  fetchPage: (nextToken: string | undefined) => Promise<{ items: T[]; nextToken: string | undefined }>,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await fetchPage(nextToken);
    items.push(...page.items);
    nextToken = page.nextToken;
    if (nextToken && seen.has(nextToken)) {
      throw new ServiceError(
        `${what}: the SSO portal returned a page token it had returned before, so the listing would never end`,
        'try again; if it persists, the endpoint is not a genuine IAM Identity Center (check AWS_ENDPOINT_URL_SSO)',
      );
    }
    if (nextToken) seen.add(nextToken);
  } while (nextToken);
  return items;
}

export async function listAccounts(api: SsoApi, accessToken: string): Promise<Account[]> {
  return allPages('ListAccounts', async (nextToken) => {
    const { body } = await ssoCall(api, 'ListAccounts', (signal) =>
      portalRequest(
        api.endpoint,
        'GET',
        '/assignment/accounts',
        { max_result: '100', next_token: nextToken },
        accessToken,
        signal,
      ),
    );
    const items = records(body.accountList).flatMap((a) => {
      const accountId = text(a.accountId);
      return accountId ? [{ accountId, accountName: text(a.accountName), emailAddress: text(a.emailAddress) }] : [];
    });
    return { items, nextToken: text(body.nextToken) };
  });
}

export async function listAccountRoles(api: SsoApi, accessToken: string, accountId: string): Promise<string[]> {
  return allPages(`ListAccountRoles for account ${accountId}`, async (nextToken) => {
    const { body } = await ssoCall(api, `ListAccountRoles for account ${accountId}`, (signal) =>
      portalRequest(
        api.endpoint,
        'GET',
        '/assignment/roles',
        { account_id: accountId, max_result: '100', next_token: nextToken },
        accessToken,
        signal,
      ),
    );
    return {
      items: records(body.roleList).flatMap((r) => (text(r.roleName) ? [text(r.roleName) as string] : [])),
      nextToken: text(body.nextToken),
    };
  });
}

export async function logout(api: SsoApi, accessToken: string): Promise<void> {
  await ssoCall(api, 'Logout', (signal) => portalRequest(api.endpoint, 'POST', '/logout', {}, accessToken, signal));
}
