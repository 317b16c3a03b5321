// A local IAM Identity Center: the SSO portal, the OIDC service and STS on one base URL,
// strict enough that the real AWS SDKs, botocore and the AWS CLI accept it as AWS.
// Point AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_SSO_OIDC and AWS_ENDPOINT_URL_STS at `url`.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleControl } from './control.ts';
import { ApiError, defaultErrorType, errorReply, readRequest } from './http.ts';
import type { Protocol, Reply, Request } from './http.ts';
import { federation, federationOperation } from './federation.ts';
import * as oidc from './oidc.ts';
import * as portal from './portal.ts';
import { handleS3, isS3Request, s3Operation } from './s3.ts';
import { State, applyKnobs, defaultKnobs, randomToken } from './state.ts';
import type { Counters, DeviceAuthorization, Knobs, LogEntry } from './state.ts';
import * as signin from './signin.ts';
import * as sts from './sts.ts';

export type { Counters, Knobs, LogEntry } from './state.ts';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. The server listens on 127.0.0.1 only. */
  port?: number;
  knobs?: Partial<Knobs>;
  /** Seed the default directory (dev/prod/sandbox accounts). Default true. */
  seed?: boolean;
  /** The signed-in user's name, as it appears in STS ARNs. Default user@example.com. */
  user?: string;
  /**
   * The service's clock (epoch ms) for token, credential and code lifetimes and the
   * throttle buckets. Default Date.now. SigV4 skew is always checked against real time.
   */
  clock?: () => number;
  /** Called after every service response (not control API calls). */
  onLog?: (entry: LogEntry) => void;
  /**
   * Serve HTTPS with this key and certificate (PEM) instead of HTTP. `host` is the name `url`
   * uses (default 127.0.0.1): a name the certificate covers, for tests that reach the emulator
   * through a proxy under a name nothing else resolves.
   */
  tls?: { key: string; cert: string; host?: string };
}

export interface SessionOptions {
  /** Access-token lifetime; negative gives an already expired token. Default: accessTokenTtlSeconds. */
  ttlSeconds?: number;
  /** Whether a refresh token comes with it (an sso-session login). Default true. */
  refreshable?: boolean;
  /** Registration scopes. Default ["sso:account:access"] when refreshable, none otherwise. */
  scopes?: string[];
  registrationTtlSeconds?: number;
  user?: string;
}

export interface IssuedSession {
  accessToken: string;
  refreshToken?: string;
  clientId: string;
  clientSecret: string;
  expiresAt: Date;
  registrationExpiresAt: Date;
}

export interface DeviceAuthorizationInfo {
  userCode: string;
  verificationUriComplete: string;
  startUrl: string;
  status: DeviceAuthorization['status'];
}

interface Route {
  method: string;
  path: string;
  operation: string;
  protocol: Protocol;
  handle: (state: State, req: Request, ctx: { baseUrl: string; requestId: string }) => Reply;
}

const ROUTES: Route[] = [
  {
    method: 'GET',
    path: '/federation/credentials',
    operation: 'GetRoleCredentials',
    protocol: 'portal',
    handle: portal.getRoleCredentials,
  },
  {
    method: 'GET',
    path: '/assignment/accounts',
    operation: 'ListAccounts',
    protocol: 'portal',
    handle: portal.listAccounts,
  },
  {
    method: 'GET',
    path: '/assignment/roles',
    operation: 'ListAccountRoles',
    protocol: 'portal',
    handle: portal.listAccountRoles,
  },
  { method: 'POST', path: '/logout', operation: 'Logout', protocol: 'portal', handle: portal.logout },
  {
    method: 'POST',
    path: '/client/register',
    operation: 'RegisterClient',
    protocol: 'oidc',
    handle: oidc.registerClient,
  },
  {
    method: 'POST',
    path: '/device_authorization',
    operation: 'StartDeviceAuthorization',
    protocol: 'oidc',
    handle: (s, r, c) => oidc.startDeviceAuthorization(s, r, c.baseUrl),
  },
  { method: 'POST', path: '/token', operation: 'CreateToken', protocol: 'oidc', handle: oidc.createToken },
  { method: 'GET', path: '/authorize', operation: 'Authorize', protocol: 'browser', handle: oidc.authorize },
  { method: 'GET', path: '/device', operation: 'VerifyDevice', protocol: 'browser', handle: oidc.verifyDevice },
  { method: 'GET', path: '/federation', operation: 'Federation', protocol: 'browser', handle: federation },
  {
    method: 'POST',
    path: '/v1/token',
    operation: 'CreateOAuth2Token',
    protocol: 'signin',
    handle: (s, r, c) => signin.createOAuth2Token(s, r, c.baseUrl),
  },
  {
    method: 'POST',
    path: '/',
    operation: 'GetCallerIdentity',
    protocol: 'sts',
    handle: (s, r, c) => sts.handle(s, r, c.requestId),
  },
  {
    method: 'GET',
    path: '/',
    operation: 'GetCallerIdentity',
    protocol: 'sts',
    handle: (s, r, c) => sts.handle(s, r, c.requestId),
  },
];

