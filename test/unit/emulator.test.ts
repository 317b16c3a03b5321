// Proves the emulator is strict enough to stand in for AWS: the real JS SDK clients,
// botocore and the AWS CLI v2 all talk to it, and it rejects what AWS would reject.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  GetRoleCredentialsCommand,
  ListAccountsCommand,
  LogoutCommand,
  SSOClient,
  paginateListAccountRoles,
  paginateListAccounts,
} from '@aws-sdk/client-sso';
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Emulator } from '../emulator/server.ts';
import type { EmulatorOptions } from '../emulator/server.ts';
import { tempDir } from '../helpers/temp.ts';

const NODE = process.execPath;
const MAIN = new URL('../emulator/main.ts', import.meta.url).pathname;
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** A clock the test moves by hand, so lifetimes and rate limits never depend on timing. */
function manualClock() {
  let now = Date.now();
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  return Emulator.start(options);
}

function ssoClient(emu: Emulator, maxAttempts = 1): SSOClient {
  return new SSOClient({ region: 'us-east-1', endpoint: emu.url, maxAttempts });
}

function oidcClient(emu: Emulator): SSOOIDCClient {
  return new SSOOIDCClient({ region: 'us-east-1', endpoint: emu.url, maxAttempts: 1 });
}

function stsClient(
  emu: Emulator,
  creds: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string },
): STSClient {
  return new STSClient({
    region: 'us-east-1',
    endpoint: emu.url,
    maxAttempts: 1,
    credentials: {
      accessKeyId: creds.accessKeyId ?? '',
      secretAccessKey: creds.secretAccessKey ?? '',
      sessionToken: creds.sessionToken,
    },
  });
}

/** Asserts an SDK call failed with this AWS error name and HTTP status. */
async function rejectsWith(promise: Promise<unknown>, name: string, status: number, error?: string): Promise<void> {
  await assert.rejects(promise, (err: { name?: string; $metadata?: { httpStatusCode?: number }; error?: string }) => {
    assert.equal(err.name, name);
    assert.equal(err.$metadata?.httpStatusCode, status);
    if (error !== undefined) assert.equal(err.error, error);
    return true;
  });
}

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

