// HTTP/1.1 on the wire (src/net/wire.ts): answers read in every split the socket could deliver,
// the framings AWS endpoints and proxies use, and refusals of what no honest server sends.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  AnswerReader,
  MAX_HEAD_BYTES,
  MAX_INTERIM_ANSWERS,
  MAX_TRAILER_LINES,
  requestBytes,
} from '../../src/net/wire.ts';

function read(
  wire: string | Buffer,
  options: { method?: string; maxBodyBytes?: number; headOnly?: boolean } = {},
  pieces?: number[],
) {
  const bytes = typeof wire === 'string' ? Buffer.from(wire, 'latin1') : wire;
  const reader = new AnswerReader({
    method: options.method ?? 'GET',
    maxBodyBytes: options.maxBodyBytes ?? 1 << 20,
    headOnly: options.headOnly,
  });
  let at = 0;
  for (const n of pieces ?? [bytes.length]) {
    if (reader.done) break;
    reader.push(bytes.subarray(at, at + n));
    at += n;
  }
  if (at < bytes.length) reader.push(bytes.subarray(at));
  if (!reader.done) reader.end();
  return reader;
}

const CHUNKED =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n5;ext=1\r\n{"a":\r\nA\r\n"0123456"}\r\n0\r\nX-Trailer: t\r\n\r\n';