// Path-style S3, told apart from STS on the same base URL by the service its signature names.
const S3_ROUTE: Route = { method: '*', path: '*', operation: 'S3', protocol: 's3', handle: (s, r) => handleS3(s, r) };

// Unknown paths answer like an AWS rest-json front end.
const UNKNOWN_ROUTE: Route = {
  method: '*',
  path: '*',
  operation: 'Unknown',
  protocol: 'portal',
  handle: () => {
    throw new ApiError(404, 'UnknownOperationException', 'Unknown operation');
  },
};

const DEFAULT_DIRECTORY: [string, string, string, string[]][] = [
  ['111111111111', 'dev', 'dev@example.com', ['AdministratorAccess', 'ReadOnly']],
  ['222222222222', 'prod', 'prod@example.com', ['ReadOnly']],
  ['333333333333', 'sandbox', 'sandbox@example.com', ['AdministratorAccess', 'ReadOnly', 'PowerUserAccess']],
];

function throttleError(protocol: Protocol): ApiError {
  if (protocol === 'oidc') return new ApiError(400, 'SlowDownException', 'Rate exceeded');
  if (protocol === 'sts') return new ApiError(400, 'Throttling', 'Rate exceeded');
  return new ApiError(429, 'TooManyRequestsException', 'Too many requests');
}

export class Emulator {
  readonly url: string;
  readonly port: number;
  private readonly state: State;
  private readonly server: Server | HttpsServer;
  private readonly onLog: ((entry: LogEntry) => void) | undefined;
  private readonly startKnobs: Record<string, unknown>;
  private readonly stopping = new AbortController();
  private readonly holds = new Map<string, { arrived: () => void; released: Promise<void> }>();

  private constructor(server: Server | HttpsServer, state: State, options: EmulatorOptions) {
    this.server = server;
    this.state = state;
    this.onLog = options.onLog;
    this.startKnobs = { ...options.knobs };
    this.port = (server.address() as AddressInfo).port;
    this.url = options.tls
      ? `https://${options.tls.host ?? '127.0.0.1'}:${this.port}`
      : `http://127.0.0.1:${this.port}`;
  }

