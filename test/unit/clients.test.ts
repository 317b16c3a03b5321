// Every AWS SDK client goes through src/sso/clients.ts and gets the one network handler (over
// the HTTP client of src/net/client.ts): no other file builds a client, a handler, an agent or
// makes a request of its own.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { NetworkHandler } from '../../src/net/handler.ts';
import { httpClient, type Network } from '../../src/net/client.ts';
import { oidcClient, stsClient } from '../../src/sso/clients.ts';
import { sources } from '../../scripts/lib/sources.ts';
import { ROOT } from '../helpers/run.ts';

const SRC = join(ROOT, 'src');
const FILES = sources(SRC).map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }));

/** Source text with comments blanked, so a comment naming an API is not a use of it. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('one factory builds every SDK client', () => {
  test('only src/sso/clients.ts loads an AWS SDK client package or constructs a client', () => {
    const offenders = FILES.filter((f) => f.path !== join('src', 'sso', 'clients.ts')).flatMap((f) => {
      const c = code(f.text);
      const found: string[] = [];
      // A value import (static or dynamic) of any SDK package; `import type` is harmless.
      for (const m of c.matchAll(/(?:import\s*\(\s*|from\s+)['"](@aws-sdk\/[^'"]+|@smithy\/[^'"]+)['"]/g)) {
        const statement = c.slice(c.lastIndexOf('\n', m.index) + 1, m.index + m[0].length);
        const smithyInNet = f.path.startsWith(join('src', 'net')) && m[1]?.startsWith('@smithy/');
        if (!/^\s*import\s+type\b/.test(statement) && !smithyInNet) found.push(`${f.path}: ${m[1]}`);
      }
      // The handler itself is built in src/net/handler.ts, for clients.ts to hand out, and our
      // own HTTP client in src/net/client.ts.
      const inNet = f.path.startsWith(join('src', 'net'));
      if ((inNet ? /new\s+(?!HttpClient\b)[\w.]*Client\s*\(/ : /new\s+[\w.]*(Client|HttpHandler)\s*\(/).test(c))
        found.push(`${f.path}: constructs a client or handler`);
      return found;
    });
    assert.deepEqual(offenders, []);
  });

  test('no request leaves any other way: no http(s).request/get, fetch, agents or sockets outside src/net', () => {
    const allowed = (path: string) => path.startsWith(join('src', 'net'));
    const offenders = FILES.filter((f) => !allowed(f.path)).flatMap((f) => {
      const c = code(f.text);
      const hits = [
        /\b(?:https?|request)\s*\.\s*(?:request|get)\s*\(/,
        /\bfetch\s*\(/,
        /\bnew\s+(?:Https?)?Agent\s*\(/,
        /\b(?:net|tls)\s*\.\s*connect\s*\(/,
        /from\s+['"]node:(?:https|tls|http2|dns)['"]/,
        /(?:getBuiltinModule|import)\s*\(\s*['"]node:(?:https|tls|http2|dns)['"]/,
      ].filter((re) => re.test(c));
      return hits.map((re) => `${f.path}: ${re.source}`);
    });
    assert.deepEqual(offenders, []);
  });

  test('the SSO portal is called without the AWS SDK', () => {
    const portal = code(FILES.find((f) => f.path === join('src', 'sso', 'portal.ts'))!.text);
    assert.doesNotMatch(portal, /@aws-sdk|oidcClient|stsClient/);
    assert.ok(
      !FILES.some((f) => /['"]@aws-sdk\/client-sso['"]/.test(code(f.text))),
      'nothing loads @aws-sdk/client-sso',
    );
  });

  test('each client gets the network handler and a logger that is not the console', async () => {
    const lines: string[] = [];
    const network: Network = { env: {}, profile: undefined, debug: (m) => lines.push(m) };
    const built = [
      (
        await oidcClient({
          url: 'https://oidc.eu-west-1.amazonaws.com',
          region: 'eu-west-1',
          network,
          service: 'sso-oidc',
        })
      ).client,
      (await stsClient({ region: 'eu-west-1', network })).client,
    ];
    const http = await httpClient(network);
    for (const client of built) {
      const handler = client.config.requestHandler;
      assert.ok(handler instanceof NetworkHandler, `${client.constructor.name} uses the network handler`);
      assert.equal(handler.http, http, `${client.constructor.name} shares the one HTTP client of these settings`);
      assert.notEqual(client.config.logger, console);
      assert.equal(await client.config.maxAttempts(), 1, 'retries are ours, not the SDK’s');
    }
    console.warn('a library writing to the console');
    assert.ok(
      lines.some((l) => l.includes('a library writing to the console')),
      'console output ends up in --debug',
    );
  });
});