describe('reading answers', () => {
  test('Content-Length, chunked with extensions and trailers, read-to-close', () => {
    const a = read('HTTP/1.1 200 OK\r\nContent-Length: 7\r\nX-Amzn-RequestId: r1\r\n\r\n{"a":1}').answer();
    assert.deepEqual(
      [a.status, a.reason, a.headers['x-amzn-requestid'], a.body.toString(), a.keepAlive],
      [200, 'OK', 'r1', '{"a":1}', true],
    );
    const c = read(CHUNKED).answer();
    assert.equal(c.body.toString(), '{"a":"0123456"}');
    assert.equal(c.keepAlive, true);
    const closed = read('HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n\r\n<html>bad</html>').answer();
    assert.deepEqual([closed.status, closed.body.toString(), closed.keepAlive], [502, '<html>bad</html>', false]);
  });

  test('every split of the bytes reads the same answer', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 60 }), (pieces) => {
        assert.equal(read(CHUNKED, {}, pieces).answer().body.toString(), '{"a":"0123456"}');
        assert.equal(
          read('HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{"a":1}', {}, pieces).answer().body.toString(),
          '{"a":1}',
        );
      }),
    );
  });

  test('endless interim answers and endless trailer lines are refused, not read for ever', () => {
    const interim = 'HTTP/1.1 100 Continue\r\n\r\n';
    assert.equal(
      read(`${interim.repeat(MAX_INTERIM_ANSWERS)}HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n`).answer().status,
      200,
    );
    assert.throws(() => read(interim.repeat(MAX_INTERIM_ANSWERS + 1)), /more than 8 interim \(1xx\) answers/);
    const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n';
    assert.equal(
      read(`${chunked}${'X-T: 1\r\n'.repeat(MAX_TRAILER_LINES)}\r\n`)
        .answer()
        .body.toString(),
      'x',
    );
    assert.throws(() => read(`${chunked}${'X-T: 1\r\n'.repeat(MAX_TRAILER_LINES + 1)}`), /more than 32 trailer lines/);
  });

  test('interim 1xx answers are skipped; 204, 304 and HEAD have no body', () => {
    const a = read(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    ).answer();
    assert.deepEqual([a.status, a.body.toString(), a.headers.link], [200, 'ok', undefined]);
    assert.equal(read('HTTP/1.1 204 No Content\r\n\r\n').answer().body.length, 0);
    assert.equal(read('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n').answer().body.length, 0);
    assert.equal(read('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', { method: 'HEAD' }).answer().body.length, 0);
  });

  test('repeated fields join; names are lower case; Connection and HTTP/1.0 decide reuse', () => {
    const a = read(
      'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
    ).answer();
    assert.equal(a.headers['set-cookie'], 'a=1, b=2');
    assert.equal(a.keepAlive, false);
    assert.equal(read('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').answer().keepAlive, false);
    assert.equal(
      read('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n').answer().keepAlive,
      true,
    );
    assert.equal(read('HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello').answer().body.toString(), 'hello');
  });

  test('bytes after the answer are kept apart and the connection is not reused', () => {
    const r = read('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA');
    assert.equal(r.answer().body.toString(), 'ok');
    assert.equal(r.rest.toString(), 'EXTRA');
    assert.equal(r.answer().keepAlive, false);
  });

  test('a proxy’s answer to CONNECT ends with its head; what follows belongs to the tunnel', () => {
    const r = read('HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01', { method: 'CONNECT', headOnly: true });
    assert.equal(r.answer().status, 200);
    assert.equal(r.rest.toString('latin1'), '\x16\x03\x01');
    assert.equal(
      read('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 5\r\n\r\ndenied', {
        method: 'CONNECT',
        headOnly: true,
      }).answer().status,
      407,
    );
  });

  test('a connection that ends early: before any answer, and inside the body', () => {
    assert.throws(() => read(''), { code: 'ECONNRESET', message: 'socket hang up' });
    assert.throws(() => read('HTTP/1.1 200 OK\r\nContent-Le'), { code: 'ECONNRESET' });
    assert.throws(() => read('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort'), {
      code: 'ERR_STREAM_PREMATURE_CLOSE',
    });
    assert.throws(() => read('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab'), {
      code: 'ERR_STREAM_PREMATURE_CLOSE',
    });
  });

  test('what no honest server sends is refused, not guessed at', () => {
    const refused = [
      'SSH-2.0-OpenSSH\r\n\r\n',
      'HTTP/2 200\r\n\r\n',
      'HTTP/1.1 20 OK\r\n\r\n',
      'HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n',
      'HTTP/1.1 200 OK\r\n folded: x\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello',
      'HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXX0\r\n\r\n',
    ];
    for (const wire of refused) assert.throws(() => read(wire), { code: 'ERR_HTTP_WIRE' }, JSON.stringify(wire));
  });

  test('bounded: a head or a body larger than allowed fails as it arrives', () => {
    assert.throws(() => read(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(MAX_HEAD_BYTES)}`), {
      code: 'ERR_HTTP_WIRE',
      message: /header is larger/,
    });
    assert.throws(() => read('HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n', { maxBodyBytes: 10 }), {
      code: 'ERR_HTTP_WIRE',
      message: /larger than 10 bytes/,
    });
    assert.throws(() => read(`HTTP/1.1 200 OK\r\n\r\n${'x'.repeat(11)}`, { maxBodyBytes: 10 }), {
      code: 'ERR_HTTP_WIRE',
    });
    assert.throws(
      () =>
        read('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nabcdef\r\n0\r\n\r\n', {
          maxBodyBytes: 10,
        }),
      { code: 'ERR_HTTP_WIRE' },
    );
  });
});

describe('writing requests', () => {
  test('request line, headers in order, body after the blank line', () => {
    const bytes = requestBytes(
      'POST',
      '/token',
      [
        ['Host', 'oidc.example'],
        ['Content-Length', '2'],
      ],
      Buffer.from('{}'),
    );
    assert.equal(bytes.toString(), 'POST /token HTTP/1.1\r\nHost: oidc.example\r\nContent-Length: 2\r\n\r\n{}');
  });

  test('a CR or LF in a header value, a bad name or method, or a space in the target is refused', () => {
    assert.throws(
      () => requestBytes('GET', '/', [['x-amz-sso_bearer_token', 'a\r\nX-Evil: 1']], undefined),
      /invalid value for HTTP header/,
    );
    assert.throws(() => requestBytes('GET', '/', [['bad name', 'x']], undefined), /invalid HTTP header name/);
    assert.throws(() => requestBytes('GET /x HTTP/1.1\r\n', '/', [], undefined), /invalid HTTP method/);
    assert.throws(() => requestBytes('GET', '/a b', [], undefined), /invalid request target/);
  });
});
