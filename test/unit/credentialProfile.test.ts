// Which provider a profile resolves to, checked against botocore 1.43 itself on the same files,
// plus the STS endpoint rules, the assume-role cache key and the expiration text of a process.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  assumeRoleCacheKey,
  parseAssumedRole,
  roleCacheArgs,
  serializeAssumedRole,
} from '../../src/cache/assumeRole.ts';
import { type CredentialPlan, chainOf, resolveProfile } from '../../src/config/credentialProfile.ts';
import { parseIni } from '../../src/config/ini.ts';
import { buildConfig } from '../../src/config/model.ts';
import { pythonIsoformat } from '../../src/credentials/process.ts';
import { ConfigError } from '../../src/errors.ts';
import { shellSplit, windowsShellSplit } from '../../src/util/shellSplit.ts';
import { tempDir } from '../helpers/temp.ts';

const FILES = { configFile: '/home/u/.aws/config', credentialsFile: '/home/u/.aws/credentials' };

const CONFIG = `
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile sso]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = ReadOnly

[profile chain]
role_arn = arn:aws:iam::333333333333:role/Deploy
source_profile = sso

[profile chain2]
role_arn = arn:aws:iam::444444444444:role/Audit
source_profile = chain

[profile role-and-sso]
role_arn = arn:aws:iam::333333333333:role/Deploy
source_profile = sso
sso_session = corp
sso_account_id = 111111111111
sso_role_name = ReadOnly

[profile sso-and-keys]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = ReadOnly

[profile keys-and-process]
credential_process = /bin/echo '{"Version": 1, "AccessKeyId": "AKIAP", "SecretAccessKey": "s"}'

[profile process-and-config-keys]
credential_process = /bin/echo '{"Version": 1, "AccessKeyId": "AKIAP", "SecretAccessKey": "s"}'
aws_access_key_id = AKIACONFIG
aws_secret_access_key = s

[profile config-keys]
aws_access_key_id = AKIACONFIG
aws_secret_access_key = s

[profile self]
role_arn = arn:aws:iam::333333333333:role/Deploy
source_profile = self
aws_access_key_id = AKIASELF
aws_secret_access_key = s

[profile source-keys-and-role]
role_arn = arn:aws:iam::555555555555:role/Never
source_profile = config-keys
aws_access_key_id = AKIAWINS
aws_secret_access_key = s

[profile via-keys-and-role]
role_arn = arn:aws:iam::333333333333:role/Deploy
source_profile = source-keys-and-role

[profile loop-a]
role_arn = arn:aws:iam::333333333333:role/A
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::333333333333:role/B
source_profile = loop-a

[profile self-no-keys]
role_arn = arn:aws:iam::333333333333:role/Deploy
source_profile = self-no-keys

[profile both-sources]
role_arn = arn:aws:iam::333333333333:role/Deploy
source_profile = sso
credential_source = Environment

[profile from-env]
role_arn = arn:aws:iam::333333333333:role/Deploy
credential_source = Environment

[profile orphan]
role_arn = arn:aws:iam::333333333333:role/Deploy
source_profile = missing

[profile empty]
region = eu-west-1

[profile web]
role_arn = arn:aws:iam::333333333333:role/Ci
web_identity_token_file = /nonexistent/token

[profile web-and-sso]
role_arn = arn:aws:iam::333333333333:role/Ci
web_identity_token_file = /nonexistent/token
sso_session = corp
sso_account_id = 111111111111
sso_role_name = ReadOnly

[profile web-no-role]
web_identity_token_file = /nonexistent/token

[profile via-web]
role_arn = arn:aws:iam::444444444444:role/Audit
source_profile = web

[profile mfa-role]
role_arn = arn:aws:iam::333333333333:role/Admin
source_profile = sso
mfa_serial = arn:aws:iam::111111111111:mfa/alice
`;

