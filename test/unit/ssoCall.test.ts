// The one translation of SDK failures: retries inside the budget, and only our own errors out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoginRequiredError, SsoHelperError } from '../../src/errors.ts';
import { createRuntime } from '../../src/runtime.ts';
import { SsoApiError, ssoCall } from '../../src/sso/call.ts';
import { networkOf } from '../../src/net/client.ts';

const rt = createRuntime({
  env: { SSOHELPER_RETRY_TIMEOUT: '5' },
  debug: false,
  stderr: () => undefined,
  interactive: () => false,
});
const endpoint = {
  url: 'http://127.0.0.1:9',
  region: 'eu-west-1',
  network: networkOf(rt, undefined),
  service: 'sso' as const,
};

function sdkError(name: string, status: number | undefined, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status }, ...extra });
}

test('transient failures are retried until the call succeeds', async () => {
  let calls = 0;
  const value = await ssoCall({ rt, endpoint }, 'ListAccounts', async () => {
    calls++;
    if (calls < 3)
      throw sdkError(calls === 1 ? 'TooManyRequestsException' : 'InternalServerException', calls === 1 ? 429 : 500);
    return 'ok';
  });
  assert.equal(value, 'ok');
  assert.equal(calls, 3);
});

test('a budget of 0 makes exactly one attempt, and the failure is our own service error', async () => {
  let calls = 0;
  const err = await ssoCall({ rt, endpoint, budgetMs: 0 }, 'CreateToken', async () => {
    calls++;
    throw sdkError('Error', undefined, { code: 'ECONNREFUSED' });
  }).catch((e: unknown) => e);
  assert.equal(calls, 1);
  assert.ok(err instanceof SsoApiError);
  assert.equal(err.kind, 'refused');
  assert.equal(err.exitCode, 6);
});

test("a rejected token becomes the caller's login-required error; without one, still exit 4", async () => {
  const mine = new LoginRequiredError('log in again', 'run: ssohelper login --sso-session corp');
  const err = await ssoCall({ rt, endpoint, loginRequired: () => mine }, 'ListAccounts', () =>
    Promise.reject(sdkError('UnauthorizedException', 401)),
  ).catch((e: unknown) => e);
  assert.equal(err, mine);
  const bare = await ssoCall({ rt, endpoint }, 'ListAccounts', () =>
    Promise.reject(sdkError('UnauthorizedException', 401)),
  ).catch((e: unknown) => e);
  assert.ok(bare instanceof LoginRequiredError);
});

test('other failures carry their kind and are never retried', async () => {
  for (const [name, status, kind] of [
    ['ForbiddenException', 403, 'forbidden'],
    ['AuthorizationPendingException', 400, 'pending'],
    ['InvalidGrantException', 400, 'invalidGrant'],
    ['TypeError', undefined, 'other'],
  ] as const) {
    let calls = 0;
    const err = await ssoCall({ rt, endpoint }, 'Op', async () => {
      calls++;
      throw sdkError(name, status);
    }).catch((e: unknown) => e);
    assert.equal(calls, 1, name);
    assert.ok(err instanceof SsoApiError && err.kind === kind, name);
    assert.ok(err instanceof SsoHelperError);
  }
});

test('attemptTimeoutMs ends an attempt that gets no answer, as a network failure', async () => {
  const never = (signal?: AbortSignal) =>
    new Promise<string>((_, reject) =>
      signal?.addEventListener('abort', () =>
        reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })),
      ),
    );
  const err = await ssoCall({ rt, endpoint, budgetMs: 0, attemptTimeoutMs: 50 }, 'CreateToken', never).catch(
    (e: unknown) => e,
  );
  assert.ok(err instanceof SsoApiError, String(err));
  assert.equal(err.kind, 'network');
  assert.match(err.message, /CreateToken failed: no answer within 0.05s/);
});

test('a refused connection gets two quick retries, not the budget, and names the setting of the endpoint', async () => {
  // A port nothing listens on: the real HTTP client, a real refusal.
  const { createServer } = await import('node:net');
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  const url = `http://127.0.0.1:${port}`;
  const lines: string[] = [];
  const patient = createRuntime({
    env: { SSOHELPER_RETRY_TIMEOUT: '600', AWS_ENDPOINT_URL_SSO: url },
    debug: true,
    stderr: (t) => lines.push(t),
    interactive: () => false,
  });
  const { getRoleCredentials } = await import('../../src/sso/portal.ts');
  const err = await getRoleCredentials(
    { rt: patient, endpoint: { url, region: 'eu-west-1', network: networkOf(patient, undefined), service: 'sso' } },
    'token',
    '111111111111',
    'ReadOnly',
  ).catch((e: unknown) => e);
  assert.ok(err instanceof SsoApiError, String(err));
  assert.equal(err.kind, 'refused');
  assert.equal(err.exitCode, 6);
  assert.match(
    err.message,
    new RegExp(
      `failed after 3 attempts: cannot connect to 127\\.0\\.0\\.1:${port}: the connection was refused \\(${url.replace(/\./g, '\\.')}, from AWS_ENDPOINT_URL_SSO\\)`,
    ),
  );
  assert.equal(lines.filter((l) => /retry \d+ in/.test(l)).length, 2, lines.join(''));
});

test('a throttle or a 5xx keeps the retry budget: more than the quick tries of a refusal', async () => {
  let calls = 0;
  // A budget the five back-offs fit in even on a loaded machine: the point is their number.
  const roomy = createRuntime({
    env: { SSOHELPER_RETRY_TIMEOUT: '120' },
    debug: false,
    stderr: () => undefined,
    interactive: () => false,
  });
  await ssoCall({ rt: roomy, endpoint }, 'ListAccounts', async () => {
    calls++;
    if (calls < 6) throw sdkError('TooManyRequestsException', 429);
    return 'ok';
  });
  assert.equal(calls, 6);
});
