// The HTTP client (src/net/http.ts) against Node's own HTTP server on loopback: what it sends,
// chunked and kept-alive answers, reuse of connections and what happens when the server drops
// one, and a request cut short by its caller.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { HttpClient, type HttpRequest } from '../../src/net/http.ts';
import { networkSettings } from '../../src/net/settings.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  connection: number;
}

let server: Server;
let port = 0;
const seen: Seen[] = [];
let connections = 0;
const sockets = new Set<Socket>();

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        connection: (req.socket as Socket & { n?: number }).n ?? 0,
      });
      const socket = req.socket as Socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      const served = socket.served;
      if (req.url?.startsWith('/drop-if-reused') && served > 1) {
        req.socket.destroy();
      } else if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"part":');
        setTimeout(() => res.end('"two"}'), 20);
      } else if (req.url === '/close') {
        res.writeHead(200, { connection: 'close', 'content-length': '2' }).end('ok');
      } else if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 5_000).unref();
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`${req.method} ${req.url}`);
      }
    });
  });
  server.on('connection', (s: Socket & { n?: number }) => {
    s.n = ++connections;
    sockets.add(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
after(() => {
  for (const s of sockets) s.destroy();
  server.close();
});

function client(): HttpClient {
  return new HttpClient(
    {},
    { ...networkSettings({}, undefined), connectTimeoutMs: 2_000, readTimeoutMs: 2_000 },
    undefined,
    { debug: () => undefined },
  );
}

function req(path: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return {
    method: 'GET',
    protocol: 'http:',
    host: '127.0.0.1',
    port,
    path,
    headers: { accept: 'application/json' },
    ...extra,
  };
}

describe('the HTTP client', () => {
  test('sends method, target, Host (the caller’s if given) and the caller’s headers; a body with its length; an empty POST or PUT says 0', async () => {
    const http = client();
    seen.length = 0;
    await http.send(req('/a?x=1%2F2'));
    await http.send(
      req('/post', {
        method: 'POST',
        body: '{"grantType":"refresh_token"}',
        headers: { 'content-type': 'application/x-amz-json-1.1', host: 'signed.example', 'content-length': '999' },
      }),
    );
    await http.send(req('/put', { method: 'PUT', headers: {} }));
    http.destroy();
    const [get, post, put] = seen as [Seen, Seen, Seen];
    assert.equal(get.url, '/a?x=1%2F2');
    assert.equal(get.headers.host, `127.0.0.1:${port}`);
    assert.equal(get.headers.accept, 'application/json');
    assert.equal(get.headers['content-length'], undefined);
    // The caller's Host stands (the SDK signs the one it sets); the length is always ours.
    assert.deepEqual(
      [post.method, post.body, post.headers['content-length'], post.headers.host],
      ['POST', '{"grantType":"refresh_token"}', '29', 'signed.example'],
    );
    assert.deepEqual([put.method, put.headers['content-length']], ['PUT', '0']);
  });

  test('a chunked answer arrives whole', async () => {
    const http = client();
    const answer = await http.fetchText(req('/chunked'), 1000);
    http.destroy();
    assert.equal(answer.text, '{"part":"two"}');
    assert.equal(answer.headers['transfer-encoding'], 'chunked');
  });

  test('one connection serves a command’s requests; Connection: close is honoured', async () => {
    const http = client();
    seen.length = 0;
    for (let i = 0; i < 5; i++) await http.send(req(`/page/${i}`));
    await http.send(req('/close'));
    await http.send(req('/after-close'));
    http.destroy();
    const used = seen.map((s) => s.connection);
    assert.equal(new Set(used.slice(0, 6)).size, 1, `the first six on one connection: ${used}`);
    assert.notEqual(used[6], used[5], 'a new connection after Connection: close');
  });

  test('a kept-alive connection the server closed meanwhile: the next GET goes on a new one', async () => {
    const http = client();
    seen.length = 0;
    await http.send(req('/first'));
    const first = seen[0]?.connection;
    for (const s of sockets) if ((s as Socket & { n?: number }).n === first) s.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const answer = await http.fetchText(req('/second'), 100);
    http.destroy();
    assert.equal(answer.text, 'GET /second');
    assert.notEqual(seen[1]?.connection, first);
  });

  test('a kept-alive connection that drops the request unanswered: a GET is sent once more, a POST is not', async () => {
    const http = client();
    seen.length = 0;
    await http.send(req('/first'));
    assert.equal((await http.fetchText(req('/drop-if-reused'), 100)).text, 'GET /drop-if-reused');
    assert.equal(seen.length, 3, 'dropped once, then answered on a new connection');
    await http.send(req('/again'));
    await assert.rejects(http.send(req('/drop-if-reused-post', { method: 'POST', body: '{}' })), {
      code: 'ECONNRESET',
    });
    http.destroy();
  });

  test('a header value with a line break is refused before anything is sent', async () => {
    const http = client();
    seen.length = 0;
    await assert.rejects(
      http.send(req('/x', { headers: { 'x-amz-sso_bearer_token': 'token\r\nX-Injected: 1' } })),
      /invalid value for HTTP header/,
    );
    http.destroy();
    assert.equal(seen.length, 0);
  });

  test('the caller’s abort ends a request that waits for its answer', async () => {
    const http = client();
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    await assert.rejects(http.send(req('/slow', { signal: stop.signal })), { name: 'AbortError' });
    http.destroy();
  });

  test('an answer larger than allowed fails, never cut short', async () => {
    const http = client();
    await assert.rejects(http.fetchText(req('/a-long-path-so-the-echo-is-long'), 10), /larger than 10 bytes/);
    http.destroy();
  });
});

describe('a server that never finishes', () => {
  test('an answer that trickles in a byte at a time is cut at the request deadline, though the read timeout never fires', async () => {
    const { createServer: tcp } = await import('node:net');
    const trickle = tcp((socket) => {
      socket.on('error', () => undefined);
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
      const t = setInterval(() => socket.write('1\r\nx\r\n'), 50);
      socket.on('close', () => clearInterval(t));
    });
    await new Promise<void>((r) => trickle.listen(0, '127.0.0.1', r));
    const trickPort = (trickle.address() as { port: number }).port;
    const http = new HttpClient(
      {},
      { ...networkSettings({}, undefined), readTimeoutMs: 5_000, requestTimeoutMs: 600 },
      undefined,
      { debug: () => undefined },
    );
    try {
      await assert.rejects(
        http.send({ ...req('/'), port: trickPort }),
        (err: Error) => err.name === 'TimeoutError' && /SSOHELPER_REQUEST_TIMEOUT/.test(err.message),
      );
    } finally {
      http.destroy();
      trickle.close();
    }
  });
});
