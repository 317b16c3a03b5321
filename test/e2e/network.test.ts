// Corporate networks, through the built executable: the emulator serves HTTPS with a certificate
// from a private CA made by openssl, and is reached under a name that resolves nowhere
// (sso.emulator.invalid) except inside the test proxy: a request that succeeds went through it.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe as suite, test } from 'node:test';
import { Emulator } from '../emulator/server.ts';
import { scriptedBrowser } from '../helpers/browser.ts';
import { type Home, makeHome, SESSION, seedToken, standardConfig, tokenFile } from '../helpers/home.ts';
import { TestProxy } from '../helpers/proxy.ts';
import {
  BIN,
  cleanEnv,
  collect,
  describe,
  expectFailure,
  processJson,
  requireBinary,
  ROOT,
  run,
  type RunResult,
} from '../helpers/run.ts';
import { makeTestCa, type TestCa } from '../helpers/tls.ts';

const NAME = 'sso.emulator.invalid';
const PROXY_USER = 'alice@corp';
const PROXY_PASSWORD = 'p@ss:w0rd/%&';

let ca: TestCa;
let otherCa: TestCa;
let emu: Emulator; // HTTPS, certificate for sso.emulator.invalid, localhost and 127.0.0.1
let plain: Emulator; // HTTP, for HTTP_PROXY
let proxy: TestProxy;
let authProxy: TestProxy;
let deadProxyUrl: string;
let home: Home;

before(async () => {
  requireBinary();
  ca = makeTestCa();
  otherCa = makeTestCa();
  emu = await Emulator.start({ tls: { key: ca.key, cert: ca.cert, host: NAME } });
  plain = await Emulator.start();
  const hosts = { [NAME]: '127.0.0.1', 'wrong.invalid': '127.0.0.1' };
  proxy = await TestProxy.start({ hosts });
  authProxy = await TestProxy.start({ hosts, auth: { user: PROXY_USER, password: PROXY_PASSWORD } });
  // A port that was just free: nothing listens there, so connecting is refused.
  const gone = await TestProxy.start();
  deadProxyUrl = gone.url;
  await gone.stop();
});

after(async () => {
  await Promise.all([emu?.stop(), plain?.stop(), proxy?.stop(), authProxy?.stop()]);
  ca?.remove();
  otherCa?.remove();
});

beforeEach(async () => {
  for (const e of [emu, plain]) {
    e.resetCounters();
    e.resetKnobs();
  }
  for (const p of [proxy, authProxy])
    Object.assign(p.counters, { connect: 0, forward: 0, rejected: 0, targets: [], authorizations: [] });
  await newHome();
});

const homes: Home[] = [];
after(() => {
  for (const h of homes) rmSync(h.dir, { recursive: true, force: true });
});

/** A fresh HOME with [profile dev] extended by `devExtra`, and a token from the HTTPS emulator. */
async function newHome(devExtra = ''): Promise<void> {
  home = makeHome(configWith(devExtra));
  homes.push(home);
  await seedToken(home, emu.issueSession());
}

/** The standard config with extra lines in [profile dev]. */
function configWith(devExtra: string): string {
  return standardConfig().replace('[profile dev]\n', `[profile dev]\n${devExtra}`);
}

/** ssohelper's environment with every endpoint at `endpoint` and nothing of this machine's trust settings. */
function envFor(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return cleanEnv(home.dir, endpoint, extra);
}

const viaName = () => `https://${NAME}:${emu.port}`;
const direct = () => `https://localhost:${emu.port}`;

async function reseed(e: Emulator): Promise<void> {
  rmSync(tokenFile(home), { force: true });
  await seedToken(home, e.issueSession());
}

function noRetries(r: RunResult): void {
  assert.doesNotMatch(r.stderr, /retry \d+ in/, 'reported at once, not retried');
  assert.doesNotMatch(r.stderr, /after \d+ attempts/);
}

