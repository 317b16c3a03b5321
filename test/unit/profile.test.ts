import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultEndpoint, resolveEndpoint } from '../../src/config/endpoints.ts';
import { parseIni } from '../../src/config/ini.ts';
import { buildConfig } from '../../src/config/model.ts';
import { parseScopes, resolveSsoProfile, resolveSsoSession, selectProfileName } from '../../src/config/profile.ts';
import { ConfigError, EXIT } from '../../src/errors.ts';
import { tempDir } from '../helpers/temp.ts';

const FILES = { configFile: '/home/u/.aws/config', credentialsFile: '/home/u/.aws/credentials' };
const config = (text: string) => buildConfig(parseIni(text), new Map(), FILES);

const BASE = `
[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = ReadOnly
region = eu-west-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-central-1
sso_registration_scopes = sso:account:access, ,extra

[profile legacy]
sso_start_url = https://old.awsapps.com/start/
sso_region = us-east-1
sso_account_id = 222222222222
sso_role_name = Admin
`;

test('new-style profile resolves through its sso-session', () => {
  const p = resolveSsoProfile(config(BASE), 'dev', {});
  assert.equal(p.accountId, '111111111111');
  assert.equal(p.roleName, 'ReadOnly');
  assert.equal(p.startUrl, 'https://corp.awsapps.com/start');
  assert.equal(p.ssoRegion, 'eu-central-1');
  assert.equal(p.sessionName, 'corp');
  assert.equal(p.region, 'eu-west-1');
  assert.deepEqual(p.registrationScopes, ['sso:account:access', 'extra']);
  assert.deepEqual(p.endpoints, {
    sso: 'https://portal.sso.eu-central-1.amazonaws.com',
    oidc: 'https://oidc.eu-central-1.amazonaws.com',
  });
});

test('legacy profile keeps its start URL exactly', () => {
  const p = resolveSsoProfile(config(BASE), 'legacy', {});
  assert.equal(p.sessionName, undefined);
  assert.equal(p.startUrl, 'https://old.awsapps.com/start/');
});

function configError(fn: () => unknown, pattern: RegExp, hint?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.exitCode, EXIT.config);
    assert.match(err.message, pattern);
    if (hint) assert.match(err.hint ?? '', hint);
    return true;
  });
}

test('each configuration mistake names the profile, the file and the fix', () => {
  configError(
    () => resolveSsoProfile(config(BASE), 'nope', {}),
    /profile "nope" not found in \/home\/u\/.aws\/config/,
    /SSO profiles there: dev, legacy/,
  );
  configError(() => resolveSsoProfile(config(''), 'dev', {}), /has no profiles/, /AWS_CONFIG_FILE/);
  configError(
    () =>
      resolveSsoProfile(
        config('[profile p]\nsso_session = ghost\nsso_account_id = 111111111111\nsso_role_name = R\n'),
        'p',
        {},
      ),
    /uses sso-session "ghost", which does not exist in \/home\/u\/.aws\/config/,
    /\[sso-session ghost\]/,
  );
  configError(
    () => resolveSsoProfile(config('[profile p]\nsso_start_url = https://x/start\n'), 'p', {}),
    /profile "p" is configured to use SSO but is missing required configuration: sso_role_name, sso_account_id, sso_region/,
    /add sso_role_name, sso_account_id, sso_region to \[profile p\]/,
  );
  configError(
    () =>
      resolveSsoProfile(
        config(
          `${BASE}\n[profile clash]\nsso_session = corp\nsso_start_url = https://other/start\nsso_account_id = 111111111111\nsso_role_name = R\n`,
        ),
        'clash',
        {},
      ),
    /sso_start_url is inconsistent between profile "clash" \(https:\/\/other\/start\) and sso-session "corp" \(https:\/\/corp.awsapps.com\/start\)/,
  );
  configError(
    () => resolveSsoProfile(config('[profile s]\naws_access_key_id = AKIA\n'), 's', {}),
    /profile "s" is not an SSO profile/,
    /static keys/,
  );
  configError(
    () => resolveSsoProfile(config('[profile c]\ncredential_process = ssohelper get dev\n'), 'c', {}),
    /not an SSO profile/,
    /credential_process \(ssohelper get dev\)/,
  );
  configError(
    () =>
      resolveSsoProfile(
        config(
          '[profile b]\nsso_start_url = https://x/start\nsso_region = us-east-1\nsso_account_id = 12345\nsso_role_name = R\n',
        ),
        'b',
        {},
      ),
    /sso_account_id "12345", which is not a 12-digit/,
  );
  configError(
    () =>
      resolveSsoProfile(
        config(
          '[profile b]\nsso_start_url = https://x/start\nsso_region = Frankfurt\nsso_account_id = 123456789012\nsso_role_name = R\n',
        ),
        'b',
        {},
      ),
    /sso_region "Frankfurt", which is not an AWS region/,
  );
  configError(
    () =>
      resolveSsoProfile(
        config(
          '[profile b]\nsso_start_url = corp.awsapps.com\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = R\n',
        ),
        'b',
        {},
      ),
    /sso_start_url "corp.awsapps.com", which is not an https:\/\/ URL/,
  );
});

