// Refreshing a console session (`aws login`): the sign-in service's CreateOAuth2Token with the
// session's refresh token and a DPoP proof made with its key. The refresh token rotates (the old
// one dies), and the SDKs rewrite the file without a lock, so two refreshes at once lose the
// session. Ours runs under a cross-process lock, reads the file again once it holds it (an SDK or
// another ssohelper may have refreshed meanwhile), and rewrites it atomically keeping every field
// it does not own.
import { createPrivateKey, type KeyObject, randomUUID, sign } from 'node:crypto';
import { basename } from 'node:path';
import { type LoginRefresh, type LoginSession, serializeRefreshedSession } from '../cache/login.ts';
import { isSafeCredentialValue } from '../cache/role.ts';
import { loginSessionLockName, withLock } from '../cache/lock.ts';
import { sectionName } from '../config/credentialProfile.ts';
import { AccessDeniedError, ConfigError, LoginRequiredError, ServiceError } from '../errors.ts';
import { writeFileAtomic } from '../fs/files.ts';
import { mask, type Runtime } from '../runtime.ts';
import { type SsoApiError, ssoCall } from '../sso/call.ts';
import { httpClient, networkOf } from '../net/client.ts';
import type { Endpoint } from '../sso/clients.ts';
import { errorCode } from '../sso/portal.ts';
import { parseJsonObject } from '../util/pyjson.ts';
import { humanDuration, isoString } from '../util/time.ts';
import type { CredentialOptions } from './freshness.ts';
import { readLoginSession } from '../cache/login.ts';
import { type LoginPlan, usableLoginKeys } from './loginWindow.ts';
import type { AwsCredentials } from '../types/credentials.ts';
import { version } from '../util/version.ts';

const MAX_ANSWER_BYTES = 64 * 1024;
/** The SDKs' lifetime when the answer gives none. */
const DEFAULT_EXPIRES_IN_S = 900;
// The sign-in service's reasons for which only a new `aws login` helps.
const RELOGIN_REASONS = new Set(['TOKEN_EXPIRED', 'USER_CREDENTIALS_CHANGED']);

export async function refreshLogin(
  rt: Runtime,
  plan: LoginPlan,
  path: string,
  options: CredentialOptions,
): Promise<AwsCredentials> {
  const name = plan.login.sessionName;
  const started = rt.now();
  let before: LoginSession | undefined;
  if (options.refresh) before = await readLoginSession(rt, path);
  // A forced refresh is satisfied by anyone's refresh since this call started (a new refresh token).
  const doneMeanwhile = async (): Promise<AwsCredentials | undefined> => {
    const s = await readLoginSession(rt, path);
    if (!s || !usableLoginKeys(s, rt.now(), options)) return undefined;
    return !options.refresh || (before !== undefined && s.refreshToken !== before.refreshToken)
      ? s.credentials
      : undefined;
  };
  const refresh = async (): Promise<AwsCredentials> => {
    const again = await doneMeanwhile();
    if (again) {
      rt.debug('the console session was refreshed while we waited');
      return again;
    }
    const session = await readLoginSession(rt, path);
    if (!session) {
      throw new LoginRequiredError(
        `no usable console session "${name}" for profile "${plan.profileName}" (looked for ${path})`,
        `run: aws login --profile ${plan.profileName}`,
      );
    }
    return refreshed(rt, plan, path, session, options, started);
  };
  return withLock(
    rt,
    loginSessionLockName(basename(path, '.json')),
    `refreshing the console session ${name}`,
    refresh,
    undefined,
    options.refresh ? undefined : doneMeanwhile,
  );
}

