// Console sessions, the pure parts: the cache file's name and parser, the DPoP proof, where a
// refresh goes, when keys are good enough, and how a profile with login_session resolves.
import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe as suite, test } from 'node:test';
import { loginCachePath, parseLoginSession, serializeRefreshedSession } from '../../src/cache/login.ts';
import { resolveProfile } from '../../src/config/credentialProfile.ts';
import { parseIni } from '../../src/config/ini.ts';
import { buildConfig } from '../../src/config/model.ts';
import { usableLoginKeys } from '../../src/credentials/loginWindow.ts';
import { dpopKey, dpopProof, parseTokenAnswer, signinEndpoint } from '../../src/credentials/loginRefresh.ts';
import { ConfigError, ServiceError } from '../../src/errors.ts';
import { createRuntime } from '../../src/runtime.ts';
import { sha256Hex } from '../../src/util/sha256.ts';

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
  format: 'pem',
  type: 'sec1',
}) as string;
const doc = {
  accessToken: {
    accessKeyId: 'ASIAX',
    secretAccessKey: 'sec',
    sessionToken: 'tok',
    accountId: '111111111111',
    expiresAt: '2026-12-05T00:15:00Z',
  },
  tokenType: 'urn:aws:params:oauth:token-type:access_token_sigv4',
  clientId: 'arn:aws:signin:::devtools/same-device',
  refreshToken: 'rt-1',
  idToken: 'id-1',
  dpopKey: pem,
};
const FILES = { configFile: '/h/.aws/config', credentialsFile: '/h/.aws/credentials' };
const rt = (env: Record<string, string> = {}) =>
  createRuntime({ env: { HOME: '/h', ...env }, debug: false, stderr: () => undefined, interactive: () => false });

function plan(config: string, name = 'c', env: Record<string, string> = {}) {
  const p = resolveProfile(buildConfig(parseIni(config), parseIni(''), FILES), name, env).plan;
  assert.equal(p.kind, 'login');
  return p as Extract<typeof p, { kind: 'login' }>;
}

suite('console session cache file', () => {
  test('named by the sha256 of the session name, as the SDKs name it', () => {
    for (const s of ['', 'arn:aws:iam::123456789012:user/alice', 'é'.repeat(70), 'x'.repeat(64)]) {
      assert.equal(sha256Hex(s), createHash('sha256').update(s).digest('hex'));
    }
    assert.equal(
      loginCachePath('/c', 'abc'),
      '/c/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.json',
    );
    assert.equal(rt({ AWS_LOGIN_CACHE_DIRECTORY: '/elsewhere' }).paths.loginCacheDir, '/elsewhere');
    assert.equal(rt().paths.loginCacheDir, '/h/.aws/login/cache');
  });

  test('parsed strictly: every required field, a 12-digit account, a PEM key, a region name', () => {
    const s = parseLoginSession(JSON.stringify(doc));
    assert.equal(s?.credentials.accountId, '111111111111');
    assert.equal(s?.credentials.expiration.toISOString(), '2026-12-05T00:15:00.000Z');
    assert.equal(s?.signInRegion, undefined);
    assert.equal(parseLoginSession(JSON.stringify({ ...doc, signInRegion: '' }))?.signInRegion, undefined);
    assert.equal(parseLoginSession(JSON.stringify({ ...doc, signInRegion: 'eu-west-1' }))?.signInRegion, 'eu-west-1');
    for (const bad of [
      { signInRegion: 'evil.example.com/x' },
      { dpopKey: 'not a key' },
      { refreshToken: '' },
      { clientId: 'with space' },
      { accessToken: { ...doc.accessToken, accountId: '1' } },
      { accessToken: { ...doc.accessToken, secretAccessKey: 'a"; rm -rf ~' } },
      { accessToken: { ...doc.accessToken, expiresAt: 'soon' } },
    ]) {
      assert.equal(parseLoginSession(JSON.stringify({ ...doc, ...bad })), undefined, JSON.stringify(bad));
    }
  });

  test('a rewrite changes the keys, expiresAt and refreshToken, and keeps everything else', () => {
    const s = parseLoginSession(JSON.stringify({ ...doc, signInRegion: 'eu-west-1', other: [1, 2] }))!;
    const out = JSON.parse(
      serializeRefreshedSession(s, {
        accessKeyId: 'ASIAN',
        secretAccessKey: 's2',
        sessionToken: 't2',
        refreshToken: 'rt-2',
        expiration: new Date('2026-12-05T00:30:00Z'),
      }),
    );
    assert.deepEqual(out, {
      ...doc,
      signInRegion: 'eu-west-1',
      other: [1, 2],
      accessToken: {
        accessKeyId: 'ASIAN',
        secretAccessKey: 's2',
        sessionToken: 't2',
        accountId: '111111111111',
        expiresAt: '2026-12-05T00:30:00.000Z',
      },
      refreshToken: 'rt-2',
    });
  });

  test('keys are used until five minutes before they end, or --min-ttl when asked for', () => {
    const s = parseLoginSession(JSON.stringify(doc))!;
    const end = s.credentials.expiration.getTime();
    const defaults = { minTtlMs: 15 * 60_000, refresh: false };
    assert.equal(
      usableLoginKeys(s, end - 6 * 60_000, defaults),
      true,
      'the default 15 minutes would refresh keys that never last longer',
    );
    assert.equal(usableLoginKeys(s, end - 5 * 60_000, defaults), false);
    assert.equal(
      usableLoginKeys(s, end - 9 * 60_000, { ...defaults, minTtlMs: 10 * 60_000, minTtlRequired: true }),
      false,
    );
  });
});