suite('trust', () => {
  test('an untrusted private CA fails cleanly: host, what failed, and the settings that fix it', async () => {
    const r = await run(['get', 'dev', '--debug'], envFor(direct()));
    assert.equal(r.code, 6, describe(r));
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      new RegExp(
        `TLS certificate check failed for localhost:${emu.port}: its certificate was issued by an authority that is not trusted`,
      ),
    );
    assert.match(r.stderr, /AWS_CA_BUNDLE .*ca_bundle.*SSOHELPER_USE_SYSTEM_CA=1/);
    assert.doesNotMatch(r.stderr, /--use-system-ca/, 'not Node’s advice, which a user of the executable cannot follow');
    noRetries(r);
    assert.equal(emu.counters.GetRoleCredentials ?? 0, 0);
  });

  test('AWS_CA_BUNDLE makes the private CA trusted', async () => {
    const creds = processJson(await run(['get', 'dev'], envFor(direct(), { AWS_CA_BUNDLE: ca.caFile })));
    assert.match(creds.AccessKeyId, /^ASIA/);
    assert.equal(emu.counters.GetRoleCredentials, 1);
  });

  test('a later run resumes the TLS session an earlier one kept (0600, ours), and only under the same trust', async () => {
    const env = envFor(direct(), { AWS_CA_BUNDLE: ca.caFile });
    const first = await run(['get', 'dev', '--debug'], env);
    processJson(first);
    assert.equal(emu.counters.tlsResumed ?? 0, 0, 'nothing kept yet: a full handshake');
    const dir = join(home.dir, '.aws', 'ssohelper', 'state', 'tls');
    const kept = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.equal(kept.length, 1, `${kept}`);
    const file = join(dir, kept[0]!);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.doesNotMatch(
      readFileSync(file, 'utf8'),
      /ASIA|aws_session|accessToken/i,
      'a session, nothing of the credentials',
    );

    const again = await run(['get', 'dev', '--refresh', '--debug'], env);
    processJson(again);
    assert.match(again.stderr, new RegExp(`TLS to localhost:${emu.port}: session resumed`), describe(again));
    assert.equal(emu.counters.tlsResumed, 1);

    // Another trust setting (a copy of the same CA in another file) never resumes a session
    // checked under the first: it makes its own.
    const copy = join(home.dir, 'copy-of-ca.pem');
    copyFileSync(ca.caFile, copy);
    const other = await run(['get', 'dev', '--refresh', '--debug'], envFor(direct(), { AWS_CA_BUNDLE: copy }));
    processJson(other);
    assert.doesNotMatch(other.stderr, /session resumed/);
    assert.equal(emu.counters.tlsResumed, 1);
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.json')).length, 2);
  });

  test('a kept session that is not ours, not private, or not a session is never used, and the call still works', async () => {
    const env = envFor(direct(), { AWS_CA_BUNDLE: ca.caFile });
    processJson(await run(['get', 'dev'], env));
    const dir = join(home.dir, '.aws', 'ssohelper', 'state', 'tls');
    const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.json'))!);
    const good = readFileSync(file, 'utf8');
    for (const spoil of [
      () => chmodSync(file, 0o666),
      () => writeFileSync(file, '{"version":1,"session":"bm90IGEgc2Vzc2lvbg=="}\n', { mode: 0o600 }),
      () => writeFileSync(file, 'garbage', { mode: 0o600 }),
    ]) {
      writeFileSync(file, good, { mode: 0o600 });
      chmodSync(file, 0o600);
      spoil();
      const before = emu.counters.tlsResumed ?? 0;
      const r = await run(['get', 'dev', '--refresh', '--debug'], env);
      processJson(r);
      assert.doesNotMatch(r.stderr, /session resumed/, describe(r));
      assert.equal(emu.counters.tlsResumed ?? 0, before);
    }
  });

  test('the profile’s ca_bundle works, and AWS_CA_BUNDLE takes precedence over it', async () => {
    await newHome(`ca_bundle = ${ca.caFile}\n`);
    processJson(await run(['get', 'dev'], envFor(direct())));
    const r = await run(['get', 'dev', '--refresh'], envFor(direct(), { AWS_CA_BUNDLE: otherCa.caFile }));
    expectFailure(r, 6, /TLS certificate check failed .*trusting the CA bundle from AWS_CA_BUNDLE/);
  });

  test('a missing or non-PEM CA bundle is a configuration error naming the file (exit 3)', async () => {
    const missing = `${ca.dir}/nowhere.pem`;
    expectFailure(
      await run(['get', 'dev'], envFor(direct(), { AWS_CA_BUNDLE: missing })),
      3,
      new RegExp(`the CA bundle ${missing} \\(from AWS_CA_BUNDLE\\) does not exist`),
    );
    await newHome(`ca_bundle = ${ca.dir}/server.key\n`);
    expectFailure(
      await run(['get', 'dev'], envFor(direct())),
      3,
      /server\.key \(from ca_bundle in \[profile dev\] in .*config\) holds no PEM certificate/,
    );
  });

  test('an expired certificate and one for another name are told apart', async () => {
    const expired = await Emulator.start({ tls: { key: ca.key, cert: ca.expiredCert } });
    try {
      await reseed(expired);
      const r = await run(['get', 'dev'], envFor(`https://localhost:${expired.port}`, { AWS_CA_BUNDLE: ca.caFile }));
      expectFailure(
        r,
        6,
        new RegExp(
          `TLS certificate check failed for localhost:${expired.port}: its certificate has expired \\(CERT_HAS_EXPIRED`,
        ),
      );
    } finally {
      await expired.stop();
    }
    await reseed(emu);
    const wrongName = await run(
      ['get', 'dev'],
      envFor(`https://wrong.invalid:${emu.port}`, { HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: ca.caFile }),
    );
    expectFailure(
      wrongName,
      6,
      new RegExp(
        `TLS certificate check failed for wrong\\.invalid:${emu.port} through the proxy .*: its certificate is for a different host name \\(ERR_TLS_CERT_ALTNAME_INVALID`,
      ),
    );
  });

  test('NODE_EXTRA_CA_CERTS keeps working when no bundle is set', async () => {
    processJson(await run(['get', 'dev'], envFor(direct(), { NODE_EXTRA_CA_CERTS: ca.caFile })));
  });
});

