// What sync writes is read by the real peers: the AWS CLI lists the generated profiles and
// gets credentials through one; botocore parses the file and signs a call with another.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { AWS, useEmulator } from '../helpers/fixture.ts';
import { SESSION, SSO_REGION, START_URL, seedToken } from '../helpers/home.ts';
import { addCollidingAccounts, PROD_EU } from '../helpers/org.ts';
import { describe, run } from '../helpers/run.ts';

const exec = promisify(execFile);
const USER = `# mine\n[profile mine]\nregion = eu-west-3\r\n\n[sso-session ${SESSION}]\nsso_start_url = ${START_URL}\nsso_region = ${SSO_REGION}\nsso_registration_scopes = sso:account:access\n`;
const fx = useEmulator({ aws: true, config: () => USER });

test('the AWS CLI and botocore read every generated profile and get working credentials through them', async () => {
  addCollidingAccounts(fx.emu);
  await seedToken(fx.home, fx.emu.issueSession());
  const r = await run(['sync', '--region', 'eu-west-1'], fx.env);
  assert.equal(r.code, 0, describe(r));
  const generated = [...readFileSync(fx.home.configFile, 'utf8').matchAll(/^\[profile ([^\]]+)\]/gm)]
    .map((m) => m[1] as string)
    .filter((n) => n !== 'mine');
  assert.equal(generated.length, 9);

  const { stdout: listed } = await exec(AWS, ['configure', 'list-profiles'], { env: fx.env });
  assert.deepEqual(listed.split('\n').filter(Boolean).sort(), ['mine', ...generated].sort());

  const { stdout: exported } = await exec(
    AWS,
    ['configure', 'export-credentials', '--profile', `prod-eu.readonly-${PROD_EU}`],
    { env: fx.env },
  );
  assert.match(JSON.parse(exported).AccessKeyId, /^ASIA/);

  const script = [
    'import boto3, botocore.session, json',
    's = botocore.session.Session()',
    'profiles = s.full_config["profiles"]',
    'print(json.dumps({"names": sorted(profiles), "p": profiles["sandbox.poweruseraccess"]}))',
    'print(boto3.Session(profile_name="sandbox.poweruseraccess").client("sts").get_caller_identity()["Arn"])',
  ].join('\n');
  const { stdout } = await exec('python3', ['-c', script], { env: fx.env });
  const [json, arn] = stdout.trim().split('\n');
  const parsed = JSON.parse(json as string);
  assert.deepEqual(parsed.names, ['mine', ...generated].sort());
  assert.deepEqual(parsed.p, {
    sso_session: SESSION,
    sso_account_id: '333333333333',
    sso_role_name: 'PowerUserAccess',
    region: 'eu-west-1',
  });
  assert.match(arn as string, /^arn:aws:sts::333333333333:assumed-role\/AWSReservedSSO_PowerUserAccess_/);
});