async function refreshed(
  rt: Runtime,
  plan: LoginPlan,
  path: string,
  session: LoginSession,
  options: CredentialOptions,
  started: number,
): Promise<AwsCredentials> {
  const endpoint = signinEndpoint(rt, plan, session);
  let answer: LoginRefresh;
  try {
    answer = await createToken(rt, endpoint, session);
  } catch (err) {
    const reason =
      (err as SsoApiError).errorName === 'AccessDeniedException'
        ? ((err as { cause?: { error?: unknown } }).cause?.error as string | undefined)
        : undefined;
    if (reason && RELOGIN_REASONS.has(reason)) {
      const why =
        reason === 'TOKEN_EXPIRED' ? 'has expired' : 'ended because the password or credentials of its user changed';
      throw new LoginRequiredError(
        `the console session "${plan.login.sessionName}" of profile "${plan.profileName}" ${why} (${reason})`,
        `run: aws login --profile ${plan.profileName}`,
        { cause: err },
      );
    }
    const left = session.credentials.expiration.getTime() - rt.now();
    if (reason === 'INSUFFICIENT_PERMISSIONS' && left <= 0) {
      throw new AccessDeniedError(
        `the console session "${plan.login.sessionName}" of profile "${plan.profileName}" may not renew its keys (INSUFFICIENT_PERMISSIONS)`,
        `its identity needs permission for the sign-in service's CreateOAuth2Token; then: aws login --profile ${plan.profileName}`,
        { cause: err },
      );
    }
    // The SDKs keep using keys that still work; so do we, saying why they will not last.
    if (left > 0 && !(err instanceof ConfigError)) {
      rt.stderr(
        `ssohelper: warning: could not refresh the console session "${plan.login.sessionName}" (${(err as Error).message}); using its current keys, valid for ${humanDuration(left)}\n`,
      );
      return session.credentials;
    }
    throw err;
  }
  await writeFileAtomic(path, serializeRefreshedSession(session, answer));
  rt.debug(
    `console session refreshed: ${mask(answer.accessKeyId)}, expires ${isoString(answer.expiration)}, written to ${path} (${rt.now() - started}ms)`,
  );
  const credentials = {
    accessKeyId: answer.accessKeyId,
    secretAccessKey: answer.secretAccessKey,
    sessionToken: answer.sessionToken,
    expiration: answer.expiration,
    accountId: session.credentials.accountId,
  };
  const lifetime = answer.expiration.getTime() - rt.now();
  if (options.minTtlRequired && lifetime < options.minTtlMs) {
    throw new ConfigError(
      `fresh keys of the console session of profile "${plan.profileName}" are valid for ${humanDuration(lifetime)}, less than the ${humanDuration(options.minTtlMs)} asked for`,
      'console sessions hand out keys for about 15 minutes: lower --min-ttl',
    );
  }
  return credentials;
}

/** The cache file's signInRegion, else the profile's region; AWS_ENDPOINT_URL_SIGNIN and the config win. */
export function signinEndpoint(rt: Runtime, plan: LoginPlan, session: LoginSession): Endpoint {
  const region = session.signInRegion ?? plan.login.region;
  const network = networkOf(rt, plan.login.network);
  if (plan.login.endpoint)
    return { url: plan.login.endpoint, region: region ?? 'us-east-1', network, service: 'signin' };
  if (!region) {
    throw new ConfigError(
      `the console session of profile "${plan.profileName}" names no sign-in region, and the profile has no region`,
      `add region = <the region you ran aws login in> to [${sectionName(plan.profileName)}]`,
    );
  }
  return { url: `https://${region}.${signinDomain(region)}`, region, network, service: 'signin' };
}

function signinDomain(region: string): string {
  if (region.startsWith('cn-')) return 'signin.amazonaws.cn';
  if (region.startsWith('us-gov-')) return 'signin.amazonaws-us-gov.com';
  return 'signin.aws.amazon.com';
}

