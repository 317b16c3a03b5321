// Property tests: whatever the input, the INI parser, the profile resolver and the three cache
// readers end in a result or one of our own errors (which become a message and an exit code),
// never in another exception (which would be "internal error, please report it"). Seeded:
// every run tries the same few thousand cases; FC_SEED=n tries others, and a failure prints
// the seed and path that replay it.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { parseLoginSession, serializeRefreshedSession } from '../../src/cache/login.ts';
import { dpopKey } from '../../src/credentials/loginRefresh.ts';
import { parseRegistration, readRegistration, serializeRegistration } from '../../src/cache/registration.ts';
import { parseRoleEntry, readRoleEntry, serializeRoleEntry } from '../../src/cache/role.ts';
import { parseToken, readToken, serializeToken } from '../../src/cache/token.ts';
import { IniSyntaxError, parseIni } from '../../src/config/ini.ts';
import { buildConfig } from '../../src/config/model.ts';
import { resolveProfile } from '../../src/config/credentialProfile.ts';
import { resolveSsoProfile, resolveSsoSession } from '../../src/config/profile.ts';
import { editLine } from '../../src/credentials/mfa.ts';
import { readWebIdentityToken } from '../../src/credentials/webIdentity.ts';
import { SsoHelperError } from '../../src/errors.ts';
import { loginTarget } from '../../src/session/target.ts';
import { iniText, SEED } from '../helpers/iniArbitrary.ts';
import { tempDir } from '../helpers/temp.ts';

const RUNS = 3000;
const options = (numRuns = RUNS) => ({ seed: SEED, numRuns });
const FILES = { configFile: '/home/u/.aws/config', credentialsFile: '/home/u/.aws/credentials' };

/** Runs `fn`; our typed errors are a fine ending, anything else fails the property. */
function endsWell(fn: () => unknown, ours: (err: unknown) => boolean): void {
  try {
    fn();
  } catch (err) {
    if (!ours(err)) throw err;
  }
}

test('the INI parser: a result or an IniSyntaxError with a line number, for any text', () => {
  const anyText = fc.oneof(
    iniText,
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({
      unit: fc.constantFrom('[', ']', '=', ':', ' ', '\n', '\r', '\t', '#', 'a', '"', '\\', '\ufeff', '\x1c'),
      maxLength: 80,
    }),
  );
  fc.assert(
    fc.property(anyText, (text) =>
      endsWell(
        () => parseIni(text),
        (err) => err instanceof IniSyntaxError && Number.isInteger(err.line) && err.line >= 0,
      ),
    ),
    options(),
  );
});

