// exec, exec --server and console go through the same credential path as get, so a role chain
// on top of SSO works in all three.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe as suite, test } from 'node:test';
import { useEmulator } from '../helpers/fixture.ts';
import { SESSION, seedToken, standardConfig } from '../helpers/home.ts';
import { describe, ROOT, run } from '../helpers/run.ts';

const DEPLOY = 'arn:aws:iam::333333333333:role/Deploy';
const config = () =>
  `${standardConfig()}\n[profile dev-sso]\nsso_session = ${SESSION}\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n\n[profile deploy]\nrole_arn = ${DEPLOY}\nsource_profile = dev-sso\nregion = eu-west-2\n`;
const fx = useEmulator({ assign: [['111111111111', 'ReadOnly']], config });

async function login() {
  fx.emu.defineRole(DEPLOY, { trust: ['111111111111'] });
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
}

suite('a role chain under exec and console', () => {
  test('exec (keys) and exec --server (the JS SDK in the job) get the chained role', async () => {
    await login();
    const keys = await run(
      ['exec', 'deploy', '--', process.execPath, '-e', 'process.stdout.write(JSON.stringify(process.env))'],
      fx.env,
    );
    assert.equal(keys.code, 0, describe(keys));
    const env = JSON.parse(keys.stdout) as Record<string, string>;
    assert.match(env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
    assert.equal(env.AWS_REGION, 'eu-west-2');
    assert.equal(env.SSOHELPER_PROFILE, 'deploy');
    const served = await run(
      [
        'exec',
        'deploy',
        '--server',
        '--',
        process.execPath,
        join(ROOT, 'test', 'helpers', 'children', 'jsSdkIdentity.ts'),
      ],
      fx.env,
    );
    assert.equal(served.code, 0, describe(served));
    assert.match(
      (JSON.parse(served.stdout) as { arns: string[] }).arns[0] ?? '',
      /^arn:aws:sts::333333333333:assumed-role\/Deploy\//,
    );
  });

  test('long-term keys: in the environment as they are; --server refuses them with the fix', async () => {
    const { appendFileSync } = await import('node:fs');
    appendFileSync(
      fx.home.configFile,
      '\n[profile static]\naws_access_key_id = AKIAEXAMPLEKEY000001\naws_secret_access_key = c2VjcmV0\n',
    );
    const r = await run(
      ['exec', 'static', '--', process.execPath, '-e', 'process.stdout.write(JSON.stringify(process.env))'],
      fx.env,
    );
    assert.equal(r.code, 0, describe(r));
    const env = JSON.parse(r.stdout) as Record<string, string>;
    assert.equal(env.AWS_ACCESS_KEY_ID, 'AKIAEXAMPLEKEY000001');
    assert.equal(env.AWS_SESSION_TOKEN, undefined);
    const served = await run(['exec', 'static', '--server', '--', 'true'], fx.env);
    assert.equal(served.code, 3, describe(served));
    assert.match(
      served.stderr,
      /profile "static" has long-term keys, which the credential endpoint cannot serve[^\n]*\n {2}long-term keys do not expire: run `ssohelper exec static -- …` without --server/,
    );
  });

  test("console signs in with the chained role's session credentials", async () => {
    await login();
    const r = await run(['console', 'deploy', '--print'], { ...fx.env, AWS_ENDPOINT_URL_SIGNIN: fx.emu.url });
    assert.equal(r.code, 0, describe(r));
    assert.match(
      r.stdout,
      /Destination=https%3A%2F%2Feu-west-2\.console\.aws\.amazon\.com%2Fconsole%2Fhome%3Fregion%3Deu-west-2&SigninToken=/,
    );
    assert.equal(fx.emu.counters.GetSigninToken, 1);
  });
});
