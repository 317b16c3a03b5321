import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IniSyntaxError, parseIni } from '../../src/config/ini.ts';
import { shellSplit } from '../../src/util/shellSplit.ts';
import { buildConfig } from '../../src/config/model.ts';

const FILES = { configFile: '/c', credentialsFile: '/k' };

test('parses sections, lower-cases keys, keeps values verbatim', () => {
  const s = parseIni(
    '[profile dev]\nSSO_Role_Name = Admin\nregion=eu-west-1\n# comment\n; other\nsso_start_url = https://x/start # not a comment\n',
  );
  const dev = s.get('profile dev');
  assert.equal(dev?.get('sso_role_name'), 'Admin');
  assert.equal(dev?.get('region'), 'eu-west-1');
  assert.equal(dev?.get('sso_start_url'), 'https://x/start # not a comment');
});

test('colon is a delimiter too, as in configparser', () => {
  assert.equal(parseIni('[a]\nkey: value\n').get('a')?.get('key'), 'value');
});

test('nested sub-sections become maps; continuation lines join', () => {
  const s = parseIni(
    '[services corp]\nsso =\n  endpoint_url = http://127.0.0.1:1\n\n  other = x\nsso_oidc =\n    endpoint_url=http://o\n[a]\nk = line1\n  line2\n',
  );
  const corp = s.get('services corp');
  const sso = corp?.get('sso');
  assert.ok(sso instanceof Map);
  assert.equal(sso.get('endpoint_url'), 'http://127.0.0.1:1');
  assert.equal(sso.get('other'), 'x');
  assert.equal((corp?.get('sso_oidc') as Map<string, string> | undefined)?.get('endpoint_url'), 'http://o');
  assert.equal(s.get('a')?.get('k'), 'line1\nline2');
});

test('CRLF and header trailing text are handled', () => {
  const s = parseIni('[default]\r\nregion = us-east-1\r\n[profile x] ; trailing\r\nk=v\r\n');
  assert.equal(s.get('default')?.get('region'), 'us-east-1');
  assert.equal(s.get('profile x')?.get('k'), 'v');
});

test('rejects what the AWS CLI rejects, with a line number', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['k = v\n[a]\n', 1, /before any \[section\]/],
    ['[a]\nk = 1\n[a]\n', 3, /appears twice/],
    ['[a]\nk = 1\nK = 2\n', 3, /key "k" appears twice/],
    ['[a]\njust words\n', 2, /expected key = value/],
  ];
  for (const [text, line, message] of cases) {
    assert.throws(
      () => parseIni(text),
      (err: unknown) => err instanceof IniSyntaxError && err.line === line && message.test(err.message),
    );
  }
});

test('hostile keys cannot reach object prototypes', () => {
  const s = parseIni('[profile __proto__]\n__proto__ = x\nconstructor = y\n');
  assert.equal(s.get('profile __proto__')?.get('__proto__'), 'x');
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test('shellSplit follows POSIX quoting', () => {
  assert.deepEqual(shellSplit('profile "my dev"'), ['profile', 'my dev']);
  assert.deepEqual(shellSplit("profile 'a b'"), ['profile', 'a b']);
  assert.deepEqual(shellSplit('profile  dev '), ['profile', 'dev']);
  assert.equal(shellSplit('profile "open'), undefined);
});

test('profiles, sso-sessions, services; credentials file merges key by key and wins', () => {
  const config = parseIni(
    '[default]\nregion = a\n[profile dev]\nregion = b\nsso_role_name = R\n[sso-session corp]\nsso_region = c\n[services s]\nsso =\n  endpoint_url = http://x\n[dev]\nignored = yes\n[profile a b]\nx = 1\n[profile "q r"]\nx = 2\n',
  );
  const creds = parseIni(
    '[dev]\nregion = from-credentials\naws_access_key_id = AKIA\n[onlycreds]\naws_access_key_id = AKIB\n',
  );
  const c = buildConfig(config, creds, FILES);
  assert.deepEqual([...c.profiles.keys()].sort(), ['default', 'dev', 'onlycreds', 'q r']);
  assert.equal(c.profiles.get('dev')?.get('region'), 'from-credentials');
  assert.equal(c.profiles.get('dev')?.get('sso_role_name'), 'R');
  assert.equal(c.ssoSessions.get('corp')?.get('sso_region'), 'c');
  assert.ok(c.services.has('s'));
});

test('[default] and [profile default]: the later section wins, as in botocore', () => {
  const later = (text: string) => buildConfig(parseIni(text), new Map(), FILES).profiles.get('default')?.get('region');
  assert.equal(later('[profile default]\nregion = explicit\n[default]\nregion = plain\n'), 'plain');
  assert.equal(later('[default]\nregion = plain\n[profile default]\nregion = explicit\n'), 'explicit');
});