// Profiles and sso-sessions made of the keys the resolver reads, with values from valid to absurd.
const KEYS = [
  'sso_session',
  'sso_account_id',
  'sso_role_name',
  'sso_start_url',
  'sso_region',
  'region',
  'sso_registration_scopes',
  'services',
  'endpoint_url',
  'credential_process',
  'role_arn',
  'aws_access_key_id',
  'source_profile',
  'web_identity_token_file',
  'role_session_name',
  'duration_seconds',
  'mfa_serial',
  'mfa_process',
  'credential_source',
];
const VALUES = fc.oneof(
  fc.constantFrom(
    'corp',
    'dev',
    '111111111111',
    '12345',
    'ReadOnly',
    'https://corp.awsapps.com/start',
    'corp.awsapps.com',
    'eu-west-1',
    'Frankfurt',
    'sso:account:access, ,x',
    's',
    'http://127.0.0.1:9',
    '',
  ),
  fc.constantFrom(
    'arn:aws:iam::333333333333:role/D',
    'p',
    '/var/run/token',
    'arn:aws:iam::111111111111:mfa/alice',
    '900',
    '99999',
    'Environment',
  ),
  fc.string({ maxLength: 12 }),
);
const section = fc.tuple(
  fc.constantFrom(
    'profile dev',
    'profile p',
    'default',
    'profile default',
    'sso-session corp',
    'sso-session dev',
    'services s',
    'DEFAULT',
  ),
  fc.array(fc.tuple(fc.constantFrom(...KEYS), VALUES), { maxLength: 6 }),
  fc.boolean(),
);
const ssoConfig = fc.array(section, { maxLength: 5 }).map((sections) =>
  sections
    .map(([name, pairs, nested]) => {
      const unique = [...new Map(pairs).entries()];
      const body = unique.map(([k, v]) =>
        nested && k === 'sso_region' ? `sso =\n  endpoint_url = ${v}` : `${k} = ${v}`,
      );
      return `[${name}]\n${body.join('\n')}\n`;
    })
    .join('\n'),
);
// A working config with keys dropped or given other values: close to valid, where mistakes hide.
const VALID: Array<[string, Array<[string, string]>]> = [
  [
    'profile dev',
    [
      ['sso_session', 'corp'],
      ['sso_account_id', '111111111111'],
      ['sso_role_name', 'ReadOnly'],
      ['region', 'eu-west-1'],
    ],
  ],
  [
    'sso-session corp',
    [
      ['sso_start_url', 'https://corp.awsapps.com/start'],
      ['sso_region', 'eu-west-1'],
      ['sso_registration_scopes', 'sso:account:access'],
    ],
  ],
  [
    'profile p',
    [
      ['sso_start_url', 'https://old.awsapps.com/start'],
      ['sso_region', 'us-east-1'],
      ['sso_account_id', '222222222222'],
      ['sso_role_name', 'Admin'],
    ],
  ],
];
const nearlyValid = fc
  .array(fc.tuple(fc.nat(2), fc.nat(4), fc.option(VALUES, { freq: 2 }), fc.boolean()), { maxLength: 3 })
  .map((edits) => {
    const sections = VALID.map(([name, pairs]) => [name, pairs.map(([k, v]) => [k, v])] as [string, string[][]]);
    for (const [si, ki, value, drop] of edits) {
      const pairs = (sections[si] as [string, string[][]])[1];
      const pair = pairs[ki % pairs.length] as string[];
      if (drop) pairs.splice(ki % pairs.length, 1);
      else pair[1] = value ?? `${pair[1]}x`;
    }
    return sections
      .map(([name, pairs]) => `[${name}]\n${pairs.map(([k, v]) => `${k} = ${v}`).join('\n')}\n`)
      .join('\n');
  });
const env = fc.record(
  {
    AWS_ENDPOINT_URL: fc.constantFrom('http://127.0.0.1:1', 'not a url', ''),
    AWS_ENDPOINT_URL_SSO: fc.constantFrom('http://127.0.0.1:2', ''),
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: fc.constantFrom('true', 'false', 'maybe'),
    AWS_PROFILE: fc.constantFrom('dev', 'p', 'nope', ''),
    AWS_WEB_IDENTITY_TOKEN_FILE: fc.constantFrom('/t', ''),
    AWS_ROLE_ARN: fc.constantFrom('arn:aws:iam::333333333333:role/D', 'bad', ''),
    AWS_ROLE_SESSION_NAME: fc.constantFrom('ci', 'has space', ''),
  },
  { requiredKeys: [] },
);

test('the profile resolver: a profile or one of our errors, for any config and environment', () => {
  const ours = (err: unknown) => err instanceof SsoHelperError || err instanceof IniSyntaxError;
  let resolved = 0;
  fc.assert(
    fc.property(
      fc.oneof(nearlyValid, ssoConfig, iniText),
      fc.oneof(ssoConfig, fc.constant('')),
      env,
      fc.constantFrom('dev', 'p', 'default', 'corp', 'nope'),
      (config, credentials, e, name) =>
        endsWell(() => {
          const c = buildConfig(parseIni(config), parseIni(credentials), FILES);
          endsWell(() => {
            resolveSsoProfile(c, name, e);
            resolved++;
          }, ours);
          endsWell(() => resolveSsoSession(c, name, e), ours);
          endsWell(() => resolveProfile(c, name, e, true), ours);
          endsWell(() => loginTarget(c, { profile: name, ssoSession: undefined }, e, 'login'), ours);
          endsWell(() => loginTarget(c, { profile: undefined, ssoSession: name }, e, 'login'), ours);
        }, ours),
    ),
    options(),
  );
  // Not vacuous: some of the generated configs must resolve all the way.
  assert.ok(resolved >= 10, `only ${resolved} generated profiles resolved`);
});

