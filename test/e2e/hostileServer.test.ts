// A portal that keeps sending bytes and never finishes must not hold a role's lock for ever:
// the built executable gives up at SSOHELPER_REQUEST_TIMEOUT (or at once on endless interim
// answers), exits 6 naming the limit, and the next caller finds the lock free.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe as suite, test } from 'node:test';
import { makeHome, seedToken } from '../helpers/home.ts';
import { cleanEnv, describe, requireBinary, run } from '../helpers/run.ts';

let server: Server;
let port = 0;
let mode: 'trickle' | 'interim' | 'trailers' = 'trickle';
const sockets = new Set<Socket>();

before(async () => {
  requireBinary();
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => {
      const head =
        mode === 'interim'
          ? ''
          : 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
      socket.write(head + (mode === 'trailers' ? '1\r\n{\r\n0\r\n' : ''));
      const t = setInterval(
        () =>
          socket.write(
            mode === 'interim' ? 'HTTP/1.1 100 Continue\r\n\r\n' : mode === 'trailers' ? 'X-More: 1\r\n' : '1\r\n \r\n',
          ),
        20,
      );
      socket.on('close', () => clearInterval(t));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
after(() => {
  for (const s of sockets) s.destroy();
  server.close();
});

suite('a portal that never finishes its answer', () => {
  for (const [which, limit] of [
    [
      'trickle',
      /did not finish its answer within the request time limit[^\n]*\n {2}the limit is SSOHELPER_REQUEST_TIMEOUT/,
    ],
    ['interim', /more than 8 interim/],
    ['trailers', /more than 32 trailer lines/],
  ] as const) {
    test(`${which}: exit 6 naming what was wrong, and the lock is free for the next caller`, async () => {
      mode = which;
      const home = makeHome();
      await seedToken(home, {
        accessToken: 'aoa-token',
        clientId: 'c',
        clientSecret: 's',
        expiresAt: new Date(Date.now() + 3600_000),
        registrationExpiresAt: new Date(Date.now() + 86400_000),
      });
      const env = cleanEnv(home.dir, `http://127.0.0.1:${port}`, {
        SSOHELPER_REQUEST_TIMEOUT: '1',
        SSOHELPER_RETRY_TIMEOUT: '1',
        SSOHELPER_LOCK_TIMEOUT: '1',
      });
      const first = await run(['get', 'dev'], env);
      assert.equal(first.code, 6, describe(first));
      assert.match(first.stderr, limit);
      // Had the first left its lock behind, this one would wait and give up with exit 7.
      const second = await run(['get', 'dev'], env);
      assert.equal(second.code, 6, describe(second));
    });
  }
});
