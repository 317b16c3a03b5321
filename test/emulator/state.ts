// Everything the emulated IAM Identity Center remembers: the directory of accounts and
// roles, OIDC clients, sign-in sessions and their tokens, issued role credentials, plus
// the test knobs, counters and request log. Protocol handling lives in the service files.
import { randomBytes, randomInt } from 'node:crypto';
import { ApiError } from './http.ts';
import { SigninState } from './signin.ts';

export interface Knobs {
  /** Added before every service response (not the control API). */
  latencyMs: number;
  /**
   * Requests per second allowed, keyed by operation name (`GetRoleCredentials`,
   * `CreateToken`, `CreateToken:refresh_token`...), `List*` for the two listing calls together,
   * or `*` for all operations together.
   * Token bucket holding one second's worth; 0 rejects every call. Empty = unlimited.
   */
  throttle: Record<string, number>;
  /**
   * How `throttle` counts: `bucket` (a token bucket of one second's worth, refused calls free) or
   * `window` (at most the rate in any second, refused calls counted too: a client that keeps
   * calling above the limit keeps being refused). AWS does not say which its services use.
   */
  throttleShape: 'bucket' | 'window';
  credentialTtlSeconds: number;
  accessTokenTtlSeconds: number;
  /** Lifetime of a client registration (clientSecretExpiresAt). */
  registrationTtlSeconds: number;
  rotateRefreshTokens: boolean;
  issueRefreshTokens: boolean;
  /** The user refuses: /authorize redirects with error=access_denied, auto-approval denies. */
  denyAuthorization: boolean;
  /** Approve a device code after this many pending polls; null waits for approveDevice. */
  autoApproveDeviceAfterPolls: number | null;
  /** Seconds; the device `interval`. Polling faster gets SlowDownException. */
  devicePollInterval: number;
  deviceCodeTtlSeconds: number;
  /** Default page size of ListAccounts/ListAccountRoles when max_result is absent. */
  pageSize: number;
  /**
   * Account ids the signed-in user no longer sees: left out of ListAccounts, and answered
   * 403 by ListAccountRoles and GetRoleCredentials (an assignment removed in the directory).
   */
  hiddenAccounts: string[];
  /** Seconds added to the Date header of every service response (a portal clock that is off). */
  dateSkewSeconds: number;
}

export function defaultKnobs(): Knobs {
  return {
    latencyMs: 0,
    throttle: {},
    throttleShape: 'bucket',
    credentialTtlSeconds: 3600,
    accessTokenTtlSeconds: 3600,
    registrationTtlSeconds: 90 * 24 * 3600,
    rotateRefreshTokens: true,
    issueRefreshTokens: true,
    denyAuthorization: false,
    autoApproveDeviceAfterPolls: null,
    devicePollInterval: 1,
    deviceCodeTtlSeconds: 600,
    pageSize: 2,
    hiddenAccounts: [],
    dateSkewSeconds: 0,
  };
}

/** Validates a partial knob update (from a test or the control API) before applying it. */
export function applyKnobs(knobs: Knobs, update: Record<string, unknown>): void {
  const defaults = defaultKnobs();
  for (const [key, value] of Object.entries(update)) {
    if (!(key in defaults)) throw new ApiError(400, 'InvalidKnob', `unknown knob: ${key}`);
    const k = key as keyof Knobs;
    const bad = () => new ApiError(400, 'InvalidKnob', `bad value for knob ${key}: ${JSON.stringify(value)}`);
    if (k === 'throttle') {
      if (value === null) {
        knobs.throttle = {};
        continue;
      }
      if (typeof value !== 'object' || Array.isArray(value)) throw bad();
      const rates = value as Record<string, unknown>;
      if (Object.values(rates).some((r) => typeof r !== 'number' || !(r >= 0))) throw bad();
      knobs.throttle = { ...(rates as Record<string, number>) };
    } else if (k === 'throttleShape') {
      if (value !== 'bucket' && value !== 'window') throw bad();
      knobs.throttleShape = value;
    } else if (k === 'hiddenAccounts') {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw bad();
      knobs.hiddenAccounts = [...(value as string[])];
    } else if (k === 'dateSkewSeconds') {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad();
      knobs.dateSkewSeconds = value;
    } else if (k === 'autoApproveDeviceAfterPolls') {
      if (value !== null && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) throw bad();
      knobs.autoApproveDeviceAfterPolls = value as number | null;
    } else if (typeof defaults[k] === 'boolean') {
      if (typeof value !== 'boolean') throw bad();
      (knobs as unknown as Record<string, boolean>)[k] = value;
    } else if (k === 'credentialTtlSeconds' || k === 'accessTokenTtlSeconds') {
      // Any finite number: negative or huge lifetimes play a broken or hostile service.
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad();
      knobs[k] = value;
    } else {
      if (typeof value !== 'number' || !(value >= 0) || (k === 'pageSize' && !(value >= 1))) throw bad();
      (knobs as unknown as Record<string, number>)[k] = value;
    }
  }
}