describe('portal (client-sso)', () => {
  let emu: Emulator;
  let sso: SSOClient;
  const clock = manualClock();
  before(async () => {
    emu = await start({ clock: clock.now });
    sso = ssoClient(emu);
  });
  // One failing test must not leave its knobs set for the next.
  beforeEach(() => emu.resetKnobs());
  after(async () => {
    sso.destroy();
    await emu.stop();
  });

  test('GetRoleCredentials returns AWS-shaped credentials expiring after credentialTtlSeconds (epoch ms)', async () => {
    const { accessToken } = emu.issueSession();
    const out = await sso.send(
      new GetRoleCredentialsCommand({ accessToken, accountId: '111111111111', roleName: 'ReadOnly' }),
    );
    const c = out.roleCredentials;
    assert.ok(c);
    assert.match(c.accessKeyId ?? '', /^ASIA[A-Z0-9]{16}$/);
    assert.equal(c.secretAccessKey?.length, 40);
    assert.ok((c.sessionToken?.length ?? 0) > 100);
    assert.equal(c.expiration, clock.now() + 3600 * 1000);
    emu.knobs.credentialTtlSeconds = 900;
    const short = await sso.send(
      new GetRoleCredentialsCommand({ accessToken, accountId: '111111111111', roleName: 'ReadOnly' }),
    );
    assert.equal(short.roleCredentials?.expiration, clock.now() + 900 * 1000);
    emu.resetKnobs();
  });

  test('ListAccounts and ListAccountRoles paginate for real', async () => {
    const { accessToken } = emu.issueSession();
    emu.resetCounters();
    const accounts: string[] = [];
    for await (const page of paginateListAccounts({ client: sso }, { accessToken })) {
      assert.ok((page.accountList?.length ?? 0) <= 2, 'default page size is 2');
      for (const a of page.accountList ?? []) accounts.push(`${a.accountId}:${a.accountName}:${a.emailAddress}`);
    }
    assert.deepEqual(accounts, [
      '111111111111:dev:dev@example.com',
      '222222222222:prod:prod@example.com',
      '333333333333:sandbox:sandbox@example.com',
    ]);
    assert.equal(emu.counters.ListAccounts, 2);

    const roles: string[] = [];
    for await (const page of paginateListAccountRoles(
      { client: sso, pageSize: 1 },
      { accessToken, accountId: '333333333333' },
    )) {
      assert.equal(page.roleList?.length, 1);
      for (const r of page.roleList ?? []) roles.push(`${r.accountId}/${r.roleName}`);
    }
    assert.deepEqual(roles, [
      '333333333333/AdministratorAccess',
      '333333333333/ReadOnly',
      '333333333333/PowerUserAccess',
    ]);
    assert.equal(emu.counters.ListAccountRoles, 3);

    await rejectsWith(
      sso.send(new ListAccountsCommand({ accessToken, nextToken: 'forged' })),
      'InvalidRequestException',
      400,
    );
    await rejectsWith(
      sso.send(new ListAccountsCommand({ accessToken, maxResults: 1000 })),
      'InvalidRequestException',
      400,
    );
  });

  test('assign adds accounts and roles to the directory', async () => {
    const { accessToken } = emu.issueSession();
    emu.assign('444444444444', 'Billing', { accountName: 'billing', emailAddress: 'billing@example.com' });
    const out = await sso.send(
      new GetRoleCredentialsCommand({ accessToken, accountId: '444444444444', roleName: 'Billing' }),
    );
    assert.ok(out.roleCredentials?.accessKeyId);
    emu.unassign('444444444444');
    await rejectsWith(
      sso.send(new GetRoleCredentialsCommand({ accessToken, accountId: '444444444444', roleName: 'Billing' })),
      'ForbiddenException',
      403,
    );
  });

  test('401 for a bad, expired or revoked token; 403 for an unassigned role; 400 for missing parameters', async () => {
    const session = emu.issueSession();
    const get = (accessToken: string, accountId = '111111111111', roleName = 'ReadOnly') =>
      sso.send(new GetRoleCredentialsCommand({ accessToken, accountId, roleName }));
    await rejectsWith(get('not-a-token'), 'UnauthorizedException', 401);
    await rejectsWith(get(session.accessToken, '222222222222', 'AdministratorAccess'), 'ForbiddenException', 403);

    const res = await fetch(`${emu.url}/federation/credentials?account_id=111111111111`, {
      headers: { 'x-amz-sso_bearer_token': session.accessToken },
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidRequestException');
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(Object.keys((await res.json()) as object), ['message']);

    emu.expireAccessToken(session.accessToken);
    await rejectsWith(get(session.accessToken), 'UnauthorizedException', 401);

    const short = emu.issueSession({ ttlSeconds: 60 });
    await get(short.accessToken);
    clock.advance(61_000);
    await rejectsWith(get(short.accessToken), 'UnauthorizedException', 401);

    const revoked = emu.issueSession();
    emu.revoke(revoked.accessToken);
    await rejectsWith(get(revoked.accessToken), 'UnauthorizedException', 401);
  });

  test('Logout revokes the access token and its refresh token', async () => {
    const session = emu.issueSession();
    await sso.send(new LogoutCommand({ accessToken: session.accessToken }));
    await rejectsWith(
      sso.send(new ListAccountsCommand({ accessToken: session.accessToken })),
      'UnauthorizedException',
      401,
    );
    const oidc = oidcClient(emu);
    await rejectsWith(
      oidc.send(
        new CreateTokenCommand({
          clientId: session.clientId,
          clientSecret: session.clientSecret,
          grantType: 'refresh_token',
          refreshToken: session.refreshToken,
        }),
      ),
      'InvalidGrantException',
      400,
      'invalid_grant',
    );
    oidc.destroy();
  });

  test('the throttle knob answers 429 TooManyRequestsException and refills with the clock', async () => {
    const { accessToken } = emu.issueSession();
    const get = () =>
      sso.send(new GetRoleCredentialsCommand({ accessToken, accountId: '111111111111', roleName: 'ReadOnly' }));
    emu.resetCounters();
    emu.knobs.throttle = { GetRoleCredentials: 2 };
    await get();
    await get();
    await rejectsWith(get(), 'TooManyRequestsException', 429);
    assert.equal(emu.counters.throttled, 1);
    assert.equal(emu.counters['throttled:GetRoleCredentials'], 1);
    assert.equal(emu.counters['status:429'], 1);
    assert.equal(emu.counters.GetRoleCredentials, 3, 'rejected calls are counted too');
    clock.advance(500);
    await get();
    await rejectsWith(get(), 'TooManyRequestsException', 429);
    emu.knobs.throttle = { '*': 0 };
    await rejectsWith(sso.send(new ListAccountsCommand({ accessToken })), 'TooManyRequestsException', 429);
    emu.resetKnobs();
    await get();
  });

  test('the window shape counts refused attempts too: calling on above the limit keeps the door shut', async () => {
    const { accessToken } = emu.issueSession();
    const get = () =>
      sso.send(new GetRoleCredentialsCommand({ accessToken, accountId: '111111111111', roleName: 'ReadOnly' }));
    emu.setKnobs({ throttle: { GetRoleCredentials: 2 }, throttleShape: 'window' });
    await get();
    clock.advance(400);
    await get();
    await rejectsWith(get(), 'TooManyRequestsException', 429);
    // A token bucket would have refilled one call by now; the window still holds three attempts.
    clock.advance(700);
    await rejectsWith(get(), 'TooManyRequestsException', 429);
    clock.advance(1001);
    await get();
    assert.throws(() => emu.setKnobs({ throttleShape: 'leaky' as 'window' }), /bad value for knob throttleShape/);
    emu.resetKnobs();
  });

  test('failNext injects statuses; the SDK retries a 503 and succeeds', async () => {
    const { accessToken } = emu.issueSession();
    emu.resetCounters();
    emu.failNext('GetRoleCredentials', 503, 1);
    const retrying = ssoClient(emu, 3);
    const out = await retrying.send(
      new GetRoleCredentialsCommand({ accessToken, accountId: '111111111111', roleName: 'ReadOnly' }),
    );
    retrying.destroy();
    assert.ok(out.roleCredentials);
    assert.equal(emu.counters.GetRoleCredentials, 2);
    assert.deepEqual(
      emu.requestLog.map((e) => [e.operation, e.status, e.errorType]),
      [
        ['GetRoleCredentials', 503, 'ServiceUnavailableException'],
        ['GetRoleCredentials', 200, undefined],
      ],
    );
    emu.failNext('*', 500, 1, 'InternalServerException');
    await rejectsWith(sso.send(new ListAccountsCommand({ accessToken })), 'InternalServerException', 500);
  });

  test('latency is added to responses and never outlives the client or stop()', async () => {
    const { accessToken } = emu.issueSession();
    emu.resetCounters();
    emu.knobs.latencyMs = 600_000;
    const abort = new AbortController();
    let settled = false;
    const pending = fetch(`${emu.url}/assignment/accounts`, {
      headers: { 'x-amz-sso_bearer_token': accessToken },
      signal: abort.signal,
    }).finally(() => {
      settled = true;
    });
    while (emu.counters.ListAccounts === 0) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, false, 'the reply is held back by latencyMs');
    abort.abort();
    await assert.rejects(pending);
    emu.resetKnobs();
  });
});

describe('OIDC (client-sso-oidc)', () => {
  let emu: Emulator;
  let oidc: SSOOIDCClient;
  const clock = manualClock();
  before(async () => {
    emu = await start({ clock: clock.now });
    oidc = oidcClient(emu);
  });
  // One failing test must not leave its knobs set for the next.
  beforeEach(() => emu.resetKnobs());
  after(async () => {
    oidc.destroy();
    await emu.stop();
  });
  /** A refresh_token grant for the client of `session`. */
  const refreshWith = (session: { clientId: string; clientSecret: string }, refreshToken?: string) =>
    oidc.send(
      new CreateTokenCommand({
        clientId: session.clientId,
        clientSecret: session.clientSecret,
        grantType: 'refresh_token',
        refreshToken,
      }),
    );

  async function register(
    fields: { scopes?: string[]; grantTypes?: string[]; redirectUris?: string[]; issuerUrl?: string } = {},
  ) {
    const out = await oidc.send(new RegisterClientCommand({ clientName: 'test', clientType: 'public', ...fields }));
    return { clientId: out.clientId ?? '', clientSecret: out.clientSecret ?? '', out };
  }

  test('RegisterClient returns epoch-second timestamps with the registration lifetime', async () => {
    const { out } = await register({ scopes: ['sso:account:access'] });
    assert.equal(out.clientIdIssuedAt, Math.floor(clock.now() / 1000));
    assert.equal(out.clientSecretExpiresAt, Math.floor(clock.now() / 1000) + 90 * 24 * 3600);
    await rejectsWith(
      oidc.send(new RegisterClientCommand({ clientName: 'x', clientType: 'confidential' })),
      'InvalidClientMetadataException',
      400,
    );
    await rejectsWith(
      oidc.send(
        new RegisterClientCommand({
          clientName: 'x',
          clientType: 'public',
          grantTypes: ['authorization_code'],
          redirectUris: ['http://evil.example/cb'],
        }),
      ),
      'InvalidRedirectUriException',
      400,
    );
  });

  test('device flow: pending, slow_down when polled too fast, approval, single use', async () => {
    const { clientId, clientSecret } = await register({ scopes: ['sso:account:access'] });
    const waiting = emu.nextDeviceAuthorization();
    const auth = await oidc.send(
      new StartDeviceAuthorizationCommand({ clientId, clientSecret, startUrl: 'https://corp.awsapps.com/start' }),
    );
    assert.equal((await waiting).userCode, auth.userCode);
    assert.match(auth.userCode ?? '', /^[A-Z]{4}-[A-Z]{4}$/);
    assert.equal(auth.verificationUriComplete, `${emu.url}/device?user_code=${auth.userCode}`);
    assert.equal(auth.expiresIn, 600);
    assert.equal(auth.interval, 1);
    const poll = () =>
      oidc.send(
        new CreateTokenCommand({ clientId, clientSecret, grantType: DEVICE_GRANT, deviceCode: auth.deviceCode }),
      );

    await rejectsWith(poll(), 'AuthorizationPendingException', 400, 'authorization_pending');
    await rejectsWith(poll(), 'SlowDownException', 400, 'slow_down');
    clock.advance(1000);
    // After slow_down the client owes 5 more seconds per RFC 8628.
    await rejectsWith(poll(), 'SlowDownException', 400, 'slow_down');
    clock.advance(11_000);
    await rejectsWith(poll(), 'AuthorizationPendingException', 400);
    emu.approveDevice(auth.userCode ?? '');
    clock.advance(11_000);
    const token = await poll();
    assert.equal(token.tokenType, 'Bearer');
    assert.equal(token.expiresIn, 3600);
    assert.ok(token.accessToken);
    assert.ok(token.refreshToken, 'a client registered with scopes gets a refresh token');
    clock.advance(11_000);
    await rejectsWith(poll(), 'InvalidGrantException', 400, 'invalid_grant');

    const sso = ssoClient(emu);
    const accounts = await sso.send(new ListAccountsCommand({ accessToken: token.accessToken }));
    assert.equal(accounts.accountList?.length, 2);
    sso.destroy();
  });

  test('device flow: denial, expiry, auto-approval, and no refresh token for legacy clients', async () => {
    const legacy = await register();
    const start = () =>
      oidc.send(new StartDeviceAuthorizationCommand({ ...legacy, startUrl: 'https://corp.awsapps.com/start' }));
    const poll = (deviceCode?: string) =>
      oidc.send(new CreateTokenCommand({ ...legacy, grantType: DEVICE_GRANT, deviceCode }));

    const denied = await start();
    emu.denyDevice(denied.userCode ?? '');
    await rejectsWith(poll(denied.deviceCode), 'AccessDeniedException', 400, 'access_denied');

    const expired = await start();
    clock.advance(601_000);
    await rejectsWith(poll(expired.deviceCode), 'ExpiredTokenException', 400, 'expired_token');

    emu.knobs.autoApproveDeviceAfterPolls = 1;
    const auto = await start();
    await rejectsWith(poll(auto.deviceCode), 'AuthorizationPendingException', 400);
    clock.advance(1000);
    const token = await poll(auto.deviceCode);
    assert.ok(token.accessToken);
    assert.equal(token.refreshToken, undefined, 'no scopes, no refresh token');
    emu.resetKnobs();

    await rejectsWith(poll('no-such-device-code'), 'InvalidGrantException', 400);
    await rejectsWith(
      oidc.send(
        new CreateTokenCommand({
          clientId: legacy.clientId,
          clientSecret: 'wrong',
          grantType: DEVICE_GRANT,
          deviceCode: 'x',
        }),
      ),
      'InvalidClientException',
      401,
      'invalid_client',
    );
  });

  test('the verification page approves like a user would', async () => {
    const c = await register({ scopes: ['sso:account:access'] });
    const auth = await oidc.send(
      new StartDeviceAuthorizationCommand({ ...c, startUrl: 'https://corp.awsapps.com/start' }),
    );
    const page = await fetch(auth.verificationUriComplete ?? '');
    assert.equal(page.status, 200);
    await page.text();
    const token = await oidc.send(
      new CreateTokenCommand({ ...c, grantType: DEVICE_GRANT, deviceCode: auth.deviceCode }),
    );
    assert.ok(token.accessToken);
    assert.equal(emu.deviceAuthorizations().find((d) => d.userCode === auth.userCode)?.status, 'redeemed');
  });

  test('refresh tokens rotate: each use returns a new pair and the used one is rejected', async () => {
    const session = emu.issueSession({ ttlSeconds: 300 });
    const refresh = (refreshToken?: string) => refreshWith(session, refreshToken);
    emu.resetCounters();
    const first = await refresh(session.refreshToken);
    assert.ok(first.refreshToken);
    assert.notEqual(first.refreshToken, session.refreshToken);
    assert.notEqual(first.accessToken, session.accessToken);
    await rejectsWith(refresh(session.refreshToken), 'InvalidGrantException', 400, 'invalid_grant');
    const second = await refresh(first.refreshToken);
    assert.ok(second.accessToken);
    assert.equal(emu.counters['CreateToken:refresh_token'], 3);
    assert.equal(emu.counters.CreateToken, 3);

    // The access token from before the rotation stays valid until it expires.
    const sso = ssoClient(emu);
    await sso.send(new ListAccountsCommand({ accessToken: session.accessToken }));
    sso.destroy();

    const other = emu.issueSession();
    await rejectsWith(
      oidc.send(
        new CreateTokenCommand({
          clientId: other.clientId,
          clientSecret: other.clientSecret,
          grantType: 'refresh_token',
          refreshToken: second.refreshToken,
        }),
      ),
      'InvalidGrantException',
      400,
    );
    const rotated = await emu.useRefreshToken(second.refreshToken ?? '');
    assert.ok(rotated.refreshToken);
    await rejectsWith(refresh(second.refreshToken), 'InvalidGrantException', 400);
  });

  test('knobs: no rotation reuses the refresh token; issueRefreshTokens=false omits it', async () => {
    const session = emu.issueSession();
    const refresh = (refreshToken?: string) => refreshWith(session, refreshToken);
    emu.knobs.rotateRefreshTokens = false;
    assert.equal((await refresh(session.refreshToken)).refreshToken, session.refreshToken);
    assert.equal((await refresh(session.refreshToken)).refreshToken, session.refreshToken);
    emu.knobs.issueRefreshTokens = false;
    assert.equal((await refresh(session.refreshToken)).refreshToken, undefined);
    emu.setKnobs({ rotateRefreshTokens: true, accessTokenTtlSeconds: 120 });
    const last = await refresh(session.refreshToken);
    assert.equal(last.refreshToken, undefined);
    assert.equal(last.expiresIn, 120);
    await rejectsWith(refresh(session.refreshToken), 'InvalidGrantException', 400);
    emu.resetKnobs();
    assert.throws(() => emu.setKnobs({ pageSize: 0 }), /pageSize/);
  });

  test('authorization code + PKCE through a browser to a loopback listener', async (t) => {
    const c = await register({
      scopes: ['sso:account:access'],
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['http://127.0.0.1/oauth/callback'],
      issuerUrl: 'https://corp.awsapps.com/start',
    });
    // The program under test: a loopback listener on a random port, as the CLI runs.
    let callback: URLSearchParams | undefined;
    const listener = createServer((req, res) => {
      callback = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
      res.end('ok');
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    t.after(() => {
      listener.close();
      listener.closeAllConnections();
    });
    const redirectUri = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/oauth/callback`;
    const authorizeUrl = (challenge: string, extra: Record<string, string> = {}) =>
      `${emu.url}/authorize?${new URLSearchParams({ response_type: 'code', client_id: c.clientId, redirect_uri: redirectUri, state: 'st-1', code_challenge_method: 'S256', scopes: 'sso:account:access', code_challenge: challenge, ...extra })}`;
    const exchange = (code: string, codeVerifier: string, uri = redirectUri) =>
      oidc.send(
        new CreateTokenCommand({ ...c, grantType: 'authorization_code', code, codeVerifier, redirectUri: uri }),
      );

    const pkce = pkcePair();
    const browser = await fetch(authorizeUrl(pkce.challenge));
    assert.equal(await browser.text(), 'ok');
    assert.equal(callback?.get('state'), 'st-1');
    const code = callback?.get('code') ?? '';
    assert.ok(code);
    const token = await exchange(code, pkce.verifier);
    assert.ok(token.accessToken);
    assert.ok(token.refreshToken);
    await rejectsWith(exchange(code, pkce.verifier), 'InvalidGrantException', 400, 'invalid_grant');

    const second = pkcePair();
    await fetch(authorizeUrl(second.challenge)).then((r) => r.text());
    await rejectsWith(
      exchange(callback?.get('code') ?? '', pkcePair().verifier),
      'InvalidGrantException',
      400,
      'invalid_grant',
    );

    const third = pkcePair();
    await fetch(authorizeUrl(third.challenge)).then((r) => r.text());
    await rejectsWith(
      exchange(callback?.get('code') ?? '', third.verifier, 'http://127.0.0.1:1/oauth/callback'),
      'InvalidGrantException',
      400,
    );

    emu.knobs.denyAuthorization = true;
    await fetch(authorizeUrl(pkcePair().challenge)).then((r) => r.text());
    assert.equal(callback?.get('error'), 'access_denied');
    assert.equal(callback?.get('state'), 'st-1');
    emu.resetKnobs();

    const plain = await fetch(authorizeUrl(pkce.challenge, { code_challenge_method: 'plain' }), { redirect: 'manual' });
    assert.equal(plain.status, 302);
    assert.equal(new URL(plain.headers.get('location') ?? '').searchParams.get('error'), 'invalid_request');
    const elsewhere = await fetch(authorizeUrl(pkce.challenge, { redirect_uri: 'http://127.0.0.1:9/other' }), {
      redirect: 'manual',
    });
    assert.equal(elsewhere.status, 400, 'never redirects to an unregistered URI');

    // A PKCE client may not use the device flow.
    await rejectsWith(
      oidc.send(new StartDeviceAuthorizationCommand({ ...c, startUrl: 'https://corp.awsapps.com/start' })),
      'UnauthorizedClientException',
      400,
    );
    assert.equal(emu.counters.Authorize, 6);
  });

  test('OIDC errors carry x-amzn-errortype and an {error, error_description} body', async () => {
    const res = await fetch(`${emu.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'nobody', clientSecret: 'x', grantType: 'refresh_token', refreshToken: 'y' }),
    });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidClientException');
    assert.equal(res.headers.get('content-type'), 'application/json');
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description']);
    assert.equal(body.error, 'invalid_client');
  });
});