test('profile selection: explicit, AWS_PROFILE, AWS_DEFAULT_PROFILE, default', () => {
  assert.equal(selectProfileName('x', { AWS_PROFILE: 'y', AWS_DEFAULT_PROFILE: 'z' }), 'x');
  assert.equal(selectProfileName(undefined, { AWS_PROFILE: 'y', AWS_DEFAULT_PROFILE: 'z' }), 'y');
  assert.equal(selectProfileName(undefined, { AWS_DEFAULT_PROFILE: 'z' }), 'z');
  assert.equal(selectProfileName(undefined, {}), 'default');
});

test('sso-session on its own', () => {
  const s = resolveSsoSession(config(BASE), 'corp', {});
  assert.equal(s.startUrl, 'https://corp.awsapps.com/start');
  configError(
    () => resolveSsoSession(config(BASE), 'nope', {}),
    /sso-session "nope" does not exist/,
    /known sso-sessions: corp/,
  );
});

test('scopes: trimmed, empties dropped', () => {
  assert.deepEqual(parseScopes(' a, b ,,c '), ['a', 'b', 'c']);
  assert.deepEqual(parseScopes(undefined), []);
});

test('endpoint precedence follows the AWS CLI', () => {
  const c = config(
    `${BASE}\n[profile e]\nservices = s\nendpoint_url = http://profile-global\n[services s]\nsso =\n  endpoint_url = http://services-sso\n`,
  );
  const profile = c.profiles.get('e');
  const r = (env: Record<string, string>, service: 'sso' | 'sso-oidc' = 'sso') =>
    resolveEndpoint(service, 'us-east-1', env, c, profile);
  assert.equal(r({ AWS_ENDPOINT_URL_SSO: 'http://env-sso/', AWS_ENDPOINT_URL: 'http://env-global' }), 'http://env-sso');
  assert.equal(r({ AWS_ENDPOINT_URL: 'http://env-global' }), 'http://env-global');
  assert.equal(r({}), 'http://services-sso');
  assert.equal(r({}, 'sso-oidc'), 'http://profile-global');
  assert.equal(r({ AWS_ENDPOINT_URL_SSO_OIDC: 'http://env-oidc' }, 'sso-oidc'), 'http://env-oidc');
  assert.equal(
    r({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_ENDPOINT_URL_SSO: 'http://env-sso' }),
    'https://portal.sso.us-east-1.amazonaws.com',
  );
  assert.throws(() => r({ AWS_ENDPOINT_URL_SSO: 'not a url' }), /AWS_ENDPOINT_URL_SSO variable is not a valid URL/);
  assert.throws(() => r({ AWS_ENDPOINT_URL_SSO: 'ftp://x' }), /must start with https/);
  assert.equal(defaultEndpoint('sso-oidc', 'cn-north-1'), 'https://oidc.cn-north-1.amazonaws.com.cn');
  const ignoring = config('[profile i]\nignore_configured_endpoint_urls = true\nendpoint_url = http://x\n');
  assert.equal(
    resolveEndpoint('sso', 'us-east-1', {}, ignoring, ignoring.profiles.get('i')),
    'https://portal.sso.us-east-1.amazonaws.com',
  );
});

test('account and role may come from the sso-session, as botocore merges them; the hint names only what works', () => {
  const text = (profile: string, session: string) =>
    `[profile p]\nsso_session = corp\n${profile}\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n${session}\n`;
  const p = resolveSsoProfile(config(text('sso_account_id = 111111111111', 'sso_role_name = FromSession')), 'p', {});
  assert.equal(p.roleName, 'FromSession');
  assert.equal(p.accountId, '111111111111');
  configError(
    () => resolveSsoProfile(config(text('sso_account_id = 111111111111', '')), 'p', {}),
    /missing required configuration: sso_role_name/,
    /add sso_role_name to \[profile p\] or \[sso-session corp\]/,
  );
  configError(
    () =>
      resolveSsoProfile(
        config(text('region = us-east-1', 'sso_account_id = 111111111111\nsso_role_name = R')),
        'p',
        {},
      ),
    /names neither sso_account_id nor sso_role_name/,
    /add sso_account_id and sso_role_name to \[profile p\];/,
  );
  configError(
    () =>
      resolveSsoProfile(
        config(text('sso_role_name = R\nregion = us-east-1', 'sso_account_id = 111111111111\nregion = eu-west-1')),
        'p',
        {},
      ),
    /the value for region is inconsistent between profile "p" \(us-east-1\) and sso-session "corp" \(eu-west-1\)/,
  );
});