  static async start(options: EmulatorOptions = {}): Promise<Emulator> {
    const state = new State(options.clock ?? Date.now, options.user ?? 'user@example.com');
    if (options.knobs) applyKnobs(state.knobs, options.knobs as Record<string, unknown>);
    if (options.seed !== false) {
      for (const [accountId, accountName, emailAddress, roles] of DEFAULT_DIRECTORY) {
        for (const role of roles) state.assign(accountId, role, { accountName, emailAddress });
      }
    }
    let emulator: Emulator | undefined;
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      if (emulator) void emulator.dispatch(req, res);
    };
    const server = options.tls
      ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest)
      : createServer(onRequest);
    // Clients keep connections alive; don't let a half-open socket hold stop() up.
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    // Every TLS handshake counted, and those that resumed a session the client kept.
    if (options.tls)
      server.on('secureConnection', (socket: import('node:tls').TLSSocket) => {
        state.bump('tlsHandshakes');
        if (socket.isSessionReused()) state.bump('tlsResumed');
      });
    emulator = new Emulator(server, state, options);
    return emulator;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /**
   * Holds the reply to the next `operation` request (already decided, as if on the wire) until
   * release(): stages a race with another process deterministically, without timing.
   * `arrived` resolves when that request has come in. stop() releases it.
   */
  holdNext(operation: string): { arrived: Promise<void>; release: () => void } {
    let arrived = () => undefined as void;
    let release = () => undefined as void;
    const arrivedP = new Promise<void>((r) => {
      arrived = r;
    });
    const released = new Promise<void>((r) => {
      release = r;
    });
    this.stopping.signal.addEventListener('abort', release, { once: true });
    this.holds.set(operation, { arrived, released });
    return { arrived: arrivedP, release };
  }

  /** The live knobs: assign fields directly, or use setKnobs to validate. */
  get knobs(): Knobs {
    return this.state.knobs;
  }

  setKnobs(update: Partial<Knobs>): Knobs {
    applyKnobs(this.state.knobs, update as Record<string, unknown>);
    return this.state.knobs;
  }

  /** Back to the defaults plus whatever was passed to start(), and no pending injected failures. */
  resetKnobs(): Knobs {
    Object.assign(this.state.knobs, defaultKnobs());
    applyKnobs(this.state.knobs, this.startKnobs);
    this.state.failures.length = 0;
    return this.state.knobs;
  }

  /** Live per-operation request counts (see Counters in state.ts for the keys). */
  get counters(): Counters {
    return this.state.counters;
  }

  get requestLog(): readonly LogEntry[] {
    return this.state.log;
  }

  resetCounters(): void {
    this.state.resetCounters();
  }

  /** An empty S3 bucket (path-style, any region). */
  createBucket(name: string): void {
    if (!this.state.s3Buckets.has(name)) this.state.s3Buckets.set(name, new Map());
  }

  /** An S3 object's bytes, or undefined. */
  s3Object(bucket: string, key: string): Buffer | undefined {
    return this.state.s3Buckets.get(bucket)?.get(key)?.body;
  }

  assign(accountId: string, roleName: string, info: { accountName?: string; emailAddress?: string } = {}): void {
    this.state.assign(accountId, roleName, info);
  }

  /**
   * An IAM role for AssumeRole. `trust` lists the principals allowed (default `*`: anyone with
   * valid credentials); `externalId` makes the call require it.
   */
  defineRole(
    roleArn: string,
    options: {
      trust?: string[];
      externalId?: string;
      maxSessionDurationSeconds?: number;
      requireMfa?: boolean;
      webIdentityAudiences?: string[];
    } = {},
  ): void {
    const m = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(roleArn);
    if (!m) throw new Error(`defineRole: not a role ARN: ${roleArn}`);
    this.state.iamRoles.set(roleArn, {
      arn: roleArn,
      accountId: m[1] as string,
      roleName: m[2] as string,
      trust: options.trust ?? ['*'],
      externalId: options.externalId,
      maxSessionDurationSeconds: options.maxSessionDurationSeconds ?? 3600,
      requireMfa: options.requireMfa,
      webIdentityAudiences: options.webIdentityAudiences,
    });
  }

  /** A web identity token (as an OIDC provider would sign one) for AssumeRoleWithWebIdentity. */
  issueWebIdentityToken(options: { subject?: string; audience?: string; ttlSeconds?: number } = {}): string {
    const token = `eyJ${randomToken('', 96)}`;
    const ttl = options.ttlSeconds ?? 3600;
    this.state.webIdentityTokens.set(token, {
      subject: options.subject ?? 'system:serviceaccount:ci:runner',
      audience: options.audience ?? 'sts.amazonaws.com',
      expiresAt: this.state.now() + ttl * 1000,
    });
    return token;
  }

  /** An MFA device that accepts `code` (until the next call for the same serial). */
  defineMfaDevice(serialNumber: string, code: string): void {
    this.state.mfaDevices.set(serialNumber, code);
  }

  /** Long-term keys of an IAM user, accepted by STS like any issued credentials. */
  issueUserKeys(accountId: string, userName: string): { accessKeyId: string; secretAccessKey: string; arn: string } {
    const cred = this.state.issueUserKeys(accountId, userName);
    return { accessKeyId: cred.accessKeyId, secretAccessKey: cred.secretAccessKey, arn: cred.identity?.arn as string };
  }

  /** Makes issued credentials expire now, as if their session had ended early. */
  expireCredentials(accessKeyId: string): void {
    const cred = this.state.credentials.get(accessKeyId);
    if (!cred) throw new Error('expireCredentials: unknown access key');
    cred.expiresAt = Math.min(cred.expiresAt, this.state.now() - 1000);
  }

  /** Removes one role, or the whole account when roleName is omitted. */
  unassign(accountId: string, roleName?: string): void {
    this.state.unassign(accountId, roleName);
  }

  /** A registered client and a signed-in session, as if a login had just happened. */
  issueSession(options: SessionOptions = {}): IssuedSession {
    const refreshable = options.refreshable ?? true;
    const scopes = options.scopes ?? (refreshable ? ['sso:account:access'] : []);
    const client = this.state.registerClient({
      clientName: 'ssohelper-test',
      scopes,
      ttlSeconds: options.registrationTtlSeconds,
    });
    const session = this.state.startSession(client, scopes, options.user);
    session.refreshable = refreshable;
    const ttl = options.ttlSeconds ?? this.state.knobs.accessTokenTtlSeconds;
    const grant = this.state.issueTokens(session, ttl, refreshable ? 'new' : 'none');
    const issued: IssuedSession = {
      accessToken: grant.accessToken,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      expiresAt: new Date(this.state.now() + ttl * 1000),
      registrationExpiresAt: new Date(client.secretExpiresAt),
    };
    if (grant.refreshToken !== undefined) issued.refreshToken = grant.refreshToken;
    return issued;
  }

  /** A console session as `aws login` leaves it: the cache file's document (see signin.ts). */
  issueConsoleSession(options: Parameters<typeof signin.issueConsoleSession>[1] = {}): signin.ConsoleSessionFile {
    return signin.issueConsoleSession(this.state, options);
  }

  /** The next refresh of the console session holding this refresh token is refused with `reason`. */
  endConsoleSession(refreshToken: string, reason: Parameters<typeof signin.endConsoleSession>[2]): void {
    signin.endConsoleSession(this.state, refreshToken, reason);
  }

  /** The sign-in service's keys lifetime (default 900 s). */
  set consoleKeyTtlSeconds(seconds: number) {
    this.state.signin.keyTtlSeconds = seconds;
  }

  expireAccessToken(accessToken: string): void {
    if (!this.state.expireAccessToken(accessToken)) throw new Error('expireAccessToken: unknown access token');
  }

  /** Revokes the whole sign-in session behind an access or refresh token (like Logout). */
  revoke(token: string): void {
    if (!this.state.revokeToken(token)) throw new Error('revoke: unknown token');
  }

  /**
   * Spends a refresh token as another program would (no request is counted), so a test
   * can check what happens to a cache holding the now-rotated-away token.
   */
  async useRefreshToken(
    refreshToken: string,
  ): Promise<{ accessToken: string; refreshToken?: string; expiresIn: number }> {
    const record = this.state.refreshTokens.get(refreshToken);
    if (!record) throw new Error('useRefreshToken: unknown refresh token');
    return this.state.refresh(refreshToken, record.clientId);
  }

  approveDevice(userCode: string): void {
    if (!this.state.decideDevice(userCode, true))
      throw new Error(`approveDevice: no pending authorization with user code ${userCode}`);
  }

  denyDevice(userCode: string): void {
    if (!this.state.decideDevice(userCode, false))
      throw new Error(`denyDevice: no pending authorization with user code ${userCode}`);
  }

  /** Resolves when the next StartDeviceAuthorization succeeds: await it before approving. */
  async nextDeviceAuthorization(): Promise<DeviceAuthorizationInfo> {
    return this.deviceInfo(await this.state.nextDeviceAuthorization());
  }

  deviceAuthorizations(): DeviceAuthorizationInfo[] {
    return [...this.state.devices.values()].map((d) => this.deviceInfo(d));
  }

  /**
   * The next `count` calls of `operation` (an operation name, `CreateToken:<grant>`, or `*`)
   * fail with `status`, rendered as that service renders errors.
   */
  failNext(operation: string, status: number, count = 1, errorType?: string): void {
    if (!Number.isInteger(status) || status < 400 || status > 599)
      throw new Error(`failNext: status must be 4xx or 5xx, got ${status}`);
    if (!Number.isInteger(count) || count < 1)
      throw new Error(`failNext: count must be a positive integer, got ${count}`);
    this.state.failures.push({ operation, status, remaining: count, errorType });
  }

  private deviceInfo(d: DeviceAuthorization): DeviceAuthorizationInfo {
    return {
      userCode: d.userCode,
      verificationUriComplete: `${this.url}/device?user_code=${encodeURIComponent(d.userCode)}`,
      startUrl: d.startUrl,
      status: d.status,
    };
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let request: Request;
    try {
      request = await readRequest(req);
    } catch (err) {
      const apiError =
        err instanceof ApiError ? err : new ApiError(400, 'InvalidRequestException', 'Could not read request');
      send(res, errorReply('portal', apiError));
      return;
    }
    if (request.path.startsWith('/_emulator/')) {
      send(res, await handleControl(this, this.state, request));
      return;
    }
    const route = isS3Request(request)
      ? S3_ROUTE
      : (ROUTES.find((r) => r.method === request.method && r.path === request.path) ?? UNKNOWN_ROUTE);
    const [operation, subOperation] = this.operationOf(route, request);
    this.state.bump(operation);
    if (subOperation !== undefined) this.state.bump(subOperation);
    const requestId = randomUUID();
    let reply: Reply;
    try {
      const failure = this.state.takeFailure(operation, subOperation);
      if (failure) {
        throw new ApiError(
          failure.status,
          failure.errorType ?? defaultErrorType(route.protocol, failure.status),
          failure.message ?? 'Injected failure',
        );
      }
      if (!this.state.admit(operation, subOperation)) {
        this.state.bump('throttled');
        this.state.bump(`throttled:${operation}`);
        throw throttleError(route.protocol);
      }
      reply = route.handle(this.state, request, { baseUrl: this.url, requestId });
    } catch (err) {
      const apiError =
        err instanceof ApiError ? err : new ApiError(500, 'InternalServerException', `Emulator bug: ${String(err)}`);
      reply = errorReply(route.protocol, apiError);
    }
    if (reply.headers['x-amzn-requestid'] === undefined && route.protocol !== 'browser')
      reply.headers['x-amzn-requestid'] = requestId;
    const hold = this.holds.get(operation);
    if (hold) {
      this.holds.delete(operation);
      hold.arrived();
      await hold.released;
    }
    const latency = this.state.knobs.latencyMs;
    if (latency > 0 && !(await this.delay(latency, res))) return;
    const skew = this.state.knobs.dateSkewSeconds;
    if (skew !== 0) reply.headers.date = new Date(Date.now() + skew * 1000).toUTCString();
    send(res, reply);
    const entry: LogEntry = {
      time: new Date().toISOString(),
      method: request.method,
      path: request.path,
      operation,
      status: reply.status,
    };
    if (reply.errorType !== undefined) entry.errorType = reply.errorType;
    this.state.record(entry);
    this.onLog?.(entry);
  }

  /**
   * Waits out the latency knob; false if the client went away or the emulator stopped,
   * so a huge latency never keeps a timer (and the test process) alive.
   */
  private async delay(ms: number, res: ServerResponse): Promise<boolean> {
    const gone = new AbortController();
    const onAbort = () => gone.abort();
    res.once('close', onAbort);
    this.stopping.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await sleep(ms, undefined, { signal: gone.signal });
      return true;
    } catch {
      res.destroy();
      return false;
    } finally {
      res.off('close', onAbort);
      this.stopping.signal.removeEventListener('abort', onAbort);
    }
  }

  private operationOf(route: Route, req: Request): [string, string | undefined] {
    if (route.operation === 'CreateToken') {
      const grant = oidc.peekGrantType(req);
      return ['CreateToken', grant === undefined ? undefined : `CreateToken:${oidc.grantCounterName(grant)}`];
    }
    if (route.operation === 'Federation') return [federationOperation(req), undefined];
    if (route.operation === 'S3') return [s3Operation(req), undefined];
    if (route.protocol === 'sts') {
      const action = sts.stsParams(req).get('Action');
      const known = action === 'GetCallerIdentity' || action === 'AssumeRole' || action === 'AssumeRoleWithWebIdentity';
      return [known ? action : `sts:${action ?? 'NoAction'}`, undefined];
    }
    return [route.operation, undefined];
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const body = reply.rawBody ?? Buffer.from(reply.body, 'utf8');
  // A HEAD reply states the length of what a GET would send.
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-length': reply.headers['content-length'] ?? String(body.length),
  });
  res.end(body);
}
