// The SSO portal calls, made without the AWS SDK, against the SDK itself: for the same input both
// must put the same request on the wire, and read the same answers and errors the same way.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  GetRoleCredentialsCommand,
  ListAccountRolesCommand,
  ListAccountsCommand,
  LogoutCommand,
  SSOClient,
} from '@aws-sdk/client-sso';
import { buildQueryString } from '@smithy/core/protocols';
import fc from 'fast-check';
import { ServiceError } from '../../src/errors.ts';
import { networkOf, queryString } from '../../src/net/client.ts';
import { createRuntime } from '../../src/runtime.ts';
import { classify } from '../../src/sso/errors.ts';
import {
  errorCode,
  getRoleCredentials,
  listAccountRoles,
  listAccounts,
  logout,
  portalRequest,
} from '../../src/sso/portal.ts';

interface Seen {
  method: string;
  url: string;
  token: string | undefined;
}

type Answer = { status: number; headers?: Record<string, string>; body: string };

/** A portal stand-in that records each request and answers from a queue (default: 200 {}). */
class Recorder {
  seen: Seen[] = [];
  answers: Answer[] = [];
  private server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      this.seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        token: req.headers['x-amz-sso_bearer_token'] as string | undefined,
      });
      const a = this.answers.shift() ?? { status: 200, body: '{}' };
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body);
    });
  });
  url = '';
  async start(): Promise<void> {
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  stop(): void {
    this.server.close();
    this.server.closeAllConnections();
  }
}

const rt = createRuntime({
  env: { SSOHELPER_RETRY_TIMEOUT: '0' },
  debug: false,
  stderr: () => undefined,
  interactive: () => false,
});
const server = new Recorder();
before(() => server.start());
after(() => server.stop());

const api = (url = server.url) => ({
  rt,
  endpoint: { url, region: 'eu-west-1', network: networkOf(rt, undefined), service: 'sso' as const },
  budgetMs: 0,
});
const sdk = (url = server.url) =>
  new SSOClient({
    region: 'eu-west-1',
    endpoint: url,
    maxAttempts: 1,
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });

/** The request the SDK makes for `send`, then ours for `ours`: both as the server saw them. */
async function both(
  send: (c: SSOClient) => Promise<unknown>,
  ours: () => Promise<unknown>,
  base?: string,
): Promise<[Seen, Seen]> {
  server.seen = [];
  const client = sdk(base);
  await send(client).catch(() => undefined);
  client.destroy();
  await ours().catch(() => undefined);
  assert.equal(server.seen.length, 2);
  return [server.seen[0] as Seen, server.seen[1] as Seen];
}

describe('the same request as the SDK’s', () => {
  const token = 'aoa/Token+with=odd&chars';
  test('GetRoleCredentials', async () => {
    const [theirs, mine] = await both(
      (c) =>
        c.send(
          new GetRoleCredentialsCommand({
            accessToken: token,
            accountId: '111111111111',
            roleName: 'Role With Spaces+&=',
          }),
        ),
      () => getRoleCredentials(api(), token, '111111111111', 'Role With Spaces+&='),
    );
    assert.deepEqual(mine, theirs);
    assert.match(
      mine.url,
      /^\/federation\/credentials\?account_id=111111111111&role_name=Role%20With%20Spaces%2B%26%3D$/,
    );
  });

  test('ListAccounts and ListAccountRoles, with a page token', async () => {
    server.answers = [
      { status: 200, body: '{"accountList":[],"nextToken":"p/2=="}' },
      { status: 200, body: '{}' },
    ];
    server.seen = [];
    await listAccounts(api(), token);
    const client = sdk();
    await client.send(new ListAccountsCommand({ accessToken: token, maxResults: 100 }));
    await client.send(new ListAccountsCommand({ accessToken: token, maxResults: 100, nextToken: 'p/2==' }));
    const [mine1, mine2, theirs1, theirs2] = server.seen;
    assert.deepEqual([mine1, mine2], [theirs1, theirs2]);
    const [r1, r2] = await both(
      (c) => c.send(new ListAccountRolesCommand({ accessToken: token, accountId: '222222222222', maxResults: 100 })),
      () => listAccountRoles(api(), token, '222222222222'),
    );
    assert.deepEqual(r2, r1);
    client.destroy();
  });

  test('Logout', async () => {
    const [theirs, mine] = await both(
      (c) => c.send(new LogoutCommand({ accessToken: token })),
      () => logout(api(), token),
    );
    assert.deepEqual(mine, theirs);
    assert.equal(mine.method, 'POST');
  });

  test('an endpoint URL with a path keeps it', async () => {
    // config/endpoints.ts removes trailing slashes, so none reaches here (the SDK would double it).
    const base = `${server.url}/prefix`;
    const [theirs, mine] = await both(
      (c) => c.send(new GetRoleCredentialsCommand({ accessToken: token, accountId: '1', roleName: 'r' })),
      () => getRoleCredentials(api(base), token, '1', 'r'),
      base,
    );
    assert.deepEqual(mine, theirs);
    assert.ok(mine.url.startsWith('/prefix/federation/credentials?'), mine.url);
  });

  test('query strings are encoded as the SDK encodes them, for any keys and values', () => {
    const text = fc.oneof(
      fc.string({
        unit: fc.constantFrom(
          '!',
          "'",
          '(',
          ')',
          '*',
          '~',
          '%',
          '&',
          '=',
          '+',
          ' ',
          '/',
          '?',
          '#',
          'a',
          'é',
          '\u{1F600}',
        ),
        maxLength: 12,
      }),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(
        fc.dictionary(text, fc.oneof(text, fc.array(text, { maxLength: 3 }))),
        (query) => queryString(query) === buildQueryString(query),
      ),
      {
        numRuns: 500,
      },
    );
  });
});