// Cache files: valid entries with fields replaced by any JSON value, plus any text at all.
const json = fc.jsonValue({ maxDepth: 2 });
function mutated(valid: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = Object.keys(valid);
  return fc
    .tuple(
      fc.subarray(keys),
      fc.array(fc.tuple(fc.constantFrom(...keys, 'Credentials', 'extra'), json), { maxLength: 3 }),
      fc.nat(40),
    )
    .map(([kept, replaced, cut]) => {
      const o: Record<string, unknown> = Object.fromEntries(kept.map((k) => [k, valid[k]]));
      for (const [k, v] of replaced) o[k] = v;
      const text = JSON.stringify(o);
      return cut === 0 ? text.slice(0, Math.floor(text.length / 2)) : text; // sometimes torn
    });
}
const now = new Date('2026-11-30T12:00:00Z');
const token = JSON.parse(
  serializeToken({
    startUrl: 'https://corp.awsapps.com/start',
    region: 'eu-west-1',
    accessToken: 'aoaTOKEN',
    expiresAt: now,
    clientId: 'cid',
    clientSecret: 'secret',
    registrationExpiresAt: now,
    refreshToken: 'rt',
    extra: {},
  }),
) as Record<string, unknown>;
const registration = JSON.parse(
  serializeRegistration({
    clientId: 'cid',
    clientSecret: 's',
    expiresAt: now,
    scopes: ['sso:account:access'],
    grantTypes: ['authorization_code', 'refresh_token'],
  }),
) as Record<string, unknown>;
const role = JSON.parse(
  serializeRoleEntry({
    accessKeyId: 'ASIA',
    secretAccessKey: 's',
    sessionToken: 't',
    expiration: now,
    accountId: '111111111111',
  }),
) as Record<string, unknown>;
const roleInner = role.Credentials as Record<string, unknown>;
const anyCacheText = (valid: Record<string, unknown>) =>
  fc.oneof(
    mutated(valid),
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 100 }),
    json.map((v) => JSON.stringify(v)),
  );
const roleText = fc.oneof(
  anyCacheText(role),
  mutated(roleInner).map((inner) => `{"ProviderType": "sso", "Credentials": ${inner}}`),
);

test('the three cache parsers: an entry or "absent", never an exception, and only well-formed entries', () => {
  fc.assert(
    fc.property(anyCacheText(token), (text) => {
      const t = parseToken(text);
      if (t)
        assert.ok(typeof t.accessToken === 'string' && t.accessToken !== '' && !Number.isNaN(t.expiresAt.getTime()));
    }),
    options(),
  );
  fc.assert(
    fc.property(anyCacheText(registration), (text) => {
      const r = parseRegistration(text);
      if (r)
        assert.ok(
          typeof r.clientId === 'string' && typeof r.clientSecret === 'string' && !Number.isNaN(r.expiresAt.getTime()),
        );
    }),
    options(),
  );
  fc.assert(
    fc.property(roleText, (text) => {
      const c = parseRoleEntry(text);
      if (c)
        assert.ok(
          [c.accessKeyId, c.secretAccessKey, c.sessionToken].every((v) => /^[A-Za-z0-9+/=_.-]+$/.test(v)) &&
            !Number.isNaN(c.expiration.getTime()),
        );
    }),
    options(),
  );
});

const dir = tempDir('fuzz-cache-');
after(() => rmSync(dir, { recursive: true, force: true }));

test('the three cache readers on real files (any bytes): an entry or absent, never an exception', async () => {
  const warnings: string[] = [];
  const warn = (line: string) => warnings.push(line);
  const bytes = fc.oneof(
    anyCacheText(token).map((t) => Buffer.from(t)),
    anyCacheText(role).map((t) => Buffer.from(t)),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  );
  let i = 0;
  await fc.assert(
    fc.asyncProperty(bytes, async (content) => {
      const path = join(dir, `${i++ % 8}.json`);
      writeFileSync(path, content, { mode: 0o600 });
      await readToken(path, warn);
      await readRegistration(path, warn);
      await readRoleEntry(path, warn);
    }),
    options(120), // readToken looks twice, 50 ms apart, at a file that does not parse
  );
  assert.deepEqual(warnings, [], 'private files in a private directory are never refused');
});

