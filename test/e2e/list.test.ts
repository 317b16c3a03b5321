import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Emulator } from '../emulator/server.ts';
import { makeHome, seedToken } from '../helpers/home.ts';
import { cleanEnv, describe, requireBinary, run } from '../helpers/run.ts';

let emu: Emulator;
before(async () => {
  requireBinary();
  emu = await Emulator.start();
});
after(() => emu.stop());

test('list shows every account and role across pages, as text, JSON and config sections', async () => {
  const home = makeHome();
  await seedToken(home, emu.issueSession({ ttlSeconds: 3600 }));
  const env = cleanEnv(home.dir, emu.url);
  const text = await run(['list', '--sso-session', 'corp'], env);
  assert.equal(text.code, 0, describe(text));
  assert.equal(
    text.stdout,
    [
      'ACCOUNT ID    ACCOUNT NAME  ROLE',
      '111111111111  dev           AdministratorAccess',
      '111111111111  dev           ReadOnly',
      '222222222222  prod          ReadOnly',
      '333333333333  sandbox       AdministratorAccess',
      '333333333333  sandbox       PowerUserAccess',
      '333333333333  sandbox       ReadOnly',
      '',
    ].join('\n'),
  );
  assert.ok(emu.counters.ListAccounts >= 2, 'the emulator pages by 2, so three accounts take two pages');
  const json = JSON.parse((await run(['list', '--profile', 'dev', '--output', 'json'], env)).stdout);
  assert.deepEqual(json.accounts[1], { accountId: '222222222222', accountName: 'prod', emailAddress: 'prod@example.com', roles: ['ReadOnly'] });
  const config = await run(['list', '--output', 'config'], { ...env, AWS_PROFILE: 'dev' });
  // Named as sync names them, and never after a profile the config already has ("dev").
  assert.match(config.stdout, /^\[profile dev\.administratoraccess\]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n\n/);
  assert.equal(config.stdout.match(/^\[profile /gm)?.length, 6);
});

test('list without a login exits 4 with the login command', async () => {
  const home = makeHome();
  const r = await run(['list', '--sso-session', 'corp'], cleanEnv(home.dir, emu.url));
  assert.equal(r.code, 4, describe(r));
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /run: ssohelper login --sso-session corp/);
});

test('list after the session was revoked server-side exits 4 with the login command, not an internal error', async () => {
  const home = makeHome();
  const session = emu.issueSession({ ttlSeconds: 3600 });
  await seedToken(home, session);
  emu.revoke(session.accessToken);
  const r = await run(['list', '--sso-session', 'corp'], cleanEnv(home.dir, emu.url));
  assert.equal(r.code, 4, describe(r));
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /no longer valid/);
  assert.match(r.stderr, /run: ssohelper login --sso-session corp/);
  assert.doesNotMatch(r.stderr, /internal error/);
});
