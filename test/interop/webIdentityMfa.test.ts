// Web identity and MFA profiles next to the real AWS CLI (/usr/bin/aws 2.9.19) on the same
// HOME: each reuses the other's assume-role cache entry without a new STS call or a prompt, and
// export-credentials prints the same bytes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { seedToken, START_URL, SSO_REGION } from '../helpers/home.ts';
import { AWS, useEmulator } from '../helpers/fixture.ts';
import { collect, describe, run } from '../helpers/run.ts';

const CI_ROLE = 'arn:aws:iam::333333333333:role/CiDeploy';
const ADMIN = 'arn:aws:iam::333333333333:role/Admin';
const DEVICE = 'arn:aws:iam::111111111111:mfa/alice';
const CODE = '246810';
const FORMATS = ['process', 'env', 'env-no-export', 'powershell', 'windows-cmd'];

// The chain starts from a legacy SSO profile: CLI 2.9.19 crashes on an sso-session source.
function config(): string {
  return [
    `[profile legacy]\nsso_start_url = ${START_URL}\nsso_region = ${SSO_REGION}\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n`,
    `[profile ci]\nrole_arn = ${CI_ROLE}\nweb_identity_token_file = TOKEN\n`,
    `[profile ci-named]\nrole_arn = ${CI_ROLE}\nweb_identity_token_file = TOKEN\nrole_session_name = runner-7\n`,
    `[profile admin]\nrole_arn = ${ADMIN}\nsource_profile = legacy\nmfa_serial = ${DEVICE}\nduration_seconds = 1800\nmfa_process = MFA_PROCESS\n`,
  ].join('\n');
}

const fx = useEmulator({ aws: true, assign: [['111111111111', 'ReadOnly']], config });

async function setUp(): Promise<void> {
  fx.emu.defineRole(CI_ROLE, { webIdentityAudiences: ['sts.amazonaws.com'] });
  fx.emu.defineRole(ADMIN, { trust: ['111111111111'], requireMfa: true });
  fx.emu.defineMfaDevice(DEVICE, CODE);
  const token = join(fx.home.dir, 'token');
  writeFileSync(token, fx.emu.issueWebIdentityToken());
  const mfa = join(fx.home.dir, 'mfa.sh');
  writeFileSync(mfa, `#!/bin/sh\necho ${CODE}\n`);
  chmodSync(mfa, 0o755);
  writeFileSync(fx.home.configFile, config().replaceAll('= TOKEN', `= ${token}`).replace('MFA_PROCESS', mfa));
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }), START_URL);
}

/** The AWS CLI with no terminal and nothing on stdin: a prompt for an MFA code would fail it. */
async function aws(...args: string[]): Promise<string> {
  const r = await collect(spawn('setsid', ['-w', AWS, ...args], { env: fx.env, stdio: ['ignore', 'pipe', 'pipe'] }));
  assert.equal(r.code, 0, `aws ${args.join(' ')}: ${describe(r)}`);
  return r.stdout;
}

async function ours(...args: string[]): Promise<string> {
  const r = await run(args, fx.env);
  assert.equal(r.code, 0, describe(r));
  return r.stdout;
}

/** export-credentials in every format both print, byte for byte. */
async function sameAsAwsCli(profile: string): Promise<void> {
  for (const format of FORMATS) {
    assert.equal(
      await aws('configure', 'export-credentials', '--profile', profile, '--format', format),
      await ours('export-credentials', '--profile', profile, '--format', format),
      format,
    );
  }
}

test('web identity: the AWS CLI uses what ssohelper cached, byte for byte, and the reverse', async () => {
  await setUp();
  await ours('get', 'ci');
  assert.equal(fx.emu.counters.AssumeRoleWithWebIdentity, 1);
  await sameAsAwsCli('ci');
  assert.equal(
    fx.emu.counters.AssumeRoleWithWebIdentity,
    1,
    'the AWS CLI called STS instead of using the shared cache',
  );
  const theirs = await aws('configure', 'export-credentials', '--profile', 'ci-named');
  assert.equal(fx.emu.counters.AssumeRoleWithWebIdentity, 2);
  assert.equal(await ours('export-credentials', '--profile', 'ci-named'), theirs);
  assert.equal(
    fx.emu.counters.AssumeRoleWithWebIdentity,
    2,
    "ssohelper called STS instead of using the AWS CLI's entry",
  );
});

test('MFA: the AWS CLI uses the role ssohelper assumed with a code, without prompting, and the reverse', async () => {
  await setUp();
  await ours('get', 'admin');
  assert.equal(fx.emu.counters.AssumeRole, 1);
  await sameAsAwsCli('admin');
  assert.equal(fx.emu.counters.AssumeRole, 1, 'the AWS CLI assumed the role again');
  // The reverse: the AWS CLI asks (its getpass reads stdin when there is no terminal).
  rmSync(fx.home.roleCacheDir, { recursive: true });
  writeFileSync(
    fx.home.configFile,
    config()
      .replace(/\nmfa_process = .*\n/, '\n')
      .replaceAll('= TOKEN', '= /nonexistent'),
  );
  const cli = spawn('setsid', ['-w', AWS, 'configure', 'export-credentials', '--profile', 'admin'], {
    env: fx.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  cli.stdin.end(`${CODE}\n`);
  const r = await collect(cli);
  assert.equal(r.code, 0, describe(r));
  assert.equal(fx.emu.counters.AssumeRole, 2);
  const mine = await run(['export-credentials', '--profile', 'admin'], fx.env);
  assert.equal(mine.stdout, r.stdout, describe(mine));
  assert.equal(fx.emu.counters.AssumeRole, 2, 'ssohelper asked STS (or the user) again');
});
