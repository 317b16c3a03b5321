// The pure parts of src/net/: which proxy a request takes (curl's and the AWS CLI's reading of
// the variables, plus CIDR), what the settings say, and what a failure tells the user.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ProfileNetwork } from '../../src/config/network.ts';
import { ConfigError, UsageError } from '../../src/errors.ts';
import { attachContext, type NetContext, describeNetworkFailure, PROXY_AUTH_CODE } from '../../src/net/failure.ts';
import { bypassesProxy, parseProxy, proxyFor } from '../../src/net/proxy.ts';
import { DEFAULT_TIMEOUT_MS, networkSettings } from '../../src/net/settings.ts';
import { readBundle } from '../../src/net/trust.ts';
import { tempDir } from '../helpers/temp.ts';

const https = (hostname: string, port?: number) => ({ protocol: 'https:', hostname, port });

describe('proxy choice', () => {
  test('https URLs use HTTPS_PROXY, http URLs HTTP_PROXY; lower case wins, as in Python', () => {
    assert.equal(proxyFor(https('a.example.com'), { HTTPS_PROXY: 'http://p1:3128' })?.url, 'http://p1:3128');
    assert.equal(proxyFor(https('a.example.com'), { https_proxy: 'http://p2:3128' })?.source, 'https_proxy');
    assert.equal(
      proxyFor(https('a.example.com'), { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })?.host,
      'lower',
    );
    assert.equal(
      proxyFor(https('a.example.com'), { HTTP_PROXY: 'http://p:1' }),
      undefined,
      'HTTP_PROXY is not for https',
    );
    assert.equal(proxyFor({ protocol: 'http:', hostname: 'a.example.com' }, { HTTP_PROXY: 'http://p:1' })?.host, 'p');
    assert.equal(proxyFor({ protocol: 'http:', hostname: 'a.example.com' }, { http_proxy: 'http://q:1' })?.host, 'q');
    assert.equal(proxyFor(https('a.example.com'), { HTTPS_PROXY: '  ' }), undefined, 'blank is unset');
    assert.equal(proxyFor(https('a.example.com'), {}), undefined);
  });

  test('a proxy without a scheme is http; credentials are kept for Node and masked for people', () => {
    const p = parseProxy('proxy.corp:3128', 'HTTPS_PROXY');
    assert.equal(p.url, 'http://proxy.corp:3128');
    assert.equal(p.port, 3128);
    const withAuth = parseProxy('http://us%40er:p%40ss%3Aword@proxy.corp:8080', 'HTTPS_PROXY');
    assert.equal(withAuth.url, 'http://us%40er:p%40ss%3Aword@proxy.corp:8080');
    assert.equal(withAuth.display, 'http://****@proxy.corp:8080');
    assert.equal(
      parseProxy('http://APIKEY@proxy.corp:3128', 'HTTPS_PROXY').display,
      'http://****@proxy.corp:3128',
      'a user name alone may be a key',
    );
    assert.ok(withAuth.hasCredentials);
    assert.doesNotMatch(withAuth.display, /p%40ss|p@ss/);
    assert.equal(parseProxy('http://proxy.corp', 'X').port, 80);
    assert.equal(parseProxy('https://proxy.corp', 'X').port, 443);
  });

  test('an unusable proxy setting is a configuration error naming the variable', () => {
    assert.throws(
      () => parseProxy('socks5://proxy:1080', 'HTTPS_PROXY'),
      (e: Error) => e instanceof ConfigError && /HTTPS_PROXY uses the socks5 scheme/.test(e.message),
    );
    assert.throws(
      () => parseProxy('http://[bad', 'https_proxy'),
      (e: Error) => e instanceof ConfigError && /https_proxy is not a valid proxy URL/.test(e.message),
    );
    assert.throws(() => parseProxy('http://u:%E0%A4%A@proxy:1', 'HTTPS_PROXY'), /malformed percent-encoding/);
  });

  test('NO_PROXY as curl and the AWS CLI read it, plus CIDR ranges', () => {
    const cases: Array<[string, number, string, boolean]> = [
      ['sso.example.com', 443, '*', true],
      ['sso.example.com', 443, 'example.com', true],
      ['sso.example.com', 443, '.example.com', true],
      ['sso.example.com', 443, '*.example.com', true],
      ['example.com', 443, '.example.com', true],
      ['notexample.com', 443, 'example.com', false],
      ['sso.example.com', 443, 'other.com, example.com', true],
      ['sso.example.com', 443, 'other.com example.com', true],
      ['SSO.Example.COM.', 443, 'example.com', true],
      ['sso.example.com', 443, 'EXAMPLE.COM', true],
      ['sso.example.com', 443, 'example.com:443', true],
      ['sso.example.com', 8443, 'example.com:443', false],
      ['10.1.2.3', 443, '10.0.0.0/8', true],
      ['11.1.2.3', 443, '10.0.0.0/8', false],
      ['10.1.2.3', 443, '10.1.2.3', true],
      ['10.1.2.3', 443, '10.1.2.3:443', true],
      ['10.1.2.3', 443, '0.0.0.0/0', true],
      ['10.1.2.3', 443, '2.3', false],
      ['::1', 443, '::1', true],
      ['[::1]', 443, '[::1]:443', true],
      ['fd00::12', 443, 'fd00::/8', true],
      ['fe80::1', 443, 'fd00::/8', false],
      ['::ffff:10.0.0.1', 443, '::ffff:10.0.0.0/120', true],
      ['sso.example.com', 443, '', false],
      ['sso.example.com', 443, ',,', false],
      ['sso.example.com', 443, '10.0.0.0/8', false],
    ];
    for (const [host, port, list, expected] of cases)
      assert.equal(bypassesProxy(host, port, list), expected, `${host}:${port} against "${list}"`);
  });

  test('NO_PROXY agrees with botocore wherever botocore has an answer (no CIDR, no *., no ports there)', () => {
    const hosts = [
      'sso.example.com',
      'example.com',
      'notexample.com',
      'EXAMPLE.com',
      'oidc.eu-west-1.amazonaws.com',
      '10.1.2.3',
      'localhost',
    ];
    const lists = [
      '',
      '*',
      'example.com',
      '.example.com',
      'other.com, example.com',
      ' Example.COM ',
      '.amazonaws.com',
      'amazonaws.com,localhost',
      '10.1.2.3',
      'ample.com',
      ',,',
    ];
    const cases = hosts.flatMap((host) => lists.map((list) => ({ host, list })));
    // botocore decides with urllib's proxy_bypass, from the environment, for the URL's netloc.
    const script = `
import json, os, sys
from botocore.utils import should_bypass_proxies
out = []
for c in json.load(sys.stdin):
    os.environ['no_proxy'] = c['list']
    out.append(bool(should_bypass_proxies('https://' + c['host'] + '/')))
print(json.dumps(out))
`;
    const theirs = JSON.parse(
      execFileSync('python3', ['-c', script], {
        input: JSON.stringify(cases),
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      }).toString(),
    ) as boolean[];
    const differences = cases.filter((c, i) => bypassesProxy(c.host, 443, c.list) !== theirs[i]);
    assert.deepEqual(differences, []);
  });

  test('no_proxy (lower case) wins over NO_PROXY, and a bypassed host gets no proxy', () => {
    const env = { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'other.com', no_proxy: 'example.com' };
    assert.equal(proxyFor(https('sso.example.com'), env), undefined);
    assert.equal(proxyFor(https('sso.other.com'), env)?.host, 'p');
  });
});

