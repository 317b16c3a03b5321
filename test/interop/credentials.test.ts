// The real peers on the same HOME: Debian's AWS CLI v2 (/usr/bin/aws) and python3's botocore
// read what ssohelper wrote, ssohelper reads what they wrote, and consumers of
// credential_process accept ssohelper's output.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { roleFile, seedToken, tokenFile } from '../helpers/home.ts';
import { BIN, describe, ROOT, run } from '../helpers/run.ts';
import { AWS, useEmulator } from '../helpers/fixture.ts';

const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const exec = promisify(execFile);
// `fish` is ssohelper's own addition; CLI 2.9 has the other five.
const SHARED_FORMATS = ['process', 'env', 'env-no-export', 'powershell', 'windows-cmd'];

const fx = useEmulator({
  aws: true,
  assign: [
    ['111111111111', 'ReadOnly'],
    ['222222222222', 'Role4'],
  ],
});

async function aws(...args: string[]): Promise<string> {
  const { stdout } = await exec(AWS, args, { env: fx.env });
  return stdout;
}

async function python(script: string): Promise<string> {
  const { stdout } = await exec('python3', ['-c', script], { env: fx.env });
  return stdout;
}

async function ours(...args: string[]): Promise<string> {
  const r = await run(args, fx.env);
  assert.equal(r.code, 0, describe(r));
  return r.stdout;
}

test('the AWS CLI reuses credentials ssohelper cached, and prints the same bytes in every shared format', async () => {
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
  await ours('get', 'dev');
  assert.equal(fx.emu.counters.GetRoleCredentials, 1);
  for (const format of SHARED_FORMATS) {
    assert.equal(
      await aws('configure', 'export-credentials', '--profile', 'dev', '--format', format),
      await ours('export-credentials', '--profile', 'dev', '--format', format),
      format,
    );
  }
  assert.equal(fx.emu.counters.GetRoleCredentials, 1, 'the AWS CLI fetched instead of using the shared cache');
});

test('ssohelper reuses credentials the AWS CLI cached', async () => {
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
  const theirs = await aws('configure', 'export-credentials', '--profile', 'dev');
  assert.equal(fx.emu.counters.GetRoleCredentials, 1);
  assert.ok(
    existsSync(roleFile(fx.home, '111111111111', 'ReadOnly')),
    'the AWS CLI wrote its entry under the name ssohelper computes',
  );
  assert.equal(await ours('get', 'dev'), theirs);
  assert.equal(fx.emu.counters.GetRoleCredentials, 1);
});

test('a token ssohelper refreshed is used by the AWS CLI and botocore without another refresh', async () => {
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 300, refreshable: true }));
  await ours('get', 'dev');
  assert.equal(fx.emu.counters['CreateToken:refresh_token'], 1);
  const refreshed = readFileSync(tokenFile(fx.home), 'utf8');
  await aws('configure', 'export-credentials', '--profile', 'p4');
  const arn = await python(
    'import boto3; print(boto3.Session(profile_name="p4").client("sts", region_name="eu-west-1").get_caller_identity()["Arn"])',
  );
  assert.match(arn, /assumed-role\/AWSReservedSSO_Role4_/);
  assert.equal(fx.emu.counters['CreateToken:refresh_token'], 1);
  assert.equal(readFileSync(tokenFile(fx.home), 'utf8'), refreshed);
});

test('ssohelper uses a token botocore refreshed', async () => {
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 300, refreshable: true }));
  await python('import boto3; boto3.Session(profile_name="p4").get_credentials().get_frozen_credentials()');
  assert.equal(fx.emu.counters['CreateToken:refresh_token'], 1);
  await ours('get', 'dev');
  assert.equal(
    fx.emu.counters['CreateToken:refresh_token'],
    1,
    'ssohelper refreshed again a token botocore had just refreshed',
  );
});

test('botocore, the AWS CLI and the AWS SDK for JavaScript accept credential_process = ssohelper get', async () => {
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
  appendFileSync(
    join(fx.home.dir, '.aws', 'config'),
    `\n[profile tf]\ncredential_process = ${BIN} get dev\nregion = eu-west-1\n`,
  );
  const botocoreArn = await python(
    'import boto3; print(boto3.Session(profile_name="tf").client("sts").get_caller_identity()["Arn"])',
  );
  assert.match(botocoreArn, /^arn:aws:sts::111111111111:assumed-role\/AWSReservedSSO_ReadOnly_/);
  const cliArn = JSON.parse(await aws('sts', 'get-caller-identity', '--profile', 'tf', '--output', 'json')).Arn;
  assert.equal(cliArn, botocoreArn.trim());
  const script = [
    "import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';",
    "import { fromIni } from '@aws-sdk/credential-providers';",
    "const sts = new STSClient({ region: 'eu-west-1', credentials: fromIni({ profile: 'tf' }) });",
    'console.log((await sts.send(new GetCallerIdentityCommand({}))).Arn);',
  ].join('\n');
  const { stdout } = await exec(NODE, ['--input-type=module', '-e', script], { env: fx.env, cwd: ROOT });
  assert.equal(stdout.trim(), botocoreArn.trim());
  assert.equal(
    fx.emu.counters.GetRoleCredentials,
    1,
    'every consumer should have been served from the one cached entry',
  );
  assert.equal(readdirSync(fx.home.roleCacheDir).filter((f) => f.endsWith('.json')).length, 1);
});
