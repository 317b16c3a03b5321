import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Emulator } from '../emulator/server.ts';
import { makeHome, seedRole, seedToken, standardConfig } from '../helpers/home.ts';
import { BIN, cleanEnv, collect, describe, requireBinary, run } from '../helpers/run.ts';

let emu: Emulator;
before(async () => {
  requireBinary();
  emu = await Emulator.start();
});
after(() => emu.stop());

const accountsDir = (dir: string) => join(dir, '.aws', 'ssohelper', 'accounts');

test('list shows every profile offline: kind, account, role, session, cached time left', async () => {
  const config = `${standardConfig()}\n[profile chained]\nrole_arn = arn:aws:iam::444444444444:role/Deploy\nsource_profile = dev\n[profile tool]\ncredential_process = /bin/true\n[profile login-only]\nsso_session = corp\n[profile broken]\nregion = eu-west-1\n`;
  const home = makeHome(config);
  await seedRole(home, '111111111111', 'ReadOnly', {
    accessKeyId: 'ASIAEXAMPLE',
    secretAccessKey: 's',
    sessionToken: 't',
    expiration: new Date(Date.now() + 50 * 60_000),
  });
  // The portal is unreachable: nothing may ask it.
  const env = cleanEnv(home.dir, 'http://127.0.0.1:9');
  const r = await run(['list'], env);
  assert.equal(r.code, 0, describe(r));
  const lines = r.stdout.split('\n');
  assert.match(lines[0] ?? '', /^PROFILE +KIND +ACCOUNT +ROLE +SSO SESSION +CREDENTIALS$/);
  assert.match(r.stdout, /^dev +sso +111111111111 +ReadOnly +corp +(49|50)m \d\ds left$/m);
  assert.match(r.stdout, /^legacy +sso +111111111111 +ReadOnly +https:\/\/corp\.awsapps\.com\/start$/m);
  assert.match(r.stdout, /^chained +role chain +444444444444 +Deploy$/m);
  assert.match(r.stdout, /^tool +process$/m);
  assert.match(r.stdout, /^login-only +login only +corp$/m);
  assert.match(r.stdout, /^broken +invalid$/m);
  assert.match(r.stdout, /\nInvalid:\n {2}broken: profile "broken" has no credentials/);
  const json = JSON.parse((await run(['list', '--output', 'json'], env)).stdout);
  assert.deepEqual(
    json.profiles.find((p: { name: string }) => p.name === 'p5'),
    {
      name: 'p5',
      kind: 'sso',
      accountId: '222222222222',
      roleName: 'Role5',
      ssoSession: 'corp',
      startUrl: 'https://corp.awsapps.com/start',
      expiresAt: null,
      secondsLeft: null,
      problem: null,
    },
  );
  assert.equal(json.profiles.length, 14);
  assert.equal(json.profiles.find((p: { name: string }) => p.name === 'dev').secondsLeft > 2900, true);
  // --sso-session keeps that session's profiles (not the legacy one keyed by start URL).
  const corp = JSON.parse((await run(['list', '--sso-session', 'corp', '--output', 'json'], env)).stdout);
  assert.deepEqual(
    corp.profiles.map((p: { name: string }) => p.name),
    ['dev', 'login-only', 'p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'],
  );
  const misuse = await run(['list', '--refresh'], env);
  assert.equal(misuse.code, 2, describe(misuse));
  assert.match(misuse.stderr, /list: --refresh applies to --remote only/);
});