const profile = (over: Partial<ProfileNetwork> = {}): ProfileNetwork => ({
  profileName: 'dev',
  configFile: '/home/u/.aws/config',
  caBundle: undefined,
  connectTimeout: undefined,
  readTimeout: undefined,
  useSystemCa: undefined,
  ...over,
});

describe('network settings', () => {
  test('AWS_CA_BUNDLE beats the profile’s ca_bundle; ~ is the home directory', () => {
    assert.deepEqual(networkSettings({ AWS_CA_BUNDLE: '/env.pem' }, profile({ caBundle: '/profile.pem' })).caBundle, {
      path: '/env.pem',
      source: 'AWS_CA_BUNDLE',
    });
    assert.deepEqual(networkSettings({ HOME: '/home/u' }, profile({ caBundle: '~/ca.pem' })).caBundle, {
      path: '/home/u/ca.pem',
      source: 'ca_bundle in [profile dev] in /home/u/.aws/config',
    });
    assert.equal(networkSettings({}, profile()).caBundle, undefined);
  });

  test('timeouts: AWS CLI defaults, seconds, 0 for none, anything else a configuration error', () => {
    const s = networkSettings({}, undefined);
    assert.equal(s.connectTimeoutMs, DEFAULT_TIMEOUT_MS);
    assert.equal(s.readTimeoutMs, 60_000);
    assert.equal(networkSettings({}, profile({ connectTimeout: '5', readTimeout: '0.5' })).connectTimeoutMs, 5000);
    assert.equal(networkSettings({}, profile({ readTimeout: '0.5' })).readTimeoutMs, 500);
    assert.equal(networkSettings({}, profile({ readTimeout: '0' })).readTimeoutMs, 0);
    for (const bad of ['-1', 'ten', '1e999']) {
      assert.throws(
        () => networkSettings({}, profile({ readTimeout: bad })),
        (e: Error) =>
          e instanceof ConfigError &&
          e.message.includes(`cli_read_timeout in [profile dev] in /home/u/.aws/config is "${bad}"`),
      );
    }
  });

  test('the system store: environment, then profile, then NODE_USE_SYSTEM_CA', () => {
    assert.equal(networkSettings({}, profile()).useSystemCa, false);
    assert.equal(networkSettings({ SSOHELPER_USE_SYSTEM_CA: '1' }, profile()).useSystemCa, true);
    assert.equal(
      networkSettings({ SSOHELPER_USE_SYSTEM_CA: 'false' }, profile({ useSystemCa: 'true' })).useSystemCa,
      false,
    );
    assert.equal(networkSettings({}, profile({ useSystemCa: 'true' })).useSystemCa, true);
    assert.equal(networkSettings({ NODE_USE_SYSTEM_CA: '1' }, profile()).useSystemCa, true);
    assert.throws(
      () => networkSettings({ SSOHELPER_USE_SYSTEM_CA: 'maybe' }, undefined),
      (e: Error) => e instanceof UsageError && /SSOHELPER_USE_SYSTEM_CA="maybe" is not a switch/.test(e.message),
    );
    assert.throws(
      () => networkSettings({}, profile({ useSystemCa: 'maybe' })),
      (e: Error) =>
        e instanceof ConfigError && /ssohelper_use_system_ca in \[profile dev\] .* is "maybe"/.test(e.message),
    );
  });

  test('a CA bundle that is missing, unreadable or not PEM is a configuration error naming the file', () => {
    const dir = tempDir('ssohelper-bundle-');
    try {
      const check = (path: string, why: RegExp) =>
        assert.throws(
          () => readBundle(path, 'AWS_CA_BUNDLE'),
          (e: Error) => e instanceof ConfigError && e.exitCode === 3 && e.message.includes(path) && why.test(e.message),
        );
      check(join(dir, 'missing.pem'), /does not exist/);
      check(dir, /is a directory/);
      writeFileSync(join(dir, 'der.pem'), Buffer.from([0x30, 0x82, 0x01]));
      check(join(dir, 'der.pem'), /holds no PEM certificate/);
      writeFileSync(
        join(dir, 'two.pem'),
        '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\njunk\n-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n',
      );
      assert.equal(readBundle(join(dir, 'two.pem'), 'AWS_CA_BUNDLE').length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('network failures', () => {
  const context = (over: Partial<NetContext> = {}): NetContext => ({
    target: { host: 'oidc.eu-west-1.amazonaws.com', port: 443, protocol: 'https:' },
    proxy: undefined,
    caSource: undefined,
    useSystemCa: false,
    connectTimeoutMs: 60_000,
    readTimeoutMs: 60_000,
    ...over,
  });
  const viaProxy = { display: 'http://****@proxy.corp:3128', source: 'HTTPS_PROXY', hasCredentials: true };
  const fail = (props: Record<string, unknown>, ctx: NetContext, proxyUrl?: string) =>
    describeNetworkFailure(attachContext(Object.assign(new Error(String(props.message ?? 'x')), props), ctx, proxyUrl));

  test('only labelled errors are network failures', () => {
    assert.equal(describeNetworkFailure(Object.assign(new Error('x'), { code: 'ENOTFOUND' })), undefined);
    assert.equal(describeNetworkFailure(undefined), undefined);
  });

  test('what is not retried: unknown names, a refused or unknown proxy, 407, certificates', () => {
    const dns = fail({ code: 'ENOTFOUND' }, context());
    assert.equal(dns?.kind, 'dns');
    assert.equal(dns?.retryable, false);
    assert.match(dns?.message ?? '', /cannot resolve the host name oidc\.eu-west-1\.amazonaws\.com/);

    const refused = fail(
      { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.1:3128' },
      context({ proxy: viaProxy }),
    );
    assert.equal(refused?.kind, 'proxyUnreachable');
    assert.equal(refused?.retryable, false);
    assert.match(
      refused?.message ?? '',
      /cannot connect to the proxy http:\/\/\*\*\*\*@proxy\.corp:3128 \(from HTTPS_PROXY\): the connection was refused/,
    );

    const unknownProxy = fail({ code: 'ENOTFOUND' }, context({ proxy: viaProxy }));
    assert.match(unknownProxy?.message ?? '', /its host name proxy\.corp does not resolve/);

    for (const code of ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']) {
      const direct = fail({ code }, context());
      assert.equal(direct?.kind, 'refused', code);
      assert.equal(direct?.retryable, false, `${code}: waiting does not fix it (sso/call.ts gives it two quick tries)`);
      assert.match(direct?.message ?? '', /cannot connect to oidc\.eu-west-1\.amazonaws\.com:443: /);
    }

    const auth = fail({ code: 'ERR_PROXY_TUNNEL', statusCode: 407 }, context({ proxy: viaProxy }));
    assert.equal(auth?.kind, 'proxyAuth');
    assert.equal(auth?.retryable, false);
    assert.match(auth?.hint ?? '', /check the user name and password in HTTPS_PROXY/);
    const noCreds = fail({ code: PROXY_AUTH_CODE }, context({ proxy: { ...viaProxy, hasCredentials: false } }));
    assert.match(noCreds?.hint ?? '', /HTTPS_PROXY=http:\/\/USER:PASSWORD@host:port/);

    for (const [code, what] of [
      ['SELF_SIGNED_CERT_IN_CHAIN', /not trusted/],
      ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', /not trusted/],
      ['CERT_HAS_EXPIRED', /expired/],
      ['ERR_TLS_CERT_ALTNAME_INVALID', /different host name/],
    ] as const) {
      const f = fail({ code }, context());
      assert.equal(f?.kind, 'certificate', code);
      assert.equal(f?.retryable, false);
      assert.match(f?.message ?? '', what);
      assert.match(f?.message ?? '', /oidc\.eu-west-1\.amazonaws\.com:443/);
    }
    assert.match(
      fail({ code: 'SELF_SIGNED_CERT_IN_CHAIN' }, context())?.hint ?? '',
      /AWS_CA_BUNDLE .*SSOHELPER_USE_SYSTEM_CA=1/,
    );
    assert.match(
      fail({ code: 'SELF_SIGNED_CERT_IN_CHAIN' }, context({ caSource: 'ca_bundle in [profile dev]' }))?.message ?? '',
      /trusting the CA bundle from ca_bundle in \[profile dev\]/,
    );
  });

  test('what is retried: timeouts, resets, a proxy that could not reach the target (5xx)', () => {
    const read = fail(
      { name: 'TimeoutError', message: 'the request socket timed out after 1000 ms of inactivity' },
      context({ readTimeoutMs: 1000 }),
    );
    assert.equal(read?.kind, 'timeout');
    assert.ok(read?.retryable);
    assert.match(read?.message ?? '', /did not answer within 1 s/);
    assert.match(read?.hint ?? '', /cli_read_timeout/);
    const connect = fail(
      { name: 'TimeoutError', message: 'did not establish a connection with the server within' },
      context({ connectTimeoutMs: 2000 }),
    );
    assert.match(connect?.message ?? '', /could not connect to .* within 2 s/);
    assert.match(connect?.hint ?? '', /cli_connect_timeout/);
    assert.ok(fail({ code: 'ECONNRESET' }, context())?.retryable);
    assert.ok(fail({ code: 'ERR_PROXY_TUNNEL', statusCode: 502 }, context({ proxy: viaProxy }))?.retryable);
    assert.equal(fail({ code: 'ERR_PROXY_TUNNEL', statusCode: 403 }, context({ proxy: viaProxy }))?.retryable, false);
  });

  test('the proxy password is scrubbed from the error itself (--debug prints its stack)', () => {
    const err = Object.assign(new Error('tunnel via http://me:p%40ss@proxy.corp:3128 failed (p@ss)'), {
      code: 'ECONNRESET',
    });
    attachContext(err, context({ proxy: viaProxy }), 'http://me:p%40ss@proxy.corp:3128');
    assert.doesNotMatch(`${err.message}\n${err.stack}`, /p%40ss|p@ss/);
  });

  test('a user name alone is scrubbed too, as written and decoded', () => {
    const err = Object.assign(new Error('tunnel via http://KEY%2F123@proxy.corp:3128 failed (KEY/123)'), {
      code: 'ECONNRESET',
    });
    attachContext(err, context({ proxy: viaProxy }), 'http://KEY%2F123@proxy.corp:3128');
    assert.doesNotMatch(`${err.message}\n${err.stack}`, /KEY/);
  });
});
