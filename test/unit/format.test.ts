import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCredentials, FORMATS } from '../../src/format/credentials.ts';

const creds = {
  accessKeyId: 'ASIAXAMPLE0000000001',
  secretAccessKey: 'wJalr/K7MDENG+bPxRfiCY=',
  sessionToken: 'IQoJb3JpZ2luX2Vj/+==',
  expiration: new Date('2026-11-22T04:26:17Z'),
};

test('every format, exact bytes', () => {
  const lines = (tpl: (k: string, v: string) => string) =>
    [
      tpl('AWS_ACCESS_KEY_ID', creds.accessKeyId),
      tpl('AWS_SECRET_ACCESS_KEY', creds.secretAccessKey),
      tpl('AWS_SESSION_TOKEN', creds.sessionToken),
      tpl('AWS_CREDENTIAL_EXPIRATION', '2026-11-22T04:26:17+00:00'),
    ]
      .map((l) => `${l}\n`)
      .join('');
  assert.equal(
    formatCredentials(creds, 'process'),
    '{\n  "Version": 1,\n  "AccessKeyId": "ASIAXAMPLE0000000001",\n  "SecretAccessKey": "wJalr/K7MDENG+bPxRfiCY=",\n  "SessionToken": "IQoJb3JpZ2luX2Vj/+==",\n  "Expiration": "2026-11-22T04:26:17+00:00"\n}\n',
  );
  assert.equal(
    formatCredentials(creds, 'env'),
    lines((k, v) => `export ${k}=${v}`),
  );
  assert.equal(
    formatCredentials(creds, 'env-no-export'),
    lines((k, v) => `${k}=${v}`),
  );
  assert.equal(
    formatCredentials(creds, 'powershell'),
    lines((k, v) => `$Env:${k}="${v}"`),
  );
  assert.equal(
    formatCredentials(creds, 'windows-cmd'),
    lines((k, v) => `set ${k}=${v}`),
  );
  assert.equal(
    formatCredentials(creds, 'fish'),
    lines((k, v) => `set -gx ${k} "${v}"`),
  );
  assert.equal(FORMATS.length, 6);
});

test('sub-second expirations print like Python isoformat', () => {
  const out = formatCredentials({ ...creds, expiration: new Date('2026-11-22T04:26:17.120Z') }, 'env');
  assert.match(out, /AWS_CREDENTIAL_EXPIRATION=2026-11-22T04:26:17\.120000\+00:00\n$/);
});

test('optional token and expiry are left out, not printed empty', () => {
  const bare = { ...creds, sessionToken: undefined, expiration: undefined };
  assert.equal(
    formatCredentials(bare, 'env'),
    `export AWS_ACCESS_KEY_ID=${creds.accessKeyId}\nexport AWS_SECRET_ACCESS_KEY=${creds.secretAccessKey}\n`,
  );
  assert.equal(
    formatCredentials(bare, 'process'),
    `{\n  "Version": 1,\n  "AccessKeyId": "${creds.accessKeyId}",\n  "SecretAccessKey": "${creds.secretAccessKey}"\n}\n`,
  );
});

test('extra variables come after the AWS CLI lines', () => {
  const out = formatCredentials(creds, 'powershell', [
    ['AWS_REGION', 'eu-west-1'],
    ['AWS_DEFAULT_REGION', 'eu-west-1'],
  ]);
  assert.ok(
    out.endsWith(
      '$Env:AWS_CREDENTIAL_EXPIRATION="2026-11-22T04:26:17+00:00"\n$Env:AWS_REGION="eu-west-1"\n$Env:AWS_DEFAULT_REGION="eu-west-1"\n',
    ),
  );
});
