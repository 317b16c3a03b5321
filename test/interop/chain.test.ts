// Role chains and the other profile kinds next to the real AWS CLI (/usr/bin/aws 2.9.19) on the
// same HOME: each reuses the other's assume-role cache entry, and export-credentials prints the
// same bytes for static-key and credential_process profiles.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { assumeRoleCachePath } from '../../src/cache/assumeRole.ts';
import { seedToken, START_URL, SSO_REGION } from '../helpers/home.ts';
import { describe, run } from '../helpers/run.ts';
import { AWS, useEmulator } from '../helpers/fixture.ts';

const exec = promisify(execFile);
const SHARED_FORMATS = ['process', 'env', 'env-no-export', 'powershell', 'windows-cmd'];
const DEPLOY = 'arn:aws:iam::333333333333:role/Deploy';

// CLI 2.9.19 crashes when source_profile is an sso-session profile, so the chain starts from a
// legacy SSO profile, which it supports.
function config(): string {
  return [
    `[profile legacy]\nsso_start_url = ${START_URL}\nsso_region = ${SSO_REGION}\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n`,
    `[profile deploy]\nrole_arn = ${DEPLOY}\nsource_profile = legacy\nregion = eu-west-2\n`,
    `[profile deploy-ext]\nrole_arn = ${DEPLOY}\nsource_profile = legacy\nexternal_id = x-1\nduration_seconds = 1800\nrole_session_name = shared\n`,
  ].join('\n');
}

const fx = useEmulator({ aws: true, assign: [['111111111111', 'ReadOnly']], config });

async function aws(...args: string[]): Promise<string> {
  const { stdout } = await exec(AWS, args, { env: fx.env });
  return stdout;
}

async function ours(...args: string[]): Promise<string> {
  const r = await run(args, fx.env);
  assert.equal(r.code, 0, describe(r));
  return r.stdout;
}

async function login() {
  fx.emu.defineRole(DEPLOY, { trust: ['111111111111'], externalId: undefined });
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }), START_URL);
}

test('the AWS CLI reuses the assumed role ssohelper cached, without calling AssumeRole', async () => {
  await login();
  await ours('get', 'deploy');
  assert.equal(fx.emu.counters.AssumeRole, 1);
  for (const format of SHARED_FORMATS) {
    assert.equal(
      await aws('configure', 'export-credentials', '--profile', 'deploy', '--format', format),
      await ours('export-credentials', '--profile', 'deploy', '--format', format),
      format,
    );
  }
  const arn = JSON.parse(await aws('sts', 'get-caller-identity', '--profile', 'deploy', '--output', 'json')).Arn;
  assert.match(arn, /^arn:aws:sts::333333333333:assumed-role\/Deploy\/botocore-session-\d+$/);
  assert.equal(fx.emu.counters.AssumeRole, 1, 'the AWS CLI assumed the role again instead of using the shared cache');
  assert.equal(fx.emu.counters.GetRoleCredentials, 1);
});

test('ssohelper reuses the assumed role the AWS CLI cached, with external_id, duration_seconds and role_session_name in the key', async () => {
  fx.emu.defineRole(DEPLOY, { trust: ['111111111111'] });
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }), START_URL);
  const theirs = await aws('configure', 'export-credentials', '--profile', 'deploy-ext');
  assert.equal(fx.emu.counters.AssumeRole, 1);
  assert.ok(
    existsSync(
      assumeRoleCachePath(fx.home.roleCacheDir, {
        roleArn: DEPLOY,
        roleSessionName: 'shared',
        externalId: 'x-1',
        durationSeconds: 1800,
      }),
    ),
    'the AWS CLI wrote its entry under the name ssohelper computes',
  );
  assert.equal(await ours('get', 'deploy-ext'), theirs);
  assert.equal(fx.emu.counters.AssumeRole, 1);
  // Reusing the role's entry, ssohelper did not need the source hop either.
  assert.equal(fx.emu.counters.GetRoleCredentials, 1);
});

test('export-credentials is byte-identical with the AWS CLI for static-key and credential_process profiles', async () => {
  const helper = join(fx.home.dir, 'helper.sh');
  writeFileSync(helper, '#!/bin/sh\nprintf \'%s\\n\' "$2"\n');
  chmodSync(helper, 0o755);
  writeFileSync(
    join(fx.home.dir, '.aws', 'credentials'),
    '[keys]\naws_access_key_id = AKIAEXAMPLEKEYS01\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n[session]\naws_access_key_id = ASIAEXAMPLESESS01\naws_secret_access_key = c2VjcmV0+/=\naws_session_token = FwoGZXIvYXdzEXAMPLE==\n',
  );
  const documents = {
    proc: '{"Version": 1, "AccessKeyId": "AKIAPROCESS01", "SecretAccessKey": "cHJvY2Vzcw=="}',
    'proc-session':
      '{"Version": 1, "AccessKeyId": "ASIAPROCESS02", "SecretAccessKey": "cHJvY2Vzcw==", "SessionToken": "dG9rZW4=", "Expiration": "2099-01-02T03:04:05Z"}',
    'proc-offset':
      '{"Version": 1, "AccessKeyId": "ASIAPROCESS03", "SecretAccessKey": "cHJvY2Vzcw==", "SessionToken": "dG9rZW4=", "Expiration": "2099-01-02T03:04:05.5+02:00"}',
  };
  let profiles = '\n[profile inline]\naws_access_key_id = AKIAINLINE0000001\naws_secret_access_key = aW5saW5l\n';
  for (const [name, doc] of Object.entries(documents))
    profiles += `[profile ${name}]\ncredential_process = ${helper} "a b" '${doc}'\n`;
  appendFileSync(join(fx.home.dir, '.aws', 'config'), profiles);
  // Every format where token and expiration vary; the one JSON document elsewhere (the AWS CLI
  // takes seconds per run).
  for (const profile of ['keys', 'session', 'inline', ...Object.keys(documents)]) {
    for (const format of profile === 'session' || profile === 'proc-offset' ? SHARED_FORMATS : ['process']) {
      const expected = await aws('configure', 'export-credentials', '--profile', profile, '--format', format);
      assert.equal(
        await ours('export-credentials', '--profile', profile, '--format', format),
        expected,
        `${profile} ${format}`,
      );
    }
  }
});

test('without --profile, keys in the environment win over AWS_PROFILE, as in the AWS CLI', async () => {
  appendFileSync(
    join(fx.home.dir, '.aws', 'config'),
    '\n[profile inline]\naws_access_key_id = AKIAINLINE0000001\naws_secret_access_key = aW5saW5l\n',
  );
  const env = {
    ...fx.env,
    AWS_PROFILE: 'inline',
    AWS_ACCESS_KEY_ID: 'ASIAENVIRONMENT01',
    AWS_SECRET_ACCESS_KEY: 'ZW52',
    AWS_SESSION_TOKEN: 'dG9rZW4=',
    AWS_CREDENTIAL_EXPIRATION: '2099-01-02T03:04:05Z',
  };
  for (const format of ['process', 'env']) {
    const { stdout: expected } = await exec(AWS, ['configure', 'export-credentials', '--format', format], { env });
    const r = await run(['export-credentials', '--format', format], env);
    assert.equal(r.stdout, expected, `${format}: ${describe(r)}`);
  }
  const { stdout: named } = await exec(AWS, ['configure', 'export-credentials', '--profile', 'inline'], { env });
  assert.equal((await run(['export-credentials', '--profile', 'inline'], env)).stdout, named);
});
