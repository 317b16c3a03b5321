// `ssohelper logout`, as `aws sso logout` behaves: tokens revoked and deleted, SSO role
// credentials deleted, registrations and other tools' entries kept; or one session only.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe as suite, test } from 'node:test';
import { GetRoleCredentialsCommand, SSOClient } from '@aws-sdk/client-sso';
import { scriptedBrowser } from '../helpers/browser.ts';
import { roleFile, SESSION, seedToken, standardConfig, tokenFile } from '../helpers/home.ts';
import { describe, run, type RunResult } from '../helpers/run.ts';
import { useEmulator } from '../helpers/fixture.ts';

const OTHER = `[sso-session other]\nsso_start_url = https://other.awsapps.com/start\nsso_region = us-east-1\n[profile o1]\nsso_session = other\nsso_account_id = 222222222222\nsso_role_name = ReadOnly\n`;

const fx = useEmulator({
  assign: [
    ['111111111111', 'ReadOnly'],
    ['111111111111', 'Role0'],
    ['222222222222', 'ReadOnly'],
  ],
  config: () => `${standardConfig()}\n${OTHER}`,
});

function ok(r: RunResult): RunResult {
  assert.equal(r.code, 0, describe(r));
  assert.equal(r.stdout, '');
  return r;
}

async function stillAccepted(accessToken: string): Promise<boolean> {
  const client = new SSOClient({ region: 'eu-west-1', endpoint: fx.emu.url, maxAttempts: 1 });
  try {
    await client.send(new GetRoleCredentialsCommand({ accessToken, accountId: '111111111111', roleName: 'ReadOnly' }));
    return true;
  } catch (err) {
    if ((err as Error).name === 'UnauthorizedException') return false;
    throw err;
  }
}

/** Files another tool keeps in the same directories; logout must leave them alone. */
function foreignFiles(): string[] {
  mkdirSync(fx.home.roleCacheDir, { recursive: true });
  const assumeRole = join(fx.home.roleCacheDir, 'assume-role-entry.json');
  writeFileSync(
    assumeRole,
    '{"Credentials": {"AccessKeyId": "ASIAX", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2099-01-01T00:00:00Z"}, "AssumedRoleUser": {}}',
  );
  const db = join(fx.home.roleCacheDir, 'session.db');
  writeFileSync(db, 'SQLite format 3\u0000');
  return [assumeRole, db];
}

suite('logout', () => {
  test('login → get → logout → get fails with exit 4; token revoked, registration kept', async () => {
    ok(await run(['login', '--sso-session', SESSION], { ...fx.env, ...scriptedBrowser(fx.home.dir).env() }));
    assert.equal((await run(['get', 'dev'], fx.env)).code, 0);
    const { accessToken } = JSON.parse(readFileSync(tokenFile(fx.home), 'utf8'));
    const registrations = readdirSync(fx.home.ssoCacheDir).filter(
      (f) => join(fx.home.ssoCacheDir, f) !== tokenFile(fx.home),
    );
    assert.equal(registrations.length, 1);
    const foreign = foreignFiles();

    const r = ok(await run(['logout'], fx.env));
    assert.match(
      r.stderr,
      /^ssohelper: logged out of sso-session corp\nssohelper: 1 cached role credential removed; client registrations kept\n$/,
    );
    assert.equal(fx.emu.counters.Logout, 1);
    assert.equal(await stillAccepted(accessToken), false, 'the service revoked the token');
    assert.equal(existsSync(tokenFile(fx.home)), false);
    assert.equal(existsSync(roleFile(fx.home, '111111111111', 'ReadOnly')), false);
    assert.deepEqual(readdirSync(fx.home.ssoCacheDir), registrations);
    for (const f of foreign) assert.equal(existsSync(f), true, f);

    const after = await run(['get', 'dev'], fx.env);
    assert.equal(after.code, 4, describe(after));
    assert.equal(after.stdout, '');
    assert.match(
      after.stderr,
      /no SSO login found for sso-session "corp" \(profile "dev"\)\n {2}run: ssohelper login --sso-session corp/,
    );
  });

  test('--sso-session ends that session only, with the role credentials of its profiles', async () => {
    const corp = await seedToken(fx.home, fx.emu.issueSession());
    const other = fx.emu.issueSession();
    await seedToken(fx.home, other, 'other');
    for (const p of ['dev', 'p0', 'o1']) assert.equal((await run(['get', p], fx.env)).code, 0, p);

    const r = ok(await run(['logout', '--sso-session', SESSION], fx.env));
    assert.match(r.stderr, /logged out of sso-session "corp"\nssohelper: 2 cached role credentials removed/);
    assert.equal(await stillAccepted(corp.accessToken), false);
    assert.equal(await stillAccepted(other.accessToken), true);
    assert.equal(existsSync(tokenFile(fx.home)), false);
    assert.equal(existsSync(tokenFile(fx.home, 'other')), true);
    assert.equal(existsSync(roleFile(fx.home, '111111111111', 'ReadOnly')), false);
    assert.equal(existsSync(roleFile(fx.home, '111111111111', 'Role0')), false);
    assert.equal(existsSync(roleFile(fx.home, '222222222222', 'ReadOnly', 'other')), true);
    assert.equal((await run(['get', 'o1'], fx.env)).code, 0);
  });

  test('a failing Logout API or an expired token does not stop the cleanup; nothing to do is fine', async () => {
    await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: -10 }));
    fx.emu.failNext('Logout', 500, 5);
    ok(await run(['logout'], fx.env));
    assert.equal(fx.emu.counters.Logout, 1);
    assert.equal(existsSync(tokenFile(fx.home)), false);
    const again = ok(await run(['logout'], fx.env));
    assert.match(again.stderr, /no SSO login to end; 0 cached role credentials removed/);
    const named = await run(['logout', '--sso-session', 'nope'], fx.env);
    assert.equal(named.code, 3, describe(named));
  });
});