const CREDENTIALS = `
[sso-and-keys]
aws_access_key_id = AKIASHADOW
aws_secret_access_key = s

[keys-and-process]
aws_access_key_id = AKIAFILE
aws_secret_access_key = s
aws_session_token = t
`;

const PROFILES = [
  'sso',
  'chain',
  'chain2',
  'role-and-sso',
  'sso-and-keys',
  'keys-and-process',
  'process-and-config-keys',
  'config-keys',
  'self',
  'via-keys-and-role',
  'loop-a',
  'self-no-keys',
  'both-sources',
  'from-env',
  'orphan',
  'empty',
  'web',
  'web-and-sso',
  'web-no-role',
  'via-web',
  'mfa-role',
];

/** botocore's METHOD names for our kinds, or ERROR / NONE. */
function ours(name: string): string {
  const config = buildConfig(parseIni(CONFIG), parseIni(CREDENTIALS), FILES);
  try {
    const { plan } = resolveProfile(config, name, { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 's' });
    return method(plan);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return 'ERROR';
  }
}

function method(plan: CredentialPlan): string {
  if (plan.kind === 'assumeRole') return 'assume-role';
  if (plan.kind === 'static') return plan.file === FILES.credentialsFile ? 'shared-credentials-file' : 'config-file';
  if (plan.kind === 'process') return 'custom-process';
  if (plan.kind === 'webIdentity') return 'assume-role-with-web-identity';
  return plan.kind;
}