export const OPERATIONS = [
  'GetRoleCredentials',
  'ListAccounts',
  'ListAccountRoles',
  'Logout',
  'RegisterClient',
  'StartDeviceAuthorization',
  'CreateToken',
  'CreateToken:refresh_token',
  'CreateToken:device_code',
  'CreateToken:authorization_code',
  'GetCallerIdentity',
  'AssumeRole',
  'AssumeRoleWithWebIdentity',
  'Authorize',
  'VerifyDevice',
] as const;

/**
 * Requests received per operation, rejected ones included. `throttled` counts
 * throttle-knob rejections, `throttled:<Operation>` per operation; `status:<code>`
 * counts every response by HTTP status (so `status:429` is every 429 sent).
 */
export type Counters = Record<string, number>;

export interface LogEntry {
  time: string;
  method: string;
  path: string;
  operation: string;
  status: number;
  errorType?: string;
}

export interface AccountEntry {
  accountId: string;
  accountName: string;
  emailAddress: string;
  roles: string[];
}

export interface Client {
  clientId: string;
  clientSecret: string;
  clientName: string;
  scopes: string[];
  grantTypes: string[];
  redirectUris: string[];
  issuerUrl?: string;
  issuedAt: number;
  secretExpiresAt: number;
}

/** One sign-in: what logout revokes, and what every token it produced belongs to. */
export interface Session {
  id: string;
  clientId: string;
  scopes: string[];
  user: string;
  refreshable: boolean;
  revoked: boolean;
}

export interface AccessToken {
  sessionId: string;
  expiresAt: number;
  revoked: boolean;
}

export interface RefreshToken {
  sessionId: string;
  clientId: string;
  used: boolean;
}

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  clientId: string;
  startUrl: string;
  expiresAt: number;
  /** Grows by 5 s after each SlowDownException, as RFC 8628 demands of the client. */
  intervalMs: number;
  lastPollAt?: number;
  pendingPolls: number;
  status: 'pending' | 'approved' | 'denied' | 'redeemed';
}

export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
  /** Set once redeemed, so a replay can revoke what the code produced. */
  sessionId?: string;
}

export interface RoleCredential {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  accountId: string;
  roleName: string;
  user: string;
  expiresAt: number;
  /** Set for credentials STS issued (AssumeRole) or long-term user keys, which name themselves. */
  identity?: { arn: string; userId: string };
}

/** An IAM role STS lets callers assume, with the parts of its trust policy the emulator models. */
export interface IamRole {
  arn: string;
  accountId: string;
  roleName: string;
  /** Principals allowed: `*`, an account ID, or an exact caller ARN (user, role, assumed role). */
  trust: string[];
  /** When set, callers must pass this ExternalId (sts:ExternalId condition). */
  externalId?: string;
  /** When set, AssumeRole needs a valid MFA code (aws:MultiFactorAuthPresent condition). */
  requireMfa?: boolean;
  /** Audiences (OIDC client IDs) whose web identity tokens the role trusts; none: no web identity. */
  webIdentityAudiences?: string[];
  maxSessionDurationSeconds: number;
}

export interface InjectedFailure {
  operation: string;
  status: number;
  remaining: number;
  errorType?: string;
  message?: string;
}