suite('refresh', () => {
  test('the DPoP proof: ES256 over header.payload, raw r||s, the public key, method, URL, time and a fresh jti', () => {
    const key = dpopKey(pem);
    const proofs = [
      dpopProof(key, 'POST', 'https://eu-west-1.signin.aws.amazon.com/v1/token', 1_800_000_000),
      dpopProof(key, 'POST', 'https://x/v1/token', 1),
    ];
    const [h, p, s] = proofs[0]!.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    assert.deepEqual(Object.keys(header.jwk).sort(), ['crv', 'kty', 'x', 'y']);
    assert.deepEqual({ ...header, jwk: undefined }, { typ: 'dpop+jwt', alg: 'ES256', jwk: undefined });
    assert.deepEqual(
      { ...payload, jti: undefined },
      { htm: 'POST', htu: 'https://eu-west-1.signin.aws.amazon.com/v1/token', iat: 1_800_000_000, jti: undefined },
    );
    assert.match(payload.jti, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(Buffer.from(s, 'base64url').length, 64);
    const publicKey = createPublicKey({ key: header.jwk, format: 'jwk' });
    assert.ok(
      verify(
        'sha256',
        Buffer.from(`${h}.${p}`),
        { key: publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(s, 'base64url'),
      ),
    );
    assert.notEqual(JSON.parse(Buffer.from(proofs[1]!.split('.')[1]!, 'base64url').toString()).jti, payload.jti);
  });

  test('a key that is not P-256 is a configuration error', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({
      format: 'pem',
      type: 'sec1',
    }) as string;
    assert.throws(() => dpopKey(p384), ConfigError);
    assert.throws(() => dpopKey('-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n'), ConfigError);
  });

  test("the endpoint: the file's signInRegion, else the profile's region; AWS_ENDPOINT_URL_SIGNIN wins", () => {
    const config = '[profile c]\nlogin_session = arn:aws:iam::111111111111:user/alice\nregion = eu-central-1\n';
    const s = parseLoginSession(JSON.stringify(doc))!;
    const withRegion = parseLoginSession(JSON.stringify({ ...doc, signInRegion: 'us-west-2' }))!;
    assert.equal(signinEndpoint(rt(), plan(config), s).url, 'https://eu-central-1.signin.aws.amazon.com');
    assert.equal(signinEndpoint(rt(), plan(config), withRegion).url, 'https://us-west-2.signin.aws.amazon.com');
    assert.equal(
      signinEndpoint(rt(), plan(config.replace('eu-central-1', 'cn-north-1')), s).url,
      'https://cn-north-1.signin.amazonaws.cn',
    );
    assert.equal(
      signinEndpoint(rt(), plan(config, 'c', { AWS_ENDPOINT_URL_SIGNIN: 'http://127.0.0.1:9/' }), withRegion).url,
      'http://127.0.0.1:9',
    );
    assert.throws(
      () => signinEndpoint(rt(), plan(config.replace('region = eu-central-1\n', '')), s),
      /names no sign-in region/,
    );
  });

  test('the token answer is checked before it reaches a file; expiresIn defaults to 900 s', () => {
    const ok = {
      accessToken: { accessKeyId: 'ASIAN', secretAccessKey: 's', sessionToken: 't' },
      refreshToken: 'rt-2',
      tokenType: 'x',
      idToken: 'i',
    };
    assert.equal(parseTokenAnswer(ok, 0, 'u').expiration.getTime(), 900_000);
    assert.equal(parseTokenAnswer({ ...ok, expiresIn: 60 }, 0, 'u').expiration.getTime(), 60_000);
    for (const bad of [
      { refreshToken: undefined },
      { refreshToken: 'a b' },
      { expiresIn: -1 },
      { expiresIn: '900' },
      { accessToken: { ...ok.accessToken, sessionToken: '$(x)' } },
    ]) {
      assert.throws(() => parseTokenAnswer({ ...ok, ...bad }, 0, 'u'), ServiceError);
    }
  });

  test('a profile with login_session resolves as botocore orders it: after the credentials file, before credential_process and config keys', () => {
    const keys = resolveProfile(
      buildConfig(
        parseIni('[profile c]\nlogin_session = s\n'),
        parseIni('[c]\naws_access_key_id = AKIA\naws_secret_access_key = x\n'),
        FILES,
      ),
      'c',
      {},
    ).plan;
    assert.equal(keys.kind, 'static');
    const p = plan(
      '[profile c]\nlogin_session = arn:aws:iam::111111111111:user/alice\ncredential_process = x\naws_access_key_id = AKIA\naws_secret_access_key = x\n',
    );
    assert.deepEqual(
      { ...p.login, network: undefined },
      {
        sessionName: 'arn:aws:iam::111111111111:user/alice',
        region: undefined,
        endpoint: undefined,
        network: undefined,
      },
    );
  });
});