suite('proxies', () => {
  test('https through HTTPS_PROXY (CONNECT) with the private CA; the name resolves only in the proxy', async () => {
    processJson(await run(['get', 'dev'], envFor(viaName(), { HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: ca.caFile })));
    assert.equal(proxy.counters.connect, 1);
    assert.deepEqual(proxy.counters.targets, [`${NAME}:${emu.port}`]);
    assert.equal(emu.counters.GetRoleCredentials, 1);
  });

  test('an https:// proxy is checked against the same CA bundle', async () => {
    const tlsProxy = await TestProxy.start({ hosts: { [NAME]: '127.0.0.1' }, tls: { key: ca.key, cert: ca.cert } });
    try {
      processJson(
        await run(['get', 'dev'], envFor(viaName(), { HTTPS_PROXY: tlsProxy.url, AWS_CA_BUNDLE: ca.caFile })),
      );
      assert.equal(tlsProxy.counters.connect, 1);
      const r = await run(['get', 'dev', '--refresh'], envFor(viaName(), { HTTPS_PROXY: tlsProxy.url }));
      expectFailure(
        r,
        6,
        new RegExp(
          `TLS certificate check failed for ${NAME.replace(/\./g, '\\.')}:\\d+ or for the https proxy https://localhost:\\d+ \\(HTTPS_PROXY\\)`,
        ),
      );
    } finally {
      await tlsProxy.stop();
    }
  });

  test('lower-case https_proxy works too', async () => {
    processJson(await run(['get', 'dev'], envFor(viaName(), { https_proxy: proxy.url, AWS_CA_BUNDLE: ca.caFile })));
    assert.equal(proxy.counters.connect, 1);
  });

  test('http endpoints go through HTTP_PROXY (absolute-URI requests), and http_proxy', async () => {
    await reseed(plain);
    const endpoint = `http://${NAME}:${plain.port}`;
    processJson(await run(['get', 'dev'], envFor(endpoint, { HTTP_PROXY: proxy.url })));
    assert.equal(proxy.counters.forward, 1);
    assert.equal(proxy.counters.connect, 0);
    processJson(await run(['get', 'dev', '--refresh'], envFor(endpoint, { http_proxy: proxy.url })));
    assert.equal(proxy.counters.forward, 2);
    assert.equal(plain.counters.GetRoleCredentials, 2);
  });

  test('plain http through a proxy that wants credentials: Basic on forwarded requests, 407 as its own message', async () => {
    await reseed(plain);
    const endpoint = `http://${NAME}:${plain.port}`;
    processJson(
      await run(['get', 'dev'], envFor(endpoint, { HTTP_PROXY: authProxy.urlWith(PROXY_USER, PROXY_PASSWORD) })),
    );
    assert.equal(authProxy.counters.forward, 1);
    const r = await run(
      ['get', 'dev', '--refresh'],
      envFor(endpoint, { HTTP_PROXY: authProxy.urlWith(PROXY_USER, 'wrong') }),
    );
    expectFailure(
      r,
      6,
      /the proxy http:\/\/\*\*\*\*@127\.0\.0\.1:\d+ \(from HTTP_PROXY\) refused the request: proxy authentication required \(HTTP 407\)/,
    );
    assert.equal(authProxy.counters.rejected, 1, 'one attempt');
  });

  test('credentials in the proxy URL are percent-decoded and sent as Basic; the password is never printed', async () => {
    const env = envFor(viaName(), {
      HTTPS_PROXY: authProxy.urlWith(PROXY_USER, PROXY_PASSWORD),
      AWS_CA_BUNDLE: ca.caFile,
    });
    const r = await run(['get', 'dev', '--debug'], env);
    processJson(r);
    assert.deepEqual(authProxy.counters.authorizations, [
      `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`,
    ]);
    assert.match(r.stderr, /via proxy http:\/\/\*\*\*\*@127\.0\.0\.1:\d+ \(HTTPS_PROXY\)/);
    for (const form of [PROXY_PASSWORD, encodeURIComponent(PROXY_PASSWORD), PROXY_USER, encodeURIComponent(PROXY_USER)])
      assert.ok(!r.stderr.includes(form), 'userinfo in --debug output');
  });

  test('a proxy URL with only a user name (an API key) never shows it, in --debug or in errors', async () => {
    const key = 'APIKEY-5f2b9c0e71';
    const rejected = await run(
      ['get', 'dev', '--debug'],
      envFor(viaName(), { HTTPS_PROXY: authProxy.url.replace('://', `://${key}@`), AWS_CA_BUNDLE: ca.caFile }),
    );
    assert.equal(rejected.code, 6, describe(rejected));
    assert.match(rejected.stderr, /via proxy http:\/\/\*\*\*\*@127\.0\.0\.1:\d+ \(HTTPS_PROXY\)/);
    assert.match(
      rejected.stderr,
      /the proxy http:\/\/\*\*\*\*@127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) refused the request/,
    );
    const dead = await run(
      ['get', 'dev', '--debug'],
      envFor(viaName(), { HTTPS_PROXY: deadProxyUrl.replace('://', `://${key}@`), AWS_CA_BUNDLE: ca.caFile }),
    );
    assert.equal(dead.code, 6, describe(dead));
    assert.match(dead.stderr, /cannot connect to the proxy http:\/\/\*\*\*\*@127\.0\.0\.1:\d+/);
    for (const r of [rejected, dead])
      assert.ok(!`${r.stdout}${r.stderr}`.includes(key), `the key in the output:\n${describe(r)}`);
  });

  test('a 407 has its own message, is not retried, and does not show the password', async () => {
    const wrong = 'not-the-password';
    const r = await run(
      ['get', 'dev', '--debug'],
      envFor(viaName(), { HTTPS_PROXY: authProxy.urlWith(PROXY_USER, wrong), AWS_CA_BUNDLE: ca.caFile }),
    );
    assert.equal(r.code, 6, describe(r));
    assert.match(
      r.stderr,
      /the proxy http:\/\/\*\*\*\*@127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) refused the request: proxy authentication required \(HTTP 407\)/,
    );
    assert.match(r.stderr, /check the user name and password in HTTPS_PROXY/);
    assert.ok(!r.stderr.includes(wrong), 'password in output');
    assert.equal(authProxy.counters.rejected, 1, 'one attempt');
    noRetries(r);
    const none = await run(['get', 'dev'], envFor(viaName(), { HTTPS_PROXY: authProxy.url, AWS_CA_BUNDLE: ca.caFile }));
    expectFailure(none, 6, /put the proxy credentials in the URL: HTTPS_PROXY=http:\/\/USER:PASSWORD@host:port/);
  });

  test('NO_PROXY bypasses the proxy: by CIDR range, and by domain suffix', async () => {
    const dead = { HTTPS_PROXY: deadProxyUrl, AWS_CA_BUNDLE: ca.caFile };
    processJson(
      await run(
        ['get', 'dev'],
        envFor(`https://127.0.0.1:${emu.port}`, { ...dead, NO_PROXY: '10.0.0.0/8, 127.0.0.0/8' }),
      ),
    );
    processJson(
      await run(['get', 'dev', '--refresh'], envFor(direct(), { ...dead, no_proxy: 'example.com,localhost' })),
    );
    // Bypassed, the unresolvable name is looked up directly and fails at once: proof no proxy was asked.
    const r = await run(
      ['get', 'dev', '--refresh', '--debug'],
      envFor(viaName(), { HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: ca.caFile, NO_PROXY: 'emulator.invalid' }),
    );
    assert.equal(r.code, 6, describe(r));
    assert.match(r.stderr, new RegExp(`cannot resolve the host name ${NAME.replace(/\./g, '\\.')}`));
    noRetries(r);
    assert.equal(proxy.counters.connect, 0);
  });

  test('a dead proxy fails at once with a message naming the proxy, not AWS', async () => {
    const r = await run(
      ['get', 'dev', '--debug'],
      envFor(viaName(), { HTTPS_PROXY: deadProxyUrl, AWS_CA_BUNDLE: ca.caFile }),
    );
    assert.equal(r.code, 6, describe(r));
    assert.match(
      r.stderr,
      new RegExp(
        `cannot connect to the proxy ${deadProxyUrl.replace(/\./g, '\\.')} \\(from HTTPS_PROXY\\): the connection was refused`,
      ),
    );
    assert.match(r.stderr, /check HTTPS_PROXY, or unset it/);
    noRetries(r);
  });

  // The npm package runs on any Node from 20.16, whose own http has no proxy support; ours does
  // not depend on it. The machine's /usr/bin/node is Node 20.
  test('on Node 20 (the npm package), https goes through the proxy as on the executable', {
    skip: !existsSync('/usr/bin/node') && 'no /usr/bin/node',
  }, async () => {
    const bundle = join(ROOT, 'dist', 'ssohelper.cjs');
    const r = await collect(
      spawn('/usr/bin/node', [bundle, 'get', 'dev', '--debug'], {
        env: envFor(viaName(), { HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: ca.caFile }),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    processJson(r);
    assert.match(r.stderr, /node v20\./);
    assert.equal(proxy.counters.connect, 1);
    assert.equal(emu.counters.GetRoleCredentials, 1);
  });

  test('on Node 20 (the npm package), a CA bundle is trusted; the system store, which it cannot read, is refused', {
    skip: !existsSync('/usr/bin/node') && 'no /usr/bin/node',
  }, async () => {
    const bundle = join(ROOT, 'dist', 'ssohelper.cjs');
    const node20 = (extra: Record<string, string>) =>
      collect(
        spawn('/usr/bin/node', [bundle, 'get', 'dev'], {
          env: envFor(direct(), extra),
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
    processJson(await node20({ AWS_CA_BUNDLE: ca.caFile }));
    assert.equal(emu.counters.GetRoleCredentials, 1);
    rmSync(home.roleCacheDir, { recursive: true, force: true });
    expectFailure(
      await node20({ AWS_CA_BUNDLE: ca.caFile, SSOHELPER_USE_SYSTEM_CA: '1' }),
      3,
      /trust store was asked for .* which the Node\.js v20\.[\d.]+ running ssohelper cannot read/,
    );
  });

  test('a proxy variable that is not a usable URL is a configuration error naming it', async () => {
    expectFailure(
      await run(['get', 'dev'], envFor(viaName(), { HTTPS_PROXY: 'socks5://127.0.0.1:1080' })),
      3,
      /HTTPS_PROXY uses the socks5 scheme/,
    );
  });

  test('role chains: STS goes through the proxy with the same trust', async () => {
    const deploy = 'arn:aws:iam::333333333333:role/Deploy';
    emu.defineRole(deploy, { trust: ['111111111111'] });
    home = makeHome(`${configWith('')}\n[profile deploy]\nrole_arn = ${deploy}\nsource_profile = dev\n`);
    homes.push(home);
    await seedToken(home, emu.issueSession());
    const r = await run(['get', 'deploy'], envFor(viaName(), { HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: ca.caFile }));
    processJson(r);
    assert.equal(emu.counters.GetRoleCredentials, 1);
    assert.equal(emu.counters.AssumeRole, 1);
    assert.ok(proxy.counters.targets.length >= 1 && proxy.counters.targets.every((t) => t === `${NAME}:${emu.port}`));
  });

  test('a token refresh goes through the proxy too', async () => {
    rmSync(tokenFile(home), { force: true });
    await seedToken(home, emu.issueSession({ ttlSeconds: 300 }));
    processJson(await run(['get', 'dev'], envFor(viaName(), { HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: ca.caFile })));
    assert.equal(emu.counters['CreateToken:refresh_token'], 1);
    assert.equal(emu.counters.GetRoleCredentials, 1);
  });

  test('list and logout go through the proxy too', async () => {
    const env = envFor(viaName(), { HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: ca.caFile });
    const listed = await run(['list', '--sso-session', SESSION], env);
    assert.equal(listed.code, 0, describe(listed));
    assert.match(listed.stdout, /111111111111/);
    const out = await run(['logout'], env);
    assert.equal(out.code, 0, describe(out));
    assert.equal(emu.counters.Logout, 1);
    assert.ok(proxy.counters.connect >= 1);
    assert.ok(proxy.counters.targets.every((t) => t === `${NAME}:${emu.port}`));
  });
});

suite('logins through the proxy', () => {
  function start(args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<RunResult> } {
    const child = spawn(BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    return { child, done: collect(child) };
  }

  test('device flow: every OIDC call goes through the proxy', async () => {
    rmSync(tokenFile(home), { force: true });
    const login = start(
      ['login', '--sso-session', SESSION, '--use-device-code', '--no-browser'],
      envFor(viaName(), { HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: ca.caFile }),
    );
    const device = await emu.nextDeviceAuthorization();
    emu.approveDevice(device.userCode);
    const r = await login.done;
    assert.equal(r.code, 0, describe(r));
    assert.ok(existsSync(tokenFile(home)));
    assert.ok(
      emu.counters.RegisterClient >= 1 &&
        emu.counters.StartDeviceAuthorization >= 1 &&
        (emu.counters['CreateToken:device_code'] ?? 0) >= 1,
    );
    assert.ok(proxy.counters.connect >= 1);
    assert.ok(
      proxy.counters.targets.every((t) => t === `${NAME}:${emu.port}`),
      'nothing else was asked of the proxy',
    );
  });

  test('browser flow (PKCE): OIDC through the proxy, the browser comes back to the loopback listener directly', async () => {
    rmSync(tokenFile(home), { force: true });
    const browser = scriptedBrowser(home.dir);
    // The scripted browser is Node's fetch: it follows the same proxy variables (NODE_USE_ENV_PROXY)
    // and trusts the test CA through NODE_EXTRA_CA_CERTS; NO_PROXY keeps loopback direct for both.
    const env = envFor(viaName(), {
      HTTPS_PROXY: proxy.url,
      NO_PROXY: '127.0.0.1,localhost',
      AWS_CA_BUNDLE: ca.caFile,
      NODE_EXTRA_CA_CERTS: ca.caFile,
      NODE_USE_ENV_PROXY: '1',
      ...browser.env(),
    });
    const r = await run(['login', '--sso-session', SESSION], env);
    assert.equal(r.code, 0, describe(r));
    assert.ok(existsSync(tokenFile(home)));
    assert.ok((emu.counters['CreateToken:authorization_code'] ?? 0) >= 1);
    assert.ok(
      proxy.counters.targets.every((t) => t === `${NAME}:${emu.port}`),
      'the loopback listener was never reached through the proxy',
    );
  });
});

suite('bounded waits', () => {
  test('a server that accepts and never answers is cut off by cli_read_timeout; the SDK prints nothing of its own', async () => {
    await newHome('cli_read_timeout = 1\n');
    emu.setKnobs({ latencyMs: 600_000 });
    const r = await run(['get', 'dev'], envFor(direct(), { AWS_CA_BUNDLE: ca.caFile, SSOHELPER_RETRY_TIMEOUT: '1' }));
    expectFailure(r, 6, new RegExp(`localhost:${emu.port} did not answer within 1 s`));
    assert.match(r.stderr, /cli_read_timeout in the profile/);
    assert.doesNotMatch(r.stderr, /WARN|requestTimeout|@smithy/, 'nothing from the SDK on our stderr');
    assert.ok(emu.counters.GetRoleCredentials >= 1);
  });

  test('a slow answer within the read timeout just arrives: nothing is printed', async () => {
    emu.setKnobs({ latencyMs: 1500 });
    const r = await run(['get', 'dev'], envFor(direct(), { AWS_CA_BUNDLE: ca.caFile }));
    processJson(r);
    assert.equal(r.stderr, '');
  });

  test('the same through the proxy tunnel', async () => {
    await newHome('cli_read_timeout = 1\n');
    emu.setKnobs({ latencyMs: 600_000 });
    const r = await run(
      ['get', 'dev'],
      envFor(viaName(), { HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: ca.caFile, SSOHELPER_RETRY_TIMEOUT: '1' }),
    );
    expectFailure(
      r,
      6,
      new RegExp(
        `${NAME.replace(/\./g, '\\.')}:${emu.port} through the proxy http://127\\.0\\.0\\.1:\\d+ \\(HTTPS_PROXY\\) did not answer within 1 s`,
      ),
    );
  });

  test('a bad timeout setting is a configuration error naming the key and file', async () => {
    await newHome('cli_connect_timeout = soon\n');
    expectFailure(
      await run(['get', 'dev'], envFor(direct(), { AWS_CA_BUNDLE: ca.caFile })),
      3,
      /cli_connect_timeout in \[profile dev\] in .*config is "soon"/,
    );
  });
});
