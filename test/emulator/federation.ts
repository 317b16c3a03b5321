// The AWS sign-in federation endpoint (GET /federation): getSigninToken accepts only session
// credentials this emulator issued and that are still valid; login redeems a sign-in token once,
// within 15 minutes, by redirecting to the console Destination.
import { ApiError, json, redirect } from './http.ts';
import type { Reply, Request } from './http.ts';
import { randomToken, type State } from './state.ts';

const SIGNIN_TOKEN_TTL_MS = 15 * 60_000;

/** The counter name for each action, so tests can count what they care about. */
export function federationOperation(req: Request): string {
  const action = req.query.get('Action');
  if (action === 'getSigninToken') return 'GetSigninToken';
  if (action === 'login') return 'FederationLogin';
  return `federation:${action ?? 'NoAction'}`;
}

export function federation(state: State, req: Request): Reply {
  const action = req.query.get('Action');
  if (action === 'getSigninToken') return getSigninToken(state, req);
  if (action === 'login') return login(state, req);
  throw new ApiError(400, 'InvalidAction', `Unknown Action ${action ?? '(none)'}`);
}

function getSigninToken(state: State, req: Request): Reply {
  const raw = req.query.get('Session');
  if (raw === null) throw new ApiError(400, 'MissingParameter', 'Session is required');
  // Session credentials from a role: the console session follows the role session.
  if (req.query.has('SessionDuration'))
    throw new ApiError(400, 'InvalidParameter', 'SessionDuration is not supported with role session credentials');
  let session: unknown;
  try {
    session = JSON.parse(raw);
  } catch {
    throw new ApiError(400, 'MalformedSession', 'Session is not valid JSON');
  }
  const { sessionId, sessionKey, sessionToken } = (session ?? {}) as Record<string, unknown>;
  if (typeof sessionId !== 'string' || typeof sessionKey !== 'string' || typeof sessionToken !== 'string') {
    throw new ApiError(400, 'MalformedSession', 'Session needs sessionId, sessionKey and sessionToken');
  }
  const cred = state.credentials.get(sessionId);
  if (!cred || cred.secretAccessKey !== sessionKey || cred.sessionToken !== sessionToken)
    throw new ApiError(403, 'InvalidSession', 'The session credentials are not valid');
  if (cred.expiresAt <= state.now()) throw new ApiError(403, 'ExpiredSession', 'The session credentials have expired');
  const token = randomToken('', 96);
  state.signinTokens.set(token, { accessKeyId: sessionId, issuedAt: state.now(), used: false });
  return json(200, { SigninToken: token });
}

function login(state: State, req: Request): Reply {
  const token = state.signinTokens.get(req.query.get('SigninToken') ?? '');
  const destination = req.query.get('Destination') ?? '';
  if (!token || token.used || state.now() - token.issuedAt > SIGNIN_TOKEN_TTL_MS)
    throw new ApiError(403, 'InvalidSigninToken', 'The sign-in token is not valid');
  if (!destination.startsWith('https://'))
    throw new ApiError(400, 'InvalidDestination', 'Destination must be an https URL');
  token.used = true;
  return redirect(destination);
}