test('differential: the same account, role, start URL and region as botocore, or an error where it has one', () => {
  const cases = [
    '[profile p]\nsso_session = corp\nsso_account_id = 111111111111\n[sso-session corp]\nsso_start_url = https://c/start\nsso_region = eu-west-1\nsso_role_name = R\n',
    '[profile p]\nsso_session = corp\nsso_role_name = R\nsso_account_id = 111111111111\n[sso-session corp]\nsso_start_url = https://c/start\nsso_region = eu-west-1\nsso_role_name = Other\n',
    '[profile p]\nsso_session = corp\nsso_role_name = R\n[sso-session corp]\nsso_start_url = https://c/start\nsso_region = eu-west-1\n',
    '[profile p]\nsso_session = corp\nsso_role_name = R\nsso_account_id = 111111111111\nregion = us-east-1\n[sso-session corp]\nsso_start_url = https://c/start\nsso_region = eu-west-1\nregion = us-east-1\n',
    '[profile p]\nsso_session = corp\nsso_role_name = R\nsso_account_id = 111111111111\nregion = us-east-1\n[sso-session corp]\nsso_start_url = https://c/start\nsso_region = eu-west-1\nregion = us-west-2\n',
    '[profile p]\nsso_start_url = https://c/start\nsso_region = eu-west-1\nsso_role_name = R\nsso_account_id = 111111111111\n',
    '[profile p]\nsso_start_url = https://c/start\nsso_role_name = R\nsso_account_id = 111111111111\n',
    '[DEFAULT]\nsso_region = eu-west-1\n[profile p]\nsso_session = corp\nsso_role_name = R\nsso_account_id = 111111111111\n[sso-session corp]\nsso_start_url = https://c/start\n',
  ];
  const script = [
    'import json, sys',
    'from botocore.configloader import raw_config_parse, build_profile_map',
    'from botocore.credentials import SSOProvider',
    'out = []',
    'for path in sys.argv[1:]:',
    '    cfg = build_profile_map(raw_config_parse(path))',
    '    try:',
    '        c = SSOProvider(load_config=lambda: cfg, client_creator=None, profile_name="p")._load_sso_config()',
    '        out.append({k: c[k] for k in ("sso_account_id", "sso_role_name", "sso_start_url", "sso_region")})',
    '    except Exception as e:',
    '        out.append({"error": type(e).__name__})',
    'print(json.dumps(out))',
  ].join('\n');
  const dir = tempDir('profile-vs-botocore-');
  try {
    const paths = cases.map((text, i) => {
      const path = join(dir, `c${i}`);
      writeFileSync(path, text);
      return path;
    });
    const theirs = JSON.parse(execFileSync('python3', ['-c', script, ...paths], { encoding: 'utf8' })) as Array<
      Record<string, string>
    >;
    cases.forEach((text, i) => {
      let ours: Record<string, string>;
      try {
        const p = resolveSsoProfile(config(text), 'p', {});
        ours = {
          sso_account_id: p.accountId,
          sso_role_name: p.roleName,
          sso_start_url: p.startUrl,
          sso_region: p.ssoRegion,
        };
      } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        ours = { error: 'InvalidConfigError' };
      }
      assert.deepEqual(ours, theirs[i], `case ${i}:\n${text}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a profile not found: where the name came from, the guess alone when there is one, a count instead of hundreds of names', () => {
  configError(
    () => resolveSsoProfile(config(BASE), 'prod', { AWS_PROFILE: 'prod' }),
    /^profile "prod" \(from AWS_PROFILE\) not found in /,
  );
  configError(
    () => resolveSsoProfile(config(BASE), 'prod', { AWS_DEFAULT_PROFILE: 'prod' }),
    /^profile "prod" \(from AWS_DEFAULT_PROFILE\) not found in /,
  );
  assert.throws(
    () => resolveSsoProfile(config(BASE), 'devv', {}),
    (e: unknown) => e instanceof ConfigError && /did you mean "dev"/.test(e.message) && e.hint === undefined,
  );
  const many = Array.from(
    { length: 40 },
    (_, i) => `[profile acct${i}]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = R\n`,
  ).join('');
  configError(
    () => resolveSsoProfile(config(many), 'default', {}),
    /^profile "default" not found/,
    /^40 SSO profiles there: ssohelper list shows them$/,
  );
});
