// The network handler against real misbehaving servers on loopback: every way of going quiet
// ends in a labelled, classified failure within the configured timeouts, never a hang.
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { describeNetworkFailure } from '../../src/net/failure.ts';
import { NetworkHandler } from '../../src/net/handler.ts';
import { HttpClient } from '../../src/net/http.ts';
import { networkSettings } from '../../src/net/settings.ts';
import { TestProxy } from '../helpers/proxy.ts';

const servers: Array<{ close(): void }> = [];
const sockets = new Set<Socket>();
after(() => {
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
});

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  servers.push(server);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

function handler(env: Record<string, string> = {}): NetworkHandler {
  const settings = { ...networkSettings({}, undefined), connectTimeoutMs: 500, readTimeoutMs: 500 };
  return new NetworkHandler(new HttpClient(env, settings, undefined, { debug: () => undefined }));
}

async function failure(h: NetworkHandler, protocol: 'http:' | 'https:', hostname: string, port: number) {
  const err = await h
    .handle({ protocol, hostname, port, method: 'GET', path: '/', headers: { host: hostname }, query: {} } as never)
    .then(async ({ response }) => {
      // A response that starts and then stalls fails while its body is read.
      for await (const _ of response.body as AsyncIterable<unknown>);
      return undefined;
    })
    .catch((e: unknown) => e);
  h.destroy();
  assert.ok(err, 'the request must fail');
  return describeNetworkFailure(err);
}

describe('bounded waits against misbehaving servers', () => {
  let silentPort = 0;
  let stallAfterHeadersPort = 0;
  let proxy: TestProxy;

  before(async () => {
    // Accepts the connection and never says a word (no HTTP answer, no TLS handshake).
    silentPort = await listen(createServer(() => undefined));
    // Sends the status line and headers, then stalls in the body.
    stallAfterHeadersPort = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"partial": ');
      }),
    );
    proxy = await TestProxy.start({ hosts: { 'silent.invalid': '127.0.0.1' } });
  });
  after(() => proxy.stop());

  test('http: no answer at all is a read timeout, retried', async () => {
    const f = await failure(handler(), 'http:', '127.0.0.1', silentPort);
    assert.equal(f?.kind, 'timeout');
    assert.equal(f?.retryable, true);
    assert.match(f?.message ?? '', /did not answer within 0\.5 s/);
  });

  test('https: a TLS handshake that never comes is a timeout too', async () => {
    const f = await failure(handler(), 'https:', '127.0.0.1', silentPort);
    assert.equal(f?.kind, 'timeout');
  });

  test('headers, then silence in the body: the read timeout ends it', async () => {
    const f = await failure(handler(), 'http:', '127.0.0.1', stallAfterHeadersPort);
    assert.equal(f?.kind, 'timeout', JSON.stringify(f));
  });

  test('a proxy that accepts and never answers CONNECT: the connect timeout, naming the proxy', async () => {
    const f = await failure(
      handler({ HTTPS_PROXY: `http://127.0.0.1:${silentPort}` }),
      'https:',
      'sso.example.invalid',
      443,
    );
    assert.equal(f?.kind, 'timeout');
    assert.match(
      f?.message ?? '',
      new RegExp(
        `could not connect to sso\\.example\\.invalid:443 through the proxy http://127\\.0\\.0\\.1:${silentPort} \\(HTTPS_PROXY\\) within 0\\.5 s`,
      ),
    );
  });

  test('through a working proxy to a silent server: the read timeout', async () => {
    const f = await failure(handler({ HTTPS_PROXY: proxy.url }), 'https:', 'silent.invalid', silentPort);
    assert.equal(f?.kind, 'timeout');
    assert.equal(proxy.counters.connect, 1);
  });

  test('a proxy that cannot reach the target (502) is retried and names the proxy', async () => {
    const f = await failure(handler({ HTTPS_PROXY: proxy.url }), 'https:', 'unknown.invalid', 443);
    assert.equal(f?.kind, 'proxyTunnel');
    assert.equal(f?.retryable, true);
    assert.match(f?.message ?? '', /would not connect to unknown\.invalid:443 \(HTTP 502\)/);
  });
});