test('list --remote lists accounts and roles with their profiles, kept 24 h, refreshed on demand', async () => {
  const home = makeHome();
  await seedToken(home, emu.issueSession({ ttlSeconds: 3600 }));
  const env = cleanEnv(home.dir, emu.url);
  const before = emu.counters.ListAccounts ?? 0;
  const text = await run(['list', '--remote', '--sso-session', 'corp'], env);
  assert.equal(text.code, 0, describe(text));
  assert.equal(
    text.stdout,
    [
      'ACCOUNT ID    ACCOUNT NAME  ROLE                 PROFILES',
      '111111111111  dev           AdministratorAccess',
      '111111111111  dev           ReadOnly             dev',
      '222222222222  prod          ReadOnly',
      '333333333333  sandbox       AdministratorAccess',
      '333333333333  sandbox       PowerUserAccess',
      '333333333333  sandbox       ReadOnly',
      '',
    ].join('\n'),
  );
  assert.equal(text.stderr, '', 'nothing on a pipe: no progress line');
  const listed = (emu.counters.ListAccounts ?? 0) - before;
  assert.ok(listed >= 2, 'the emulator pages by 2, so three accounts take two pages');
  const [file] = readdirSync(accountsDir(home.dir));
  assert.equal(statSync(join(accountsDir(home.dir), file as string)).mode & 0o777, 0o600);
  assert.equal(statSync(accountsDir(home.dir)).mode & 0o777, 0o700);

  // Kept: the second listing asks nothing, even with the portal gone.
  const json = JSON.parse(
    (await run(['list', '--remote', '--profile', 'dev', '--output', 'json'], cleanEnv(home.dir, 'http://127.0.0.1:9')))
      .stdout,
  );
  assert.deepEqual(json.accounts[0], {
    accountId: '111111111111',
    accountName: 'dev',
    emailAddress: 'dev@example.com',
    roles: ['AdministratorAccess', 'ReadOnly'],
    profiles: { AdministratorAccess: [], ReadOnly: ['dev'] },
  });
  assert.equal((emu.counters.ListAccounts ?? 0) - before, listed);
  const refreshed = await run(['list', '--remote', '--refresh'], { ...env, AWS_PROFILE: 'dev' });
  assert.equal(refreshed.code, 0, describe(refreshed));
  assert.equal((emu.counters.ListAccounts ?? 0) - before, 2 * listed, '--refresh asks the portal');

  // --output config proposes nothing for a role that already has a profile (dev = 111/ReadOnly).
  const config = await run(['list', '--output', 'config'], { ...env, AWS_PROFILE: 'dev' });
  assert.match(
    config.stdout,
    /^\[profile dev\.administratoraccess\]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n\n/,
  );
  assert.equal(config.stdout.match(/^\[profile /gm)?.length, 5);
  assert.doesNotMatch(config.stdout, /sso_account_id = 111111111111\nsso_role_name = ReadOnly/);
});

test('a kept listing that is old, from the future, planted or malformed is not used', async () => {
  const home = makeHome();
  await seedToken(home, emu.issueSession({ ttlSeconds: 3600 }));
  const env = cleanEnv(home.dir, emu.url);
  assert.equal((await run(['list', '--remote', '--sso-session', 'corp'], env)).code, 0);
  const path = join(accountsDir(home.dir), readdirSync(accountsDir(home.dir))[0] as string);
  const good = JSON.parse(readFileSync(path, 'utf8'));
  const variants: Array<[string, string]> = [
    [
      'a day and a minute old',
      JSON.stringify({ ...good, listedAt: new Date(Date.now() - 24 * 3_600_000 - 60_000).toISOString() }),
    ],
    ['dated an hour ahead', JSON.stringify({ ...good, listedAt: new Date(Date.now() + 3_600_000).toISOString() })],
    ['for another portal', JSON.stringify({ ...good, startUrl: 'https://other.awsapps.com/start' })],
    [
      'with an escape code in a name',
      JSON.stringify({
        ...good,
        accounts: [{ accountId: '111111111111', accountName: 'x\u001b[2J', roles: ['ReadOnly'] }],
      }),
    ],
    [
      'with a bad role name',
      JSON.stringify({ ...good, accounts: [{ accountId: '111111111111', roles: ['Read Only\n[profile x]'] }] }),
    ],
    ['not JSON', '{'],
  ];
  for (const [what, text] of variants) {
    writeFileSync(path, text);
    const before = emu.counters.ListAccounts ?? 0;
    const r = await run(['list', '--remote', '--sso-session', 'corp'], env);
    assert.equal(r.code, 0, describe(r));
    assert.ok((emu.counters.ListAccounts ?? 0) > before, `a listing ${what} is listed again`);
    assert.match(r.stdout, /^333333333333 +sandbox +PowerUserAccess$/m, what);
  }
  // Writable by others: refused with a warning, listed again.
  chmodSync(path, 0o666);
  const before = emu.counters.ListAccounts ?? 0;
  const r = await run(['list', '--remote', '--sso-session', 'corp'], env);
  assert.equal(r.code, 0, describe(r));
  assert.match(r.stderr, /warning: ignoring account listing .*: it .*writ/);
  assert.ok((emu.counters.ListAccounts ?? 0) > before);
  assert.equal(statSync(path).mode & 0o777, 0o600, 'replaced by a private file');
});

test('list --remote without a login exits 4 with the login command and offers --login', async () => {
  const home = makeHome();
  const r = await run(['list', '--remote', '--sso-session', 'corp'], cleanEnv(home.dir, emu.url));
  assert.equal(r.code, 4, describe(r));
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /run: ssohelper login --sso-session corp .*\n {2}or run: ssohelper list --remote --login \(logs in first\)\n$/,
  );
  const sync = await run(['sync', '--sso-session', 'corp'], cleanEnv(home.dir, emu.url));
  assert.equal(sync.code, 4, describe(sync));
  assert.match(sync.stderr, /or run: ssohelper sync --login \(logs in first\)/);
});