describe('answers and errors read as the SDK reads them', () => {
  test('role credentials come back as they were sent', async () => {
    server.answers = [
      {
        status: 200,
        body: JSON.stringify({
          roleCredentials: {
            accessKeyId: 'ASIAEXAMPLE',
            secretAccessKey: 's',
            sessionToken: 't',
            expiration: Date.now() + 3_600_000,
          },
        }),
      },
    ];
    const c = await getRoleCredentials(api(), 'tok', '111111111111', 'r');
    assert.equal(c.accessKeyId, 'ASIAEXAMPLE');
    assert.equal(c.expiration.getTime() % 1000, 0, 'whole seconds');
  });

  test('the error code comes from x-amzn-errortype, else the body’s code or __type', () => {
    assert.equal(
      errorCode('UnauthorizedException:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/', undefined),
      'UnauthorizedException',
    );
    assert.equal(
      errorCode(undefined, { __type: 'com.amazonaws.sso#ResourceNotFoundException' }),
      'ResourceNotFoundException',
    );
    assert.equal(errorCode(undefined, { code: 'TooManyRequestsException' }), 'TooManyRequestsException');
    assert.equal(errorCode('aws.protocols#ForbiddenException:http://x/', { code: 'Other' }), 'ForbiddenException');
    assert.equal(errorCode(undefined, { message: 'no code' }), undefined);
  });

  const cases: Array<[string, Answer, string]> = [
    [
      '401 with the header',
      {
        status: 401,
        headers: { 'x-amzn-errortype': 'UnauthorizedException:http://internal.amazon.com/' },
        body: '{"message":"Session token not found or invalid"}',
      },
      'unauthorized',
    ],
    [
      '403 without a modelled error',
      { status: 403, headers: { 'x-amzn-errortype': 'ForbiddenException' }, body: '{"message":"No access"}' },
      'forbidden',
    ],
    [
      '429 named in the body only',
      { status: 429, body: '{"__type":"com.amazonaws.sso#TooManyRequestsException","message":"slow down"}' },
      'throttled',
    ],
    [
      '502 from something in between, HTML body',
      { status: 502, headers: { 'content-type': 'text/html' }, body: '<html>bad gateway</html>' },
      'server',
    ],
  ];
  for (const [name, answer, kind] of cases) {
    test(`${name}: classified ${kind}, like the SDK's error`, async () => {
      server.answers = [answer, answer];
      const client = sdk();
      const theirs = await client.send(new ListAccountsCommand({ accessToken: 't' })).catch((e: unknown) => e);
      client.destroy();
      const mine = await portalRequest(api().endpoint, 'GET', '/assignment/accounts', {}, 't').catch((e: unknown) => e);
      const [t, m] = [classify(theirs), classify(mine)];
      assert.equal(m.kind, kind);
      assert.equal(m.kind, t.kind);
      assert.equal(m.status, t.status);
      // A body that is not JSON makes the SDK's error a SyntaxError; ours says UnknownError.
      if (answer.body.startsWith('{')) {
        assert.equal(m.name, t.name);
        assert.equal(m.message, t.message);
      }
    });
  }

  test('a page token the portal returned before ends the listing with an error, not an endless loop', async () => {
    server.answers = [
      { status: 200, body: '{"accountList":[{"accountId":"111111111111"}],"nextToken":"a"}' },
      { status: 200, body: '{"accountList":[{"accountId":"222222222222"}],"nextToken":"b"}' },
      { status: 200, body: '{"accountList":[],"nextToken":"a"}' },
    ];
    server.seen = [];
    await assert.rejects(
      listAccounts(api(), 't'),
      (err: unknown) =>
        err instanceof ServiceError &&
        /ListAccounts: the SSO portal returned a page token it had returned before/.test(err.message),
    );
    assert.equal(server.seen.length, 3);
  });

  test('a 200 that is not JSON, or an oversized answer, is an error, never a half-read result', async () => {
    server.answers = [{ status: 200, body: '<html>captive portal</html>' }];
    const notJson = await portalRequest(api().endpoint, 'GET', '/assignment/accounts', {}, 't').catch(
      (e: unknown) => e,
    );
    assert.equal(classify(notJson).name, 'MalformedAnswer');
    server.answers = [{ status: 200, body: `{"accountList":[${'{"accountId":"111111111111"},'.repeat(200_000)}{}]}` }];
    const big = await portalRequest(api().endpoint, 'GET', '/assignment/accounts', {}, 't').catch((e: unknown) => e);
    assert.match((big as Error).message, /larger than 4194304 bytes/);
  });
});
