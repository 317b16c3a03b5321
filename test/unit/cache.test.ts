import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { parseRoleEntry, roleCacheKey, serializeRoleEntry } from '../../src/cache/role.ts';
import { isRefreshable, parseToken, serializeToken, type SsoToken, tokenCacheKey } from '../../src/cache/token.ts';
import { pyDumps } from '../../src/util/pyjson.ts';
import fc from 'fast-check';
import { formatPythonIsoformat, humanDuration, isoString, parseDuration, parseTimestamp } from '../../src/util/time.ts';

/** Python is the reference: the AWS CLI and botocore compute these with json.dumps + sha1. */
function python(code: string, ...args: string[]): string {
  return execFileSync('python3', ['-c', code, ...args], { encoding: 'utf8' }).trim();
}

test('role cache keys match the AWS CLI (sha1 of compact sorted JSON)', () => {
  const cases = [
    { accountId: '111111111111', roleName: 'ReadOnly', sessionName: 'corp', startUrl: 'https://x/start' },
    {
      accountId: '222222222222',
      roleName: 'Admin',
      sessionName: undefined,
      startUrl: 'https://old.awsapps.com/start/',
    },
    { accountId: '333333333333', roleName: 'Rôle', sessionName: 'séssion "q"', startUrl: 'u' },
  ];
  for (const c of cases) {
    const args = c.sessionName
      ? { accountId: c.accountId, roleName: c.roleName, sessionName: c.sessionName }
      : { accountId: c.accountId, roleName: c.roleName, startUrl: c.startUrl };
    const expected = python(
      'import json,hashlib,sys; print(hashlib.sha1(json.dumps(json.loads(sys.argv[1]), sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest())',
      JSON.stringify(args),
    );
    assert.equal(roleCacheKey(c), expected);
  }
});

test('pyDumps equals json.dumps, non-ASCII and control characters included', () => {
  const value = { b: 'é😀"\\\n\t\u0001', a: [1, null, true, 'x'], c: { z: 1, y: 2 } };
  assert.equal(
    pyDumps(value),
    python('import json,sys; print(json.dumps(json.loads(sys.argv[1])))', JSON.stringify(value)),
  );
  assert.equal(
    pyDumps(value, { sortKeys: true }),
    python('import json,sys; print(json.dumps(json.loads(sys.argv[1]), sort_keys=True))', JSON.stringify(value)),
  );
});

const token: SsoToken = {
  startUrl: 'https://corp.awsapps.com/start',
  region: 'eu-west-1',
  accessToken: 'aoa',
  expiresAt: new Date('2026-11-22T05:00:00.500Z'),
  clientId: 'cid',
  clientSecret: 'csec',
  registrationExpiresAt: new Date('2027-02-20T05:00:00Z'),
  refreshToken: 'rt',
  extra: {},
};

test('token file is byte-identical to the AWS CLI layout', () => {
  assert.equal(
    serializeToken(token),
    '{"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": "aoa", "expiresAt": "2026-11-22T05:00:00Z", "clientId": "cid", "clientSecret": "csec", "registrationExpiresAt": "2027-02-20T05:00:00Z", "refreshToken": "rt"}',
  );
  const noRefresh = serializeToken({ ...token, refreshToken: undefined });
  assert.ok(!noRefresh.includes('refreshToken'));
  assert.ok(noRefresh.endsWith('"registrationExpiresAt": "2027-02-20T05:00:00Z"}'));
});

test('unknown keys survive a rewrite', () => {
  const parsed = parseToken('{"accessToken":"a","expiresAt":"2026-01-01T00:00:00Z","custom":{"x":1}}');
  assert.ok(parsed);
  assert.match(serializeToken(parsed), /"custom": \{"x": 1\}\}$/);
});

test('token parsing accepts every writer and rejects torn or hostile files', () => {
  for (const ts of [
    '2026-11-22T05:00:00Z',
    '2026-11-22T05:00:00.000Z',
    '2026-11-22T05:00:00UTC',
    '2026-11-22T05:00:00+00:00',
    '2026-11-22T06:00:00+01:00',
  ]) {
    assert.equal(
      parseToken(JSON.stringify({ accessToken: 'a', expiresAt: ts }))?.expiresAt.toISOString(),
      '2026-11-22T05:00:00.000Z',
      ts,
    );
  }
  for (const bad of [
    '',
    '{',
    '{"accessToken": "a", "expiresAt": "2026-11',
    'null',
    '[]',
    '"x"',
    '{"accessToken": 5, "expiresAt": "2026-11-22T05:00:00Z"}',
    '{"accessToken": "a", "expiresAt": "tomorrow"}',
    '{"accessToken": "a"}',
  ]) {
    assert.equal(parseToken(bad), undefined, bad);
  }
});

test('refreshable only with refresh token, client and a live registration', () => {
  const now = Date.parse('2026-11-22T04:00:00Z');
  assert.equal(isRefreshable(token, now), true);
  assert.equal(isRefreshable({ ...token, refreshToken: undefined }, now), false);
  assert.equal(isRefreshable({ ...token, registrationExpiresAt: new Date(now - 1) }, now), false);
  assert.equal(isRefreshable({ ...token, clientSecret: undefined }, now), false);
});

test('token cache key: session name, else the exact start URL', () => {
  assert.equal(tokenCacheKey({ sessionName: 'corp', startUrl: 'u' }), 'corp');
  assert.equal(tokenCacheKey({ sessionName: undefined, startUrl: 'https://x/start/' }), 'https://x/start/');
});

test('role entries round-trip and refuse values unsafe for eval', () => {
  const c = {
    accessKeyId: 'ASIA1',
    secretAccessKey: 's/+=',
    sessionToken: 't',
    expiration: new Date('2026-11-22T05:00:00Z'),
    accountId: '111111111111',
  };
  const text = serializeRoleEntry(c);
  assert.equal(
    text,
    '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIA1", "SecretAccessKey": "s/+=", "SessionToken": "t", "Expiration": "2026-11-22T05:00:00Z", "AccountId": "111111111111"}}',
  );
  assert.deepEqual(parseRoleEntry(text), c);
  const evil = text.replace('"t"', '"t$(touch /tmp/pwned)"');
  assert.equal(parseRoleEntry(evil), undefined);
  assert.equal(parseRoleEntry(text.slice(0, 40)), undefined);
});

test('time helpers', () => {
  assert.equal(parseTimestamp('2026-02-30T00:00:00Z'), undefined);
  assert.equal(parseTimestamp(1234), undefined);
  assert.equal(formatPythonIsoformat(new Date('2026-11-22T04:26:17Z')), '2026-11-22T04:26:17+00:00');
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('90'), 90_000);
  assert.equal(parseDuration('2x'), undefined);
  assert.equal(parseDuration(''), undefined);
  assert.equal(humanDuration(3_725_000), '1h 02m');
  assert.equal(humanDuration(-65_000), 'expired 1m 05s ago');
});

test('isoString is toISOString, for every time a Date can hold (and throws as it does)', () => {
  const edges = [
    0,
    -1,
    253402300799999,
    253402300800000,
    -62167219200000,
    -62167219200001,
    8.64e15,
    -8.64e15,
    1.5e12 + 0.5,
  ];
  for (const t of edges) assert.equal(isoString(new Date(t)), new Date(t).toISOString(), String(t));
  fc.assert(
    fc.property(
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
      (t) => isoString(new Date(t)) === new Date(t).toISOString(),
    ),
    { numRuns: 2000 },
  );
  assert.throws(() => isoString(new Date(Number.NaN)), RangeError);
});
