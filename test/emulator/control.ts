// The /_emulator/ control API: the in-process test helpers over HTTP, for users in
// other processes (the demo, shell scripts). JSON in, JSON out.
import { ApiError, errorReply, json, jsonBody, optString, optStringList, reqString } from './http.ts';
import type { Reply, Request } from './http.ts';
import type { Emulator, SessionOptions } from './server.ts';
import type { Knobs, State } from './state.ts';

function optNumber(body: Record<string, unknown>, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ApiError(400, 'InvalidRequest', `${key} must be a number`);
  return v;
}

function optBoolean(body: Record<string, unknown>, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ApiError(400, 'InvalidRequest', `${key} must be a boolean`);
  return v;
}

// In-process helpers throw plain Errors for unknown codes/tokens; over HTTP that is a 404.
function attempt(action: () => void): Reply {
  try {
    action();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(404, 'NotFound', err instanceof Error ? err.message : String(err));
  }
  return json(200, { ok: true });
}

async function route(emulator: Emulator, state: State, req: Request): Promise<Reply> {
  const name = req.path.slice('/_emulator/'.length);
  if (req.method === 'GET' && name === 'state') {
    return json(200, {
      url: emulator.url,
      knobs: state.knobs,
      counters: state.counters,
      log: state.log,
      devices: emulator.deviceAuthorizations(),
      accounts: [...state.accounts.values()],
    });
  }
  if (req.method !== 'POST') throw new ApiError(404, 'NotFound', `No control endpoint ${req.method} ${req.path}`);
  const body = jsonBody(req);
  switch (name) {
    case 'knobs':
      return json(200, { knobs: emulator.setKnobs(body as Partial<Knobs>) });
    case 'approve':
      return attempt(() => emulator.approveDevice(reqString(body, 'userCode')));
    case 'deny':
      return attempt(() => emulator.denyDevice(reqString(body, 'userCode')));
    case 'session': {
      const options: SessionOptions = {
        ttlSeconds: optNumber(body, 'ttlSeconds'),
        refreshable: optBoolean(body, 'refreshable'),
        scopes: optStringList(body, 'scopes'),
        registrationTtlSeconds: optNumber(body, 'registrationTtlSeconds'),
        user: optString(body, 'user'),
      };
      const s = emulator.issueSession(options);
      return json(200, {
        ...s,
        expiresAt: s.expiresAt.toISOString(),
        registrationExpiresAt: s.registrationExpiresAt.toISOString(),
      });
    }
    case 'assign':
      emulator.assign(reqString(body, 'accountId'), reqString(body, 'roleName'), {
        accountName: optString(body, 'accountName'),
        emailAddress: optString(body, 'emailAddress'),
      });
      return json(200, { ok: true });
    case 'unassign':
      emulator.unassign(reqString(body, 'accountId'), optString(body, 'roleName'));
      return json(200, { ok: true });
    case 'fail': {
      const status = optNumber(body, 'status') ?? 500;
      return attempt(() =>
        emulator.failNext(
          reqString(body, 'operation'),
          status,
          optNumber(body, 'count') ?? 1,
          optString(body, 'errorType'),
        ),
      );
    }
    case 'reset-counters':
      emulator.resetCounters();
      return json(200, { ok: true });
    case 'reset-knobs':
      return json(200, { knobs: emulator.resetKnobs() });
    case 'use-refresh-token':
      try {
        return json(200, await emulator.useRefreshToken(reqString(body, 'refreshToken')));
      } catch (err) {
        if (err instanceof ApiError) throw err;
        throw new ApiError(404, 'NotFound', err instanceof Error ? err.message : String(err));
      }
    case 'expire':
      return attempt(() => emulator.expireAccessToken(reqString(body, 'accessToken')));
    case 'revoke':
      return attempt(() => emulator.revoke(reqString(body, 'token')));
    default:
      throw new ApiError(404, 'NotFound', `No control endpoint POST ${req.path}`);
  }
}

export async function handleControl(emulator: Emulator, state: State, req: Request): Promise<Reply> {
  try {
    return await route(emulator, state, req);
  } catch (err) {
    if (err instanceof ApiError) return errorReply('control', err);
    return errorReply('control', new ApiError(400, 'BadRequest', err instanceof Error ? err.message : String(err)));
  }
}