export interface TokenGrant {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

const LOG_LIMIT = 2000;
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
// No vowels or look-alikes, so codes stay unambiguous and never spell words (as on AWS).
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

export function randomToken(prefix: string, bytes: number): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

export function randomFrom(alphabet: string, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

export class State {
  readonly knobs: Knobs = defaultKnobs();
  readonly counters: Counters = {};
  readonly log: LogEntry[] = [];
  readonly accounts = new Map<string, AccountEntry>();
  readonly clients = new Map<string, Client>();
  readonly sessions = new Map<string, Session>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  readonly devices = new Map<string, DeviceAuthorization>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly credentials = new Map<string, RoleCredential>();
  readonly signin = new SigninState();
  readonly iamRoles = new Map<string, IamRole>();
  /** Web identity tokens an OIDC provider issued (opaque here), by token. */
  readonly webIdentityTokens = new Map<string, { subject: string; audience: string; expiresAt: number }>();
  /** MFA devices by serial number (ARN) and the one code each currently accepts. */
  readonly mfaDevices = new Map<string, string>();
  /** S3 buckets (created by tests) and their objects, by key. */
  readonly s3Buckets = new Map<
    string,
    Map<string, { body: Buffer; etag: string; lastModified: Date; contentType: string }>
  >();
  /** Console sign-in tokens from the federation endpoint, by token. */
  readonly signinTokens = new Map<string, { accessKeyId: string; issuedAt: number; used: boolean }>();
  readonly failures: InjectedFailure[] = [];
  readonly now: () => number;
  readonly defaultUser: string;
  private buckets = new Map<string, { tokens: number; at: number }>();
  /** The `window` shape's attempts of the last second, by throttle key. */
  private windows = new Map<string, number[]>();
  private bucketConfig = '';
  private deviceWaiters: ((d: DeviceAuthorization) => void)[] = [];

  constructor(now: () => number, defaultUser: string) {
    this.now = now;
    this.defaultUser = defaultUser;
    this.resetCounters();
  }

  resetCounters(): void {
    for (const key of Object.keys(this.counters)) delete this.counters[key];
    for (const op of OPERATIONS) this.counters[op] = 0;
    this.counters.throttled = 0;
    this.log.length = 0;
  }

  bump(key: string): void {
    this.counters[key] = (this.counters[key] ?? 0) + 1;
  }

  record(entry: LogEntry): void {
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
    this.bump(`status:${entry.status}`);
  }

  // ---- directory ----

  assign(accountId: string, roleName: string, info: { accountName?: string; emailAddress?: string } = {}): void {
    if (!/^\d{12}$/.test(accountId))
      throw new ApiError(400, 'InvalidRequest', `account id must be 12 digits: ${accountId}`);
    if (roleName === '') throw new ApiError(400, 'InvalidRequest', 'role name must not be empty');
    let account = this.accounts.get(accountId);
    if (!account) {
      const name = info.accountName ?? `account-${accountId}`;
      account = { accountId, accountName: name, emailAddress: info.emailAddress ?? `${name}@example.com`, roles: [] };
      this.accounts.set(accountId, account);
    }
    if (info.accountName !== undefined) account.accountName = info.accountName;
    if (info.emailAddress !== undefined) account.emailAddress = info.emailAddress;
    if (!account.roles.includes(roleName)) account.roles.push(roleName);
  }

  unassign(accountId: string, roleName?: string): void {
    const account = this.accounts.get(accountId);
    if (!account) return;
    if (roleName === undefined) {
      this.accounts.delete(accountId);
      return;
    }
    account.roles = account.roles.filter((r) => r !== roleName);
    if (account.roles.length === 0) this.accounts.delete(accountId);
  }

  // ---- clients and tokens ----

  registerClient(fields: {
    clientName: string;
    scopes?: string[];
    grantTypes?: string[];
    redirectUris?: string[];
    issuerUrl?: string;
    ttlSeconds?: number;
  }): Client {
    const now = this.now();
    const client: Client = {
      clientId: randomToken('', 24),
      clientSecret: randomToken('eyJraWQiOiJrZXktZW11bGF0b3IiLCJhbGciOiJIUzM4NCJ9.', 96),
      clientName: fields.clientName,
      scopes: fields.scopes ?? [],
      grantTypes: fields.grantTypes ?? [],
      redirectUris: fields.redirectUris ?? [],
      issuedAt: now,
      secretExpiresAt: now + (fields.ttlSeconds ?? this.knobs.registrationTtlSeconds) * 1000,
    };
    if (fields.issuerUrl !== undefined) client.issuerUrl = fields.issuerUrl;
    this.clients.set(client.clientId, client);
    return client;
  }

  /** The client, if the id and secret match and the registration is still valid. */
  authenticateClient(clientId: string, clientSecret: string): Client {
    const client = this.clients.get(clientId);
    if (!client || client.clientSecret !== clientSecret) {
      throw new ApiError(401, 'InvalidClientException', 'Invalid client credentials');
    }
    if (client.secretExpiresAt <= this.now()) {
      throw new ApiError(401, 'InvalidClientException', 'Client registration has expired');
    }
    return client;
  }

  /** Whether the real service would hand this client refresh tokens. */
  clientGetsRefreshTokens(client: Client): boolean {
    return client.scopes.length > 0 || client.grantTypes.includes('refresh_token');
  }

  startSession(client: Client, scopes: string[], user = this.defaultUser): Session {
    const session: Session = {
      id: randomToken('', 12),
      clientId: client.clientId,
      scopes,
      user,
      refreshable: this.clientGetsRefreshTokens(client),
      revoked: false,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /**
   * A new access token for the session. `refresh`: 'auto' adds a refresh token when the
   * session is refreshable and the issueRefreshTokens knob allows; 'new' ignores the knob.
   */
  issueTokens(
    session: Session,
    ttlSeconds = this.knobs.accessTokenTtlSeconds,
    refresh: 'auto' | 'new' | 'none' = 'auto',
  ): TokenGrant {
    const accessToken = randomToken('aoaAAAAAG', 96);
    this.accessTokens.set(accessToken, {
      sessionId: session.id,
      expiresAt: this.now() + ttlSeconds * 1000,
      revoked: false,
    });
    const grant: TokenGrant = { accessToken, expiresIn: ttlSeconds };
    const wanted = refresh === 'new' || (refresh === 'auto' && this.knobs.issueRefreshTokens);
    if (session.refreshable && wanted) grant.refreshToken = this.newRefreshToken(session);
    return grant;
  }

  newRefreshToken(session: Session): string {
    const token = randomToken('aorAAAAAG', 160);
    this.refreshTokens.set(token, { sessionId: session.id, clientId: session.clientId, used: false });
    return token;
  }

  /**
   * Redeems a refresh token for new tokens. Under rotation the used token is dead
   * afterwards; otherwise the same one comes back (unless issueRefreshTokens is off).
   */
  refresh(refreshToken: string, clientId: string): TokenGrant {
    const record = this.refreshTokens.get(refreshToken);
    const session = record && this.sessions.get(record.sessionId);
    if (!record || !session || record.used || session.revoked || record.clientId !== clientId) {
      throw new ApiError(400, 'InvalidGrantException', 'Invalid refresh token provided');
    }
    const { rotateRefreshTokens, issueRefreshTokens } = this.knobs;
    const grant = this.issueTokens(session, undefined, rotateRefreshTokens && issueRefreshTokens ? 'new' : 'none');
    if (rotateRefreshTokens) record.used = true;
    else if (issueRefreshTokens) grant.refreshToken = refreshToken;
    return grant;
  }

  /** The live session behind a bearer token, or undefined if unknown/expired/revoked. */
  sessionForAccessToken(token: string | undefined): Session | undefined {
    if (!token) return undefined;
    const record = this.accessTokens.get(token);
    if (!record || record.revoked || record.expiresAt <= this.now()) return undefined;
    const session = this.sessions.get(record.sessionId);
    return session && !session.revoked ? session : undefined;
  }

  revokeSession(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (session) session.revoked = true;
    for (const t of this.accessTokens.values()) if (t.sessionId === sessionId) t.revoked = true;
    for (const t of this.refreshTokens.values()) if (t.sessionId === sessionId) t.used = true;
  }

  /** Finds the session of an access or refresh token; false if the token is unknown. */
  revokeToken(token: string): boolean {
    const sessionId = this.accessTokens.get(token)?.sessionId ?? this.refreshTokens.get(token)?.sessionId;
    if (sessionId === undefined) return false;
    this.revokeSession(sessionId);
    return true;
  }

  expireAccessToken(token: string): boolean {
    const record = this.accessTokens.get(token);
    if (!record) return false;
    record.expiresAt = Math.min(record.expiresAt, this.now() - 1000);
    return true;
  }

  // ---- device authorizations ----

  newDeviceAuthorization(client: Client, startUrl: string): DeviceAuthorization {
    let userCode: string;
    do userCode = `${randomFrom(USER_CODE_ALPHABET, 4)}-${randomFrom(USER_CODE_ALPHABET, 4)}`;
    while ([...this.devices.values()].some((d) => d.userCode === userCode));
    const device: DeviceAuthorization = {
      deviceCode: randomToken('', 64),
      userCode,
      clientId: client.clientId,
      startUrl,
      expiresAt: this.now() + this.knobs.deviceCodeTtlSeconds * 1000,
      intervalMs: this.knobs.devicePollInterval * 1000,
      pendingPolls: 0,
      status: 'pending',
    };
    this.devices.set(device.deviceCode, device);
    const waiters = this.deviceWaiters;
    this.deviceWaiters = [];
    for (const w of waiters) w(device);
    return device;
  }

  /** Resolves with the next device authorization to start (event-driven, no timers). */
  nextDeviceAuthorization(): Promise<DeviceAuthorization> {
    return new Promise((resolve) => this.deviceWaiters.push(resolve));
  }

  deviceByUserCode(userCode: string): DeviceAuthorization | undefined {
    const wanted = userCode.trim().toUpperCase();
    for (const d of this.devices.values()) if (d.userCode === wanted) return d;
    return undefined;
  }

  /** The user's answer on the verification page. False if there is no such pending code. */
  decideDevice(userCode: string, approve: boolean): boolean {
    const device = this.deviceByUserCode(userCode);
    if (device?.status !== 'pending' || device.expiresAt <= this.now()) return false;
    device.status = approve ? 'approved' : 'denied';
    return true;
  }

  // ---- role credentials ----

  issueRoleCredentials(accountId: string, roleName: string, user: string): RoleCredential {
    const cred: RoleCredential = {
      accessKeyId: `ASIA${randomFrom(UPPER_ALNUM, 16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(300).toString('base64')}`,
      accountId,
      roleName,
      user,
      expiresAt: this.now() + this.knobs.credentialTtlSeconds * 1000,
    };
    this.credentials.set(cred.accessKeyId, cred);
    return cred;
  }

  /** Long-term keys of an IAM user (AKIA…, no session token): what a static-key profile holds. */
  issueUserKeys(accountId: string, userName: string): RoleCredential {
    const cred: RoleCredential = {
      accessKeyId: `AKIA${randomFrom(UPPER_ALNUM, 16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: '',
      accountId,
      roleName: '',
      user: userName,
      expiresAt: Number.MAX_SAFE_INTEGER,
      identity: { arn: `arn:aws:iam::${accountId}:user/${userName}`, userId: `AIDA${randomFrom(UPPER_ALNUM, 17)}` },
    };
    this.credentials.set(cred.accessKeyId, cred);
    return cred;
  }

  // ---- failure injection and throttling ----

  /** Consumes one injected failure aimed at this operation, if any. */
  takeFailure(operation: string, subOperation: string | undefined): InjectedFailure | undefined {
    const index = this.failures.findIndex(
      (f) => f.operation === operation || f.operation === subOperation || f.operation === '*',
    );
    if (index < 0) return undefined;
    const failure = this.failures[index];
    failure.remaining--;
    if (failure.remaining <= 0) this.failures.splice(index, 1);
    return failure;
  }

  /** True if the throttle knob lets this call through (and charges its buckets). */
  admit(operation: string, subOperation: string | undefined): boolean {
    const config = JSON.stringify([this.knobs.throttle, this.knobs.throttleShape]);
    if (config !== this.bucketConfig) {
      this.buckets.clear();
      this.windows.clear();
      this.bucketConfig = config;
    }
    const now = this.now();
    // `List*` is one bucket for ListAccounts and ListAccountRoles together (the portal's listing rate).
    const group = operation.startsWith('List') ? 'List*' : undefined;
    const keys = [operation, subOperation, group, '*'].filter(
      (k): k is string => k !== undefined && k in this.knobs.throttle,
    );
    if (this.knobs.throttleShape === 'window') {
      // Every attempt counts, admitted or not.
      const full = keys.map((key) => {
        const seen = (this.windows.get(key) ?? []).filter((t) => t > now - 1000);
        this.windows.set(key, [...seen, now]);
        return seen.length >= (this.knobs.throttle[key] as number);
      });
      return !full.some(Boolean);
    }
    const buckets = keys.map((key) => {
      const rate = this.knobs.throttle[key];
      const capacity = rate === 0 ? 0 : Math.max(1, rate);
      let bucket = this.buckets.get(key);
      if (!bucket) {
        bucket = { tokens: capacity, at: now };
        this.buckets.set(key, bucket);
      }
      bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * rate);
      bucket.at = now;
      return bucket;
    });
    if (buckets.some((b) => b.tokens < 1)) return false;
    for (const b of buckets) b.tokens -= 1;
    return true;
  }
}