test('list --remote after the session was revoked server-side exits 4 with the login command, not an internal error', async () => {
  const home = makeHome();
  const session = emu.issueSession({ ttlSeconds: 3600 });
  await seedToken(home, session);
  emu.revoke(session.accessToken);
  const r = await run(['list', '--remote', '--sso-session', 'corp'], cleanEnv(home.dir, emu.url));
  assert.equal(r.code, 4, describe(r));
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /no longer valid/);
  assert.match(r.stderr, /run: ssohelper login --sso-session corp/);
  assert.doesNotMatch(r.stderr, /internal error/);
});

test('on a terminal the listing shows one line of progress, removed when done; on a pipe nothing', async () => {
  const home = makeHome();
  await seedToken(home, emu.issueSession({ ttlSeconds: 3600 }));
  const env = cleanEnv(home.dir, emu.url, { TERM: 'xterm' });
  const shown = await collect(
    spawn('/usr/bin/script', ['-qec', `'${BIN}' list --remote --sso-session corp`, '/dev/null'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  assert.equal(shown.code, 0, describe(shown));
  assert.match(shown.stdout, /\rlisting accounts 0\/3\x1b\[K/);
  assert.match(shown.stdout, /\rlisting accounts 3\/3[^\r]*\x1b\[K\r\x1b\[KACCOUNT ID/);
  const dumb = await collect(
    spawn('/usr/bin/script', ['-qec', `'${BIN}' list --remote --refresh --sso-session corp`, '/dev/null'], {
      env: { ...env, TERM: 'dumb' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  assert.doesNotMatch(dumb.stdout, /\x1b|listing accounts/);
  const piped = await run(['list', '--remote', '--refresh', '--sso-session', 'corp'], env);
  assert.equal(piped.stderr, '');
});

test('a logout removes the kept listing of its session', async () => {
  const home = makeHome();
  await seedToken(home, emu.issueSession({ ttlSeconds: 3600 }));
  const env = cleanEnv(home.dir, emu.url);
  assert.equal((await run(['list', '--remote', '--sso-session', 'corp'], env)).code, 0);
  assert.equal(readdirSync(accountsDir(home.dir)).length, 1);
  const r = await run(['logout', '--sso-session', 'corp'], env);
  assert.equal(r.code, 0, describe(r));
  assert.deepEqual(readdirSync(accountsDir(home.dir)), []);
});