async function createToken(rt: Runtime, endpoint: Endpoint, session: LoginSession): Promise<LoginRefresh> {
  const key = dpopKey(session.dpopKey);
  const http = await httpClient(endpoint.network);
  const base = new URL(endpoint.url);
  const path = `${base.pathname.replace(/\/+$/, '')}/v1/token`;
  const htu = `${base.protocol}//${base.host}${path}`;
  const body = JSON.stringify({
    clientId: session.clientId,
    grantType: 'refresh_token',
    refreshToken: session.refreshToken,
  });
  rt.debug(`CreateOAuth2Token at ${htu} with refresh token ${mask(session.refreshToken)}`);
  const doc = await ssoCall({ rt, endpoint }, `refreshing the console session at ${endpoint.url}`, async (signal) => {
    const answer = await http.fetchText(
      {
        method: 'POST',
        protocol: base.protocol,
        host: base.hostname,
        port: base.port ? Number(base.port) : undefined,
        path,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          dpop: dpopProof(key, 'POST', htu, Math.floor(rt.now() / 1000)),
          'user-agent': `ssohelper/${version()} md/nodejs#${process.versions.node} os/${process.platform}`,
        },
        body,
        signal,
      },
      MAX_ANSWER_BYTES,
    );
    const parsed = parseJsonObject(answer.text);
    if (answer.status >= 200 && answer.status < 300 && parsed) return parsed;
    const message = typeof parsed?.message === 'string' ? parsed.message.slice(0, 500) : `HTTP ${answer.status}`;
    throw Object.assign(new Error(message), {
      name:
        errorCode(answer.headers['x-amzn-errortype'], parsed) ??
        (answer.status < 300 ? 'MalformedAnswer' : 'UnknownError'),
      error: typeof parsed?.error === 'string' ? parsed.error : undefined,
      $metadata: { httpStatusCode: answer.status },
    });
  });
  return parseTokenAnswer(doc, rt.now(), endpoint.url);
}

/** The answer's keys and rotated refresh token, checked before any of it reaches a file or a shell. */
export function parseTokenAnswer(doc: Record<string, unknown>, now: number, url: string): LoginRefresh {
  const token = (typeof doc.accessToken === 'object' && doc.accessToken !== null ? doc.accessToken : {}) as Record<
    string,
    unknown
  >;
  const { accessKeyId, secretAccessKey, sessionToken } = token;
  const { refreshToken, expiresIn } = doc;
  const seconds = expiresIn === undefined || expiresIn === null ? DEFAULT_EXPIRES_IN_S : expiresIn;
  if (
    !isSafeCredentialValue(accessKeyId) ||
    !isSafeCredentialValue(secretAccessKey) ||
    !isSafeCredentialValue(sessionToken) ||
    typeof refreshToken !== 'string' ||
    !/^[\x21-\x7e]{1,16384}$/.test(refreshToken) ||
    typeof seconds !== 'number' ||
    !Number.isSafeInteger(seconds) ||
    seconds <= 0 ||
    seconds > 86_400
  ) {
    throw new ServiceError(`the sign-in service at ${url} returned a malformed token answer`);
  }
  return { accessKeyId, secretAccessKey, sessionToken, refreshToken, expiration: new Date(now + seconds * 1000) };
}

/** The session's P-256 key, or a configuration error naming what is wrong with it. */
export function dpopKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem', type: 'sec1' });
  } catch (err) {
    throw new ConfigError(
      `the console session's dpopKey is not a readable EC private key: ${(err as Error).message}`,
      'sign in again: aws login',
      { cause: err },
    );
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ConfigError("the console session's dpopKey is not a P-256 key", 'sign in again: aws login');
  }
  return key;
}

/** RFC 9449 proof: a JWT naming the request, signed with the key whose public half it carries. */
export function dpopProof(key: KeyObject, method: string, url: string, iat: number): string {
  const { kty, crv, x, y } = key.export({ format: 'jwk' });
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${part({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } })}.${part({ htm: method, htu: url, iat, jti: randomUUID() })}`;
  // JWS wants r||s, not the DER sequence OpenSSL gives by default.
  const signature = sign('sha256', Buffer.from(signed), { key, dsaEncoding: 'ieee-p1363' });
  return `${signed}.${signature.toString('base64url')}`;
}