describe('STS (client-sts) with SigV4 verification', () => {
  let emu: Emulator;
  const clock = manualClock();
  before(async () => {
    emu = await start({ clock: clock.now, user: 'jane@example.com' });
  });
  after(() => emu.stop());

  async function roleCredentials(accountId = '111111111111', roleName = 'ReadOnly') {
    const sso = ssoClient(emu);
    const out = await sso.send(
      new GetRoleCredentialsCommand({ accessToken: emu.issueSession().accessToken, accountId, roleName }),
    );
    sso.destroy();
    const c = out.roleCredentials ?? {};
    return {
      accessKeyId: c.accessKeyId ?? '',
      secretAccessKey: c.secretAccessKey ?? '',
      sessionToken: c.sessionToken ?? '',
    };
  }

  async function callerIdentity(creds: Parameters<typeof stsClient>[1]) {
    const sts = stsClient(emu, creds);
    try {
      return await sts.send(new GetCallerIdentityCommand({}));
    } finally {
      sts.destroy();
    }
  }

  test('GetCallerIdentity succeeds with issued credentials', async () => {
    const creds = await roleCredentials('333333333333', 'PowerUserAccess');
    const id = await callerIdentity(creds);
    assert.equal(id.Account, '333333333333');
    assert.equal(
      id.Arn,
      'arn:aws:sts::333333333333:assumed-role/AWSReservedSSO_PowerUserAccess_0123456789abcdef/jane@example.com',
    );
    assert.match(id.UserId ?? '', /^AROA[A-Z2-7]{17}:jane@example\.com$/);
    assert.equal(emu.counters.GetCallerIdentity, 1);
  });

  test('a tampered secret, unknown key, wrong session token or expired credentials are rejected', async () => {
    const creds = await roleCredentials();
    const secret = creds.secretAccessKey;
    const tampered = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    await rejectsWith(callerIdentity({ ...creds, secretAccessKey: tampered }), 'SignatureDoesNotMatch', 403);
    await rejectsWith(callerIdentity({ ...creds, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' }), 'InvalidClientTokenId', 403);
    await rejectsWith(callerIdentity({ ...creds, sessionToken: 'forged' }), 'InvalidClientTokenId', 403);
    await rejectsWith(callerIdentity({ ...creds, sessionToken: undefined }), 'InvalidClientTokenId', 403);
    clock.advance(3601_000);
    await rejectsWith(callerIdentity(creds), 'ExpiredToken', 403);
  });

  test('unsigned and malformed requests get query-protocol XML errors', async () => {
    const res = await fetch(`${emu.url}/?Action=GetCallerIdentity&Version=2011-06-15`, { method: 'POST' });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('content-type'), 'text/xml');
    assert.match(
      await res.text(),
      /<ErrorResponse[^>]*>\s*<Error>\s*<Type>Sender<\/Type>\s*<Code>MissingAuthenticationToken<\/Code>/,
    );
    const bad = await fetch(`${emu.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetSessionToken&Version=2011-06-15',
    });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /<Code>InvalidAction<\/Code>/);
  });

  test('AssumeRoleWithWebIdentity: unsigned; the token must be issued, unexpired and for an audience the role trusts', async () => {
    const role = 'arn:aws:iam::333333333333:role/Ci';
    emu.defineRole(role, { webIdentityAudiences: ['sts.amazonaws.com'] });
    emu.defineRole('arn:aws:iam::333333333333:role/NoOidc');
    const form = (fields: Record<string, string>) =>
      fetch(`${emu.url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          Action: 'AssumeRoleWithWebIdentity',
          Version: '2011-06-15',
          RoleSessionName: 'ci',
          ...fields,
        }),
      });
    const token = emu.issueWebIdentityToken({ subject: 'repo:o/r', ttlSeconds: 60 });
    const ok = await form({ RoleArn: role, WebIdentityToken: token, DurationSeconds: '900' });
    const body = await ok.text();
    assert.equal(ok.status, 200, body);
    assert.match(
      body,
      /<SubjectFromWebIdentityToken>repo:o\/r<\/SubjectFromWebIdentityToken>[\s\S]*<Arn>arn:aws:sts::333333333333:assumed-role\/Ci\/ci<\/Arn>/,
    );
    const key = /<AccessKeyId>(\w+)</.exec(body)?.[1] ?? '';
    const secret = /<SecretAccessKey>([^<]+)</.exec(body)?.[1] ?? '';
    const session = /<SessionToken>([^<]+)</.exec(body)?.[1] ?? '';
    assert.equal(
      (await callerIdentity({ accessKeyId: key, secretAccessKey: secret, sessionToken: session })).Arn,
      'arn:aws:sts::333333333333:assumed-role/Ci/ci',
    );
    const codeOf = async (r: Response) => [r.status, /<Code>(\w+)</.exec(await r.text())?.[1]];
    assert.deepEqual(await codeOf(await form({ RoleArn: role, WebIdentityToken: 'eyJforged' })), [
      400,
      'InvalidIdentityToken',
    ]);
    assert.deepEqual(
      await codeOf(await form({ RoleArn: 'arn:aws:iam::333333333333:role/NoOidc', WebIdentityToken: token })),
      [403, 'AccessDenied'],
    );
    assert.deepEqual(await codeOf(await form({ RoleArn: role })), [400, 'ValidationError']);
    const signed = await fetch(`${emu.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=x' },
      body: new URLSearchParams({
        Action: 'AssumeRoleWithWebIdentity',
        Version: '2011-06-15',
        RoleArn: role,
        RoleSessionName: 'ci',
        WebIdentityToken: token,
      }),
    });
    assert.equal(signed.status, 400, 'a client that signs is caught');
    clock.advance(61_000);
    assert.deepEqual(await codeOf(await form({ RoleArn: role, WebIdentityToken: token })), [
      400,
      'ExpiredTokenException',
    ]);
    assert.equal(emu.counters.AssumeRoleWithWebIdentity, 6);
  });

  test("AssumeRole with MFA: the device's code passes, a wrong or missing one is AccessDenied, a role that requires MFA refuses none", async () => {
    const role = 'arn:aws:iam::333333333333:role/Admin';
    emu.defineRole(role, { requireMfa: true });
    emu.defineMfaDevice('arn:aws:iam::111111111111:mfa/alice', '123456');
    const sts = stsClient(emu, await roleCredentials());
    const assume = (extra: { SerialNumber?: string; TokenCode?: string }) =>
      sts.send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: 'me', ...extra }));
    try {
      const out = await assume({ SerialNumber: 'arn:aws:iam::111111111111:mfa/alice', TokenCode: '123456' });
      assert.equal(out.AssumedRoleUser?.Arn, 'arn:aws:sts::333333333333:assumed-role/Admin/me');
      await rejectsWith(
        assume({ SerialNumber: 'arn:aws:iam::111111111111:mfa/alice', TokenCode: '654321' }),
        'AccessDenied',
        403,
      );
      await rejectsWith(assume({ SerialNumber: 'arn:aws:iam::111111111111:mfa/alice' }), 'AccessDenied', 403);
      await rejectsWith(
        assume({ SerialNumber: 'arn:aws:iam::111111111111:mfa/bob', TokenCode: '123456' }),
        'AccessDenied',
        403,
      );
      await rejectsWith(assume({}), 'AccessDenied', 403);
      await rejectsWith(
        assume({ SerialNumber: 'arn:aws:iam::111111111111:mfa/alice', TokenCode: '12ab56' }),
        'ValidationError',
        400,
      );
    } finally {
      sts.destroy();
    }
  });
});

// ---- the real Python tools ----

function execText(
  file: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The real interpreter behind any pyenv shim, found once with the developer's environment. */
async function findPython(): Promise<string | undefined> {
  const r = await execText(
    'python3',
    ['-c', 'import sys, botocore; print(sys.executable)'],
    process.env as Record<string, string>,
  );
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** An environment with nothing of the developer's AWS setup in it. */
function isolatedEnv(home: string, url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_ENDPOINT_URL_SSO: url,
    AWS_ENDPOINT_URL_SSO_OIDC: url,
    AWS_ENDPOINT_URL_STS: url,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ...extra,
  };
}

const BOTOCORE_PORTAL = `
import json, os, botocore.session
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
s = botocore.session.get_session()
sso = s.create_client('sso', region_name='us-east-1', config=Config(signature_version=UNSIGNED, retries={'max_attempts': 0}))
token = os.environ['TOKEN']
c = sso.get_role_credentials(roleName='ReadOnly', accountId='111111111111', accessToken=token)['roleCredentials']
accounts = [a['accountId'] for p in sso.get_paginator('list_accounts').paginate(accessToken=token) for a in p['accountList']]
errors = []
for role, account, tok in [('AdministratorAccess', '222222222222', token), ('ReadOnly', '111111111111', 'bad')]:
    try:
        sso.get_role_credentials(roleName=role, accountId=account, accessToken=tok)
    except ClientError as e:
        errors.append([e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']])
sts = s.create_client('sts', region_name='us-east-1', aws_access_key_id=c['accessKeyId'], aws_secret_access_key=c['secretAccessKey'], aws_session_token=c['sessionToken'])
ident = sts.get_caller_identity()
bad = s.create_client('sts', region_name='us-east-1', aws_access_key_id=c['accessKeyId'], aws_secret_access_key=c['secretAccessKey'][::-1], aws_session_token=c['sessionToken'], config=Config(retries={'max_attempts': 0}))
try:
    bad.get_caller_identity()
except ClientError as e:
    errors.append([e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']])
print(json.dumps({'keyId': c['accessKeyId'], 'expiration': c['expiration'], 'accounts': accounts, 'arn': ident['Arn'], 'errors': errors}))
`;

// botocore's own SSO credential provider: reads the token cache, refreshes it (rotating the
// refresh token) because it expires within 15 minutes, fetches role credentials, calls STS.
const BOTOCORE_SSO_PROVIDER = `
import json, botocore.session
s = botocore.session.Session(profile='dev')
print(json.dumps(s.create_client('sts', region_name='us-east-1').get_caller_identity()['Arn']))
`;

describe('botocore (python3) against the emulator', () => {
  let emu: Emulator;
  let python: string | undefined;
  let home: string;
  before(async () => {
    emu = await start();
    python = await findPython();
    home = tempDir('emulator-botocore-');
    mkdirSync(join(home, '.aws'));
  });
  after(async () => {
    await emu.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test('GetRoleCredentials, ListAccounts pagination, errors and SigV4-checked STS', async (t) => {
    if (!python) return t.skip('python3 with botocore not found');
    const { accessToken } = emu.issueSession();
    const r = await execText(python, ['-c', BOTOCORE_PORTAL], isolatedEnv(home, emu.url, { TOKEN: accessToken }));
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      keyId: string;
      expiration: number;
      accounts: string[];
      arn: string;
      errors: [string, number][];
    };
    assert.match(out.keyId, /^ASIA/);
    assert.ok(out.expiration > Date.now() + 3000 * 1000, 'expiration is epoch milliseconds');
    assert.deepEqual(out.accounts, ['111111111111', '222222222222', '333333333333']);
    assert.equal(
      out.arn,
      'arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/user@example.com',
    );
    assert.deepEqual(out.errors, [
      ['ForbiddenException', 403],
      ['UnauthorizedException', 401],
      ['SignatureDoesNotMatch', 403],
    ]);
  });

  test("botocore's SSO provider refreshes a near-expiry token through the emulator", async (t) => {
    if (!python) return t.skip('python3 with botocore not found');
    const session = emu.issueSession({ ttlSeconds: 120 });
    writeFileSync(
      join(home, '.aws', 'config'),
      '[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n\n' +
        '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n',
    );
    const cacheDir = join(home, '.aws', 'sso', 'cache');
    mkdirSync(cacheDir, { recursive: true });
    const cacheFile = join(cacheDir, `${createHash('sha1').update('corp').digest('hex')}.json`);
    const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    writeFileSync(
      cacheFile,
      JSON.stringify({
        startUrl: 'https://corp.awsapps.com/start',
        region: 'us-east-1',
        accessToken: session.accessToken,
        expiresAt: iso(session.expiresAt),
        clientId: session.clientId,
        clientSecret: session.clientSecret,
        registrationExpiresAt: iso(session.registrationExpiresAt),
        refreshToken: session.refreshToken,
      }),
    );
    emu.resetCounters();
    const r = await execText(python, ['-c', BOTOCORE_SSO_PROVIDER], isolatedEnv(home, emu.url));
    assert.equal(r.code, 0, r.stderr);
    assert.match(JSON.parse(r.stdout) as string, /assumed-role\/AWSReservedSSO_ReadOnly_/);
    assert.equal(emu.counters['CreateToken:refresh_token'], 1);
    assert.equal(emu.counters.GetRoleCredentials, 1);
    assert.equal(emu.counters.GetCallerIdentity, 1);
    const written = JSON.parse(readFileSync(cacheFile, 'utf8')) as { accessToken: string; refreshToken: string };
    assert.notEqual(written.accessToken, session.accessToken);
    assert.notEqual(written.refreshToken, session.refreshToken, 'botocore stored the rotated refresh token');
    await assert.rejects(emu.useRefreshToken(session.refreshToken ?? ''), /Invalid refresh token/);
  });
});

describe('AWS CLI v2 against the emulator', () => {
  const AWS = '/usr/bin/aws';
  let emu: Emulator;
  let home: string;
  before(async () => {
    emu = await start();
    home = tempDir('emulator-awscli-');
  });
  after(async () => {
    await emu.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test('sso get-role-credentials, list-accounts (auto-paginated) and sts get-caller-identity', async (t) => {
    if (!existsSync(AWS)) return t.skip('AWS CLI v2 not installed');
    const version = await execText(AWS, ['--version'], isolatedEnv(home, emu.url));
    if (!version.stdout.startsWith('aws-cli/2.')) return t.skip(`${AWS} is not AWS CLI v2`);
    const { accessToken } = emu.issueSession();
    // CLI 2.9 predates AWS_ENDPOINT_URL_*; --endpoint-url works in every version.
    const common = ['--endpoint-url', emu.url, '--region', 'us-east-1', '--output', 'json'];
    const env = isolatedEnv(home, emu.url);
    const creds = await execText(
      AWS,
      [
        'sso',
        'get-role-credentials',
        '--role-name',
        'ReadOnly',
        '--account-id',
        '111111111111',
        '--access-token',
        accessToken,
        ...common,
      ],
      env,
    );
    assert.equal(creds.code, 0, creds.stderr);
    const c = (
      JSON.parse(creds.stdout) as {
        roleCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
      }
    ).roleCredentials;
    assert.match(c.accessKeyId, /^ASIA/);

    const accounts = await execText(AWS, ['sso', 'list-accounts', '--access-token', accessToken, ...common], env);
    assert.equal(accounts.code, 0, accounts.stderr);
    assert.equal((JSON.parse(accounts.stdout) as { accountList: unknown[] }).accountList.length, 3);

    const ident = await execText(AWS, ['sts', 'get-caller-identity', ...common], {
      ...env,
      AWS_ACCESS_KEY_ID: c.accessKeyId,
      AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
      AWS_SESSION_TOKEN: c.sessionToken,
    });
    assert.equal(ident.code, 0, ident.stderr);
    assert.equal((JSON.parse(ident.stdout) as { Account: string }).Account, '111111111111');

    const denied = await execText(
      AWS,
      [
        'sso',
        'get-role-credentials',
        '--role-name',
        'AdministratorAccess',
        '--account-id',
        '222222222222',
        '--access-token',
        accessToken,
        ...common,
      ],
      env,
    );
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /ForbiddenException.*No access/);
  });
});

describe('standalone runner and control API', () => {
  test('main.ts prints its URL, is driven over /_emulator/, and stops on SIGTERM', async (t) => {
    const child = spawn(NODE, [MAIN, '--latency-ms', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout });
    const firstLine = await Promise.race([
      new Promise<string>((resolve) => lines.once('line', resolve)),
      exited.then((code) => {
        throw new Error(`emulator exited (${code}) before printing its URL: ${stderr}`);
      }),
    ]);
    lines.close();
    const url = (JSON.parse(firstLine) as { url: string }).url;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const control = async (path: string, body?: unknown) => {
      const res = await fetch(
        `${url}/_emulator/${path}`,
        body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) },
      );
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    assert.equal((await control('knobs', { pageSize: 1, autoApproveDeviceAfterPolls: null })).status, 200);
    assert.equal((await control('knobs', { noSuchKnob: 1 })).status, 400);
    assert.equal(
      (await control('assign', { accountId: '555555555555', roleName: 'Ops', accountName: 'ops' })).status,
      200,
    );
    const session = (await control('session', { ttlSeconds: 600, refreshable: true })).body;
    assert.match(String(session.expiresAt), /^\d{4}-\d\d-\d\dT/);
    const accounts = await fetch(`${url}/assignment/accounts`, {
      headers: { 'x-amz-sso_bearer_token': String(session.accessToken) },
    });
    const page = (await accounts.json()) as { accountList: unknown[]; nextToken?: string };
    assert.equal(page.accountList.length, 1);
    assert.ok(page.nextToken);

    const reg = (await (
      await fetch(`${url}/client/register`, {
        method: 'POST',
        body: JSON.stringify({ clientName: 'sh', clientType: 'public' }),
      })
    ).json()) as Record<string, string>;
    const auth = (await (
      await fetch(`${url}/device_authorization`, {
        method: 'POST',
        body: JSON.stringify({
          clientId: reg.clientId,
          clientSecret: reg.clientSecret,
          startUrl: 'https://x.awsapps.com/start',
        }),
      })
    ).json()) as Record<string, string>;
    const devices = (await control('state')).body.devices as { userCode: string; status: string }[];
    assert.deepEqual(
      devices.map((d) => [d.userCode, d.status]),
      [[auth.userCode, 'pending']],
    );
    assert.equal((await control('approve', { userCode: 'NOPE-NOPE' })).status, 404);
    assert.equal((await control('approve', { userCode: auth.userCode })).status, 200);
    const token = await fetch(`${url}/token`, {
      method: 'POST',
      body: JSON.stringify({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: DEVICE_GRANT,
        deviceCode: auth.deviceCode,
      }),
    });
    assert.equal(token.status, 200);

    assert.equal((await control('fail', { operation: 'ListAccounts', status: 500 })).status, 200);
    const failed = await fetch(`${url}/assignment/accounts`, {
      headers: { 'x-amz-sso_bearer_token': String(session.accessToken) },
    });
    assert.equal(failed.status, 500);
    assert.equal(failed.headers.get('x-amzn-errortype'), 'InternalServerException');

    const state = (await control('state')).body as { counters: Record<string, number>; log: { operation: string }[] };
    assert.equal(state.counters.ListAccounts, 2);
    assert.equal(state.counters['CreateToken:device_code'], 1);
    assert.equal(state.log.length, 5);
    assert.equal((await control('reset-counters', {})).status, 200);
    assert.equal(((await control('state')).body as { counters: Record<string, number> }).counters.ListAccounts, 0);

    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(stderr, /GET \/assignment\/accounts ListAccounts 500 InternalServerException/);
    assert.ok(!stderr.includes(String(session.accessToken)), 'no tokens in the request log');
  });
});