test('the web identity token reader (any bytes): one printable token or a configuration error naming the file', async () => {
  const path = join(dir, 'token');
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.string({ maxLength: 100 }).map((t) => Buffer.from(t)),
    fc.nat(30_000).map((n) => Buffer.alloc(n, 'e')),
  );
  await fc.assert(
    fc.asyncProperty(bytes, async (content) => {
      writeFileSync(path, content, { mode: 0o600 });
      try {
        assert.match(await readWebIdentityToken(path, 'ci'), /^[!-~]{1,20002}$/);
      } catch (err) {
        assert.ok(err instanceof SsoHelperError && err.exitCode === 3 && err.message.includes(path), String(err));
      }
    }),
    options(300),
  );
});

test("the MFA prompt's line editing (any keys): printable ASCII only, at most 64 characters", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (keys) => {
      let typed = '';
      for (const key of keys) {
        const next = editLine(typed, key);
        assert.match(next.typed, /^[ -~]{0,64}$/);
        if (next.done || next.cancelled) break;
        typed = next.typed;
      }
    }),
    options(),
  );
});

// Console sessions (`aws login`): the cache file and the PEM key inside it.
const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
  format: 'pem',
  type: 'sec1',
}) as string;
const loginDoc: Record<string, unknown> = {
  accessToken: {
    accessKeyId: 'ASIAX',
    secretAccessKey: 's',
    sessionToken: 't',
    accountId: '111111111111',
    expiresAt: '2026-11-30T12:15:00.000Z',
  },
  tokenType: 'urn:aws:params:oauth:token-type:access_token_sigv4',
  clientId: 'arn:aws:signin:::devtools/same-device',
  refreshToken: 'rt',
  idToken: 'id',
  dpopKey: pem,
  signInRegion: 'eu-west-1',
};
const { accessToken: loginInner, ...loginRest } = loginDoc;
const loginText = fc.oneof(
  anyCacheText(loginDoc),
  mutated(loginInner as Record<string, unknown>).map(
    (inner) => `{"accessToken": ${inner}, ${JSON.stringify(loginRest).slice(1)}`,
  ),
);

test('the console session parser: a session or absent, only well-formed sessions, and a rewrite keeps every field', () => {
  assert.ok(parseLoginSession(JSON.stringify(loginDoc)), 'the valid document parses');
  let parsed = 0;
  fc.assert(
    fc.property(loginText, (text) => {
      const s = parseLoginSession(text);
      if (!s) return;
      parsed++;
      assert.ok(/^\d{12}$/.test(s.credentials.accountId) && !Number.isNaN(s.credentials.expiration.getTime()));
      const again = parseLoginSession(
        serializeRefreshedSession(s, {
          accessKeyId: 'ASIAY',
          secretAccessKey: 's2',
          sessionToken: 't2',
          refreshToken: 'rt2',
          expiration: now,
        }),
      );
      assert.equal(again?.refreshToken, 'rt2');
      for (const key of Object.keys(s.doc))
        if (key !== 'accessToken' && key !== 'refreshToken') assert.deepEqual(again?.doc[key], s.doc[key]);
    }),
    options(),
  );
  assert.ok(parsed >= 10, `only ${parsed} generated sessions parsed`);
});

test('the DPoP key reader: a P-256 key or a ConfigError, for any text', () => {
  const lines = pem.trim().split('\n');
  const anyPem = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc
      .tuple(fc.nat(lines.length), fc.string({ maxLength: 20 }))
      .map(([i, junk]) => [...lines.slice(0, i), junk, ...lines.slice(i + 1)].join('\n')),
    fc.nat(pem.length).map((cut) => pem.slice(0, cut)),
    fc.constant(
      generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({
        format: 'pem',
        type: 'sec1',
      }) as string,
    ),
  );
  fc.assert(
    fc.property(anyPem, (text) =>
      endsWell(
        () => assert.equal(dpopKey(text).asymmetricKeyDetails?.namedCurve, 'prime256v1'),
        (err) => err instanceof SsoHelperError,
      ),
    ),
    options(500),
  );
});