function botocore(): Record<string, string> {
  const dir = tempDir('ssohelper-precedence-');
  try {
    writeFileSync(join(dir, 'config'), CONFIG);
    writeFileSync(join(dir, 'credentials'), CREDENTIALS);
    const script = [
      'import json, sys, botocore.session',
      'out = {}',
      'for name in sys.argv[1:]:',
      '    try:',
      '        c = botocore.session.Session(profile=name).get_credentials()',
      "        out[name] = c.method if c else 'NONE'",
      '    except Exception as e:',
      "        out[name] = 'ERROR'",
      'print(json.dumps(out))',
    ].join('\n');
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: 'AKIAENV',
      AWS_SECRET_ACCESS_KEY: 's',
    };
    if (process.env.PYENV_VERSION) Object.assign(env, { PYENV_VERSION: process.env.PYENV_VERSION });
    return JSON.parse(execFileSync('python3', ['-c', script, ...PROFILES], { encoding: 'utf8', env }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('every profile resolves to the provider botocore picks (or fails where it fails)', () => {
  const expected = botocore();
  for (const name of PROFILES) {
    // botocore answers NONE for a profile without credentials (it would try instance metadata next).
    assert.equal(ours(name), expected[name] === 'NONE' ? 'ERROR' : expected[name], name);
  }
});

test('chains: the source of each hop follows botocore, including keys next to a role', () => {
  const config = buildConfig(parseIni(CONFIG), parseIni(CREDENTIALS), FILES);
  assert.deepEqual(chainOf(resolveProfile(config, 'chain2', {}).plan), ['chain2', 'chain', 'sso']);
  const via = resolveProfile(config, 'via-keys-and-role', {}).plan;
  assert.equal(via.kind === 'assumeRole' && via.source.kind === 'static' && via.source.accessKeyId, 'AKIAWINS');
  const self = resolveProfile(config, 'self', {}).plan;
  assert.equal(self.kind === 'assumeRole' && self.source.kind === 'static' && self.source.accessKeyId, 'AKIASELF');
  const file = resolveProfile(config, 'keys-and-process', {}).plan;
  assert.equal(file.kind === 'static' && file.sessionToken, 't');
  assert.throws(() => resolveProfile(config, 'loop-a', {}), /cycle through source_profile: loop-a -> loop-b -> loop-a/);
  assert.throws(
    () => resolveProfile(config, 'self-no-keys', {}),
    /cycle through source_profile: self-no-keys -> self-no-keys/,
  );
  assert.throws(() => resolveProfile(config, 'both-sources', {}), /both source_profile and credential_source/);
});

test('the STS endpoint: regional by default, legacy global, the endpoint variables, AWS_REGION first', () => {
  const config = buildConfig(
    parseIni(
      `${CONFIG}\n[profile r]\nrole_arn = arn:aws:iam::333333333333:role/D\nsource_profile = sso\nregion = eu-west-2\n`,
    ),
    new Map(),
    FILES,
  );
  const sts = (name: string, env: Record<string, string> = {}) => {
    const plan = resolveProfile(config, name, env).plan;
    assert.equal(plan.kind, 'assumeRole');
    return plan.kind === 'assumeRole' ? { url: plan.role.sts.url, region: plan.role.sts.region } : undefined;
  };
  assert.deepEqual(sts('r'), { url: 'https://sts.eu-west-2.amazonaws.com', region: 'eu-west-2' });
  assert.deepEqual(sts('r', { AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'us-west-2' }), {
    url: 'https://sts.ap-south-1.amazonaws.com',
    region: 'ap-south-1',
  });
  assert.deepEqual(sts('r', { AWS_STS_REGIONAL_ENDPOINTS: 'legacy' }), {
    url: 'https://sts.amazonaws.com',
    region: 'us-east-1',
  });
  assert.deepEqual(sts('r', { AWS_STS_REGIONAL_ENDPOINTS: 'legacy', AWS_REGION: 'af-south-1' }), {
    url: 'https://sts.af-south-1.amazonaws.com',
    region: 'af-south-1',
  });
  assert.deepEqual(sts('r', { AWS_REGION: 'cn-north-1' }), {
    url: 'https://sts.cn-north-1.amazonaws.com.cn',
    region: 'cn-north-1',
  });
  assert.deepEqual(sts('chain'), { url: 'https://sts.amazonaws.com', region: 'us-east-1' });
  assert.deepEqual(sts('r', { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4566/' }), {
    url: 'http://127.0.0.1:4566',
    region: 'eu-west-2',
  });
  assert.throws(() => sts('r', { AWS_STS_REGIONAL_ENDPOINTS: 'sometimes' }), /must be regional or legacy/);
});

test('settings a role cannot have are configuration errors naming the profile', () => {
  const bad = (lines: string) => () =>
    resolveProfile(
      buildConfig(parseIni(`${CONFIG}\n[profile x]\nsource_profile = sso\n${lines}\n`), new Map(), FILES),
      'x',
      {},
    );
  assert.throws(bad('role_arn = Deploy'), /profile "x" has role_arn "Deploy", which is not an IAM role ARN/);
  assert.throws(
    bad('role_arn = arn:aws:iam::333333333333:role/D\nduration_seconds = 1h'),
    /duration_seconds "1h": use a whole number of seconds from 900 to 43200/,
  );
  assert.throws(bad('role_arn = arn:aws:iam::333333333333:role/D\nduration_seconds = 60'), /from 900 to 43200/);
  assert.throws(
    bad('role_arn = arn:aws:iam::333333333333:role/D\nrole_session_name = has space'),
    /role_session_name "has space"/,
  );
  assert.throws(
    bad('role_arn = arn:aws:iam::333333333333:role/D\nmfa_serial = me'),
    /mfa_serial "me", which is not an MFA device ARN/,
  );
  assert.throws(
    bad('role_arn = Deploy\nweb_identity_token_file = /t'),
    /has web_identity_token_file but role_arn "Deploy" is not an IAM role ARN/,
  );
  assert.throws(
    bad('role_arn = arn:aws:iam::333333333333:role/D\nweb_identity_token_file = /t\nrole_session_name = a b'),
    /role_session_name "a b"/,
  );
});

test("the assume-role cache key is botocore's, whichever arguments are set", () => {
  const cases = [
    {
      roleArn: 'arn:aws:iam::333333333333:role/Deploy',
      roleSessionName: undefined,
      externalId: undefined,
      durationSeconds: undefined,
    },
    {
      roleArn: 'arn:aws:iam::333333333333:role/Deploy',
      roleSessionName: 'me',
      externalId: 'x-1',
      durationSeconds: 1800,
    },
    {
      roleArn: 'arn:aws:iam::333333333333:role/path/Deep',
      roleSessionName: undefined,
      externalId: 'ünïcode',
      durationSeconds: 900,
    },
  ];
  const script = [
    'import json, sys',
    'from botocore.credentials import AssumeRoleCredentialFetcher',
    'for spec in json.loads(sys.argv[1]):',
    "    extra = {k: v for k, v in (('RoleSessionName', spec.get('roleSessionName')), ('ExternalId', spec.get('externalId')), ('DurationSeconds', spec.get('durationSeconds'))) if v is not None}",
    "    f = AssumeRoleCredentialFetcher(None, None, spec['roleArn'], extra_args=extra)",
    '    print(f._cache_key)',
  ].join('\n');
  const expected = execFileSync('python3', ['-c', script, JSON.stringify(cases)], { encoding: 'utf8' })
    .trim()
    .split('\n');
  assert.deepEqual(cases.map(assumeRoleCacheKey), expected);
});

test("the cache keys of web identity and MFA profiles are botocore's: fewer inputs for web identity, SerialNumber for MFA", () => {
  const config = buildConfig(
    parseIni(
      `${CONFIG}\n[profile web-named]\nrole_arn = arn:aws:iam::333333333333:role/Ci\nweb_identity_token_file = /t\nrole_session_name = runner\nduration_seconds = 1800\n`,
    ),
    new Map(),
    FILES,
  );
  const key = (name: string) => {
    const { plan } = resolveProfile(config, name, {});
    assert.ok(plan.kind === 'assumeRole' || plan.kind === 'webIdentity');
    return assumeRoleCacheKey(roleCacheArgs(plan));
  };
  const script = [
    'from botocore.credentials import AssumeRoleCredentialFetcher as A, AssumeRoleWithWebIdentityCredentialFetcher as W',
    "print(W(None, None, 'arn:aws:iam::333333333333:role/Ci')._cache_key)",
    "print(W(None, None, 'arn:aws:iam::333333333333:role/Ci', extra_args={'RoleSessionName': 'runner'})._cache_key)",
    "print(A(None, None, 'arn:aws:iam::333333333333:role/Admin', extra_args={'SerialNumber': 'arn:aws:iam::111111111111:mfa/alice'})._cache_key)",
  ].join('\n');
  const expected = execFileSync('python3', ['-c', script], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual([key('web'), key('web-named'), key('mfa-role')], expected);
});

test('the web identity variables: each overrides its profile key, only when no profile was named', () => {
  const config = buildConfig(parseIni(CONFIG), new Map(), FILES);
  const env = {
    AWS_WEB_IDENTITY_TOKEN_FILE: '/env/token',
    AWS_ROLE_ARN: 'arn:aws:iam::999999999999:role/FromEnv',
    AWS_ROLE_SESSION_NAME: 'env-session',
  };
  const plan = resolveProfile(config, 'sso', env, true).plan;
  assert.deepEqual(plan.kind === 'webIdentity' && [plan.tokenFile, plan.role.roleArn, plan.role.roleSessionName], [
    '/env/token',
    'arn:aws:iam::999999999999:role/FromEnv',
    'env-session',
  ]);
  assert.equal(resolveProfile(config, 'sso', env, false).plan.kind, 'sso');
  const partial = resolveProfile(config, 'web', { AWS_ROLE_SESSION_NAME: 'env-session' }, true).plan;
  assert.deepEqual(partial.kind === 'webIdentity' && [partial.tokenFile, partial.role.roleSessionName], [
    '/nonexistent/token',
    'env-session',
  ]);
  // A role with a source wins over the variables, as botocore's assume-role provider comes first.
  assert.equal(resolveProfile(config, 'chain', env, true).plan.kind, 'assumeRole');
  assert.equal(resolveProfile(buildConfig(new Map(), new Map(), FILES), 'default', env, true).plan.kind, 'webIdentity');
  assert.throws(
    () => resolveProfile(buildConfig(new Map(), new Map(), FILES), 'other', env, true),
    /profile "other" not found/,
  );
  assert.throws(
    () => resolveProfile(config, 'sso', { AWS_WEB_IDENTITY_TOKEN_FILE: '/t' }, true),
    /has web_identity_token_file but role_arn "" is not an IAM role ARN .*AWS_WEB_IDENTITY_TOKEN_FILE/,
  );
});

test("an assume-role cache entry round-trips and reads the AWS CLI's own layout", () => {
  const entry = {
    accessKeyId: 'ASIAX',
    secretAccessKey: 's/+=',
    sessionToken: 't',
    expiration: new Date('2030-01-02T03:04:05Z'),
    accountId: '333333333333',
    assumedRoleArn: 'arn:aws:sts::333333333333:assumed-role/Deploy/s',
    assumedRoleId: 'AROAX:s',
  };
  assert.deepEqual(parseAssumedRole(serializeAssumedRole(entry)), entry);
  assert.match(serializeAssumedRole(entry), /"Expiration": "2030-01-02T03:04:05UTC"/);
  // CLI 2.9 writes no AccountId and the whole response; the ARN has the account.
  const theirs =
    '{"Credentials": {"AccessKeyId": "ASIAX", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2030-01-02T03:04:05UTC"}, "AssumedRoleUser": {"AssumedRoleId": "AROAX:s", "Arn": "arn:aws:sts::333333333333:assumed-role/Deploy/s"}, "ResponseMetadata": {"RequestId": "r", "HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0}}';
  assert.equal(parseAssumedRole(theirs)?.accountId, '333333333333');
  for (const garbage of [
    '',
    '[]',
    '{"Credentials": {"AccessKeyId": "A B", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2030-01-02T03:04:05UTC"}}',
    '{"Credentials": {"AccessKeyId": "A"}}',
  ]) {
    assert.equal(parseAssumedRole(garbage), undefined, garbage);
  }
});

test('a credential_process expiration is printed as the AWS CLI prints what dateutil parsed', () => {
  const samples = [
    '2030-01-02T03:04:05Z',
    '2030-01-02T03:04:05.5Z',
    '2030-01-02T03:04:05.123456789+02:00',
    '2030-01-02T03:04:05-0530',
    '2030-01-02 03:04:05+00:00',
  ];
  const script = 'import sys\nfrom dateutil.parser import parse\nfor s in sys.argv[1:]: print(parse(s).isoformat())';
  const expected = execFileSync('python3', ['-c', script, ...samples], { encoding: 'utf8' })
    .trim()
    .split('\n');
  assert.deepEqual(samples.map(pythonIsoformat), expected);
});

test('credential_process is split as botocore splits it, on Windows and elsewhere', () => {
  const samples = [
    'helper get dev',
    '"C:\\Program Files\\helper.exe" get "my profile"',
    'helper \\\\"quoted\\" a\\\\b "" tab\there',
    'helper \'single quoted\' "double \\"escaped\\" quote" back\\\\slash',
    '  leading   and trailing  ',
    'helper "open',
    '',
  ];
  const script = [
    'import json, sys',
    'from botocore.compat import compat_shell_split',
    'out = []',
    'for s in json.loads(sys.argv[1]):',
    '    row = []',
    "    for platform in ('win32', 'linux'):",
    '        try: row.append(compat_shell_split(s, platform))',
    '        except ValueError: row.append(None)',
    '    out.append(row)',
    'print(json.dumps(out))',
  ].join('\n');
  const expected = JSON.parse(execFileSync('python3', ['-c', script, JSON.stringify(samples)], { encoding: 'utf8' }));
  assert.deepEqual(
    samples.map((s) => [windowsShellSplit(s) ?? null, shellSplit(s) ?? null]),
    expected,
  );
});
