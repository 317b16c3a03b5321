// The SSO portal (service `sso`, rest-json): role credentials, account/role listing, logout.
import { ApiError, empty, json } from './http.ts';
import type { Reply, Request } from './http.ts';
import type { AccountEntry, Session, State } from './state.ts';

const MAX_RESULTS_LIMIT = 100;

function bearerSession(state: State, req: Request): Session {
  const header = req.headers['x-amz-sso_bearer_token'];
  const token = Array.isArray(header) ? header[0] : header;
  const session = state.sessionForAccessToken(token);
  if (!session) throw new ApiError(401, 'UnauthorizedException', 'Session token not found or invalid');
  return session;
}

function requiredParam(req: Request, name: string): string {
  const value = req.query.get(name);
  if (value === null || value === '')
    throw new ApiError(400, 'InvalidRequestException', `Missing required parameter: ${name}`);
  return value;
}

function accountIdParam(req: Request): string {
  const accountId = requiredParam(req, 'account_id');
  if (!/^\d{12}$/.test(accountId)) throw new ApiError(400, 'InvalidRequestException', 'Invalid account id');
  return accountId;
}

// Page tokens are opaque to clients but bound to the listing they came from, so reusing
// one from another listing (or inventing one) fails the way a real service would.
function encodePageToken(listing: string, offset: number): string {
  return Buffer.from(JSON.stringify({ l: listing, o: offset })).toString('base64url');
}

function page<T>(state: State, req: Request, listing: string, items: T[]): { items: T[]; nextToken?: string } {
  let size = state.knobs.pageSize;
  const maxResult = req.query.get('max_result');
  if (maxResult !== null) {
    size = Number(maxResult);
    if (!Number.isInteger(size) || size < 1 || size > MAX_RESULTS_LIMIT) {
      throw new ApiError(400, 'InvalidRequestException', `max_result must be between 1 and ${MAX_RESULTS_LIMIT}`);
    }
    // An upper bound, as with AWS: the service may still return smaller pages.
    size = Math.min(size, state.knobs.pageSize);
  }
  let offset = 0;
  const nextToken = req.query.get('next_token');
  if (nextToken !== null && nextToken !== '') {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(nextToken, 'base64url').toString('utf8'));
    } catch {
      decoded = undefined;
    }
    const d = decoded as { l?: unknown; o?: unknown } | undefined;
    if (!d || d.l !== listing || typeof d.o !== 'number' || !Number.isInteger(d.o) || d.o < 0) {
      throw new ApiError(400, 'InvalidRequestException', 'Invalid next token');
    }
    offset = d.o;
  }
  const slice = items.slice(offset, offset + size);
  const end = offset + slice.length;
  return end < items.length ? { items: slice, nextToken: encodePageToken(listing, end) } : { items: slice };
}

function visibleAccount(state: State, accountId: string): AccountEntry | undefined {
  return state.knobs.hiddenAccounts.includes(accountId) ? undefined : state.accounts.get(accountId);
}

export function getRoleCredentials(state: State, req: Request): Reply {
  const session = bearerSession(state, req);
  const roleName = requiredParam(req, 'role_name');
  const accountId = accountIdParam(req);
  const account = visibleAccount(state, accountId);
  // AWS answers an unassigned role with 403 ForbiddenException "No access" even though
  // the service model does not list that error; clients see a generic service error.
  if (!account?.roles.includes(roleName)) throw new ApiError(403, 'ForbiddenException', 'No access');
  const cred = state.issueRoleCredentials(accountId, roleName, session.user);
  return json(200, {
    roleCredentials: {
      accessKeyId: cred.accessKeyId,
      secretAccessKey: cred.secretAccessKey,
      sessionToken: cred.sessionToken,
      expiration: cred.expiresAt,
    },
  });
}

export function listAccounts(state: State, req: Request): Reply {
  bearerSession(state, req);
  const all = [...state.accounts.values()]
    .filter((a) => !state.knobs.hiddenAccounts.includes(a.accountId))
    .map((a) => ({ accountId: a.accountId, accountName: a.accountName, emailAddress: a.emailAddress }));
  const { items, nextToken } = page(state, req, 'accounts', all);
  return json(200, nextToken === undefined ? { accountList: items } : { accountList: items, nextToken });
}

export function listAccountRoles(state: State, req: Request): Reply {
  bearerSession(state, req);
  const accountId = accountIdParam(req);
  const account = visibleAccount(state, accountId);
  if (!account) throw new ApiError(403, 'ForbiddenException', 'No access');
  const all = account.roles.map((roleName) => ({ roleName, accountId }));
  const { items, nextToken } = page(state, req, `roles:${accountId}`, all);
  return json(200, nextToken === undefined ? { roleList: items } : { roleList: items, nextToken });
}

export function logout(state: State, req: Request): Reply {
  const session = bearerSession(state, req);
  // Role credentials already handed out stay valid until they expire, as on AWS.
  state.revokeSession(session.id);
  return empty(200);
}
