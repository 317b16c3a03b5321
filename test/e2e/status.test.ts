// `ssohelper status`: the right times for every session and cached credential, a readable table
// and stable JSON, and not one byte changed on disk.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { roleFile, SESSION, seedRole, seedToken, START_URL, tokenFile } from '../helpers/home.ts';
import { describe, run, type RunResult } from '../helpers/run.ts';
import { useEmulator } from '../helpers/fixture.ts';

const fx = useEmulator();

interface Report {
  version: number;
  now: string;
  sessions: Array<Record<string, unknown>>;
  roleCredentials: Array<Record<string, unknown>>;
}

function json(r: RunResult): Report {
  assert.equal(r.code, 0, describe(r));
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout);
}

/** Every file under HOME with its size and mtime: status must not change any of it. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const s = statSync(join(dir, name));
    out.push(`${name} ${s.size} ${s.mtimeMs}`);
  }
  return out.sort();
}

const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

test('reports each session and credential with the right times, and changes nothing', async () => {
  const now = Date.now();
  // Seconds-exact expiries, as the cache stores them.
  const tokenExpiry = Math.floor(now / 1000) * 1000 + 2 * 3_600_000;
  const registrationExpiry = tokenExpiry + 30 * 86_400_000;
  await seedToken(fx.home, {
    ...fx.emu.issueSession(),
    expiresAt: new Date(tokenExpiry),
    registrationExpiresAt: new Date(registrationExpiry),
  });
  // A legacy login that expired ten minutes ago and cannot be refreshed (no refresh token).
  const legacyExpiry = Math.floor(now / 1000) * 1000 - 600_000;
  const legacy = fx.emu.issueSession({ refreshable: false });
  await seedToken(fx.home, { ...legacy, expiresAt: new Date(legacyExpiry) }, START_URL);
  const roleExpiry = Math.floor(now / 1000) * 1000 + 45 * 60_000;
  await seedRole(fx.home, '111111111111', 'ReadOnly', {
    accessKeyId: 'ASIAEXAMPLE',
    secretAccessKey: 's',
    sessionToken: 't',
    expiration: new Date(roleExpiry),
  });
  const before = snapshot(fx.home.dir);

  const t0 = Date.now();
  const report = json(await run(['status', '--output', 'json'], fx.env));
  const t1 = Date.now();
  assert.equal(report.version, 1);
  const [corp, legacySession] = report.sessions;
  assert.ok(corp && legacySession);
  assert.deepEqual(
    { ...corp, secondsLeft: undefined, profiles: undefined },
    {
      sessionName: SESSION,
      startUrl: START_URL,
      region: 'eu-west-1',
      profiles: undefined,
      cacheFile: tokenFile(fx.home),
      loggedIn: true,
      expiresAt: iso(tokenExpiry),
      secondsLeft: undefined,
      expired: false,
      refreshable: true,
      registrationExpiresAt: iso(registrationExpiry),
      loginRequired: false,
      loginNeededBy: iso(registrationExpiry),
      endsAt: 'identity-center',
      loginCommand: 'ssohelper login --sso-session corp',
    },
  );
  assert.ok((corp.profiles as string[]).includes('dev'));
  const left = corp.secondsLeft as number;
  assert.ok(
    left <= Math.floor((tokenExpiry - t0) / 1000) && left >= Math.floor((tokenExpiry - t1) / 1000),
    `secondsLeft ${left}`,
  );
  assert.equal(legacySession.sessionName, null);
  assert.deepEqual(legacySession.profiles, ['legacy']);
  assert.equal(legacySession.expiresAt, iso(legacyExpiry));
  assert.ok((legacySession.secondsLeft as number) <= -600);
  assert.equal(legacySession.refreshable, false);
  assert.equal(legacySession.loginRequired, true);
  assert.equal(legacySession.loginCommand, 'ssohelper login --profile legacy');

  assert.equal(report.roleCredentials.length, 1);
  const role = report.roleCredentials[0];
  assert.deepEqual(role?.profiles, ['dev']);
  assert.equal(role?.roleName, 'ReadOnly');
  assert.equal(role?.expiresAt, iso(roleExpiry));
  const roleLeft = role?.secondsLeft as number;
  assert.ok(roleLeft <= Math.floor((roleExpiry - t0) / 1000) && roleLeft >= Math.floor((roleExpiry - t1) / 1000));

  const text = await run(['status'], fx.env);
  assert.equal(text.code, 0, describe(text));
  assert.match(text.stdout, /^SSO sessions\n {2}SESSION +START URL +REGION +TOKEN +NEXT LOGIN +REGISTRATION\n/);
  assert.match(
    text.stdout,
    /\n {2}corp +https:\/\/corp\.awsapps\.com\/start +eu-west-1 +1h \d\dm left, renews +at session end \* +until \d{4}-\d\d-\d\d\n/,
  );
  assert.match(
    text.stdout,
    /\n {2}\(profile legacy\) +https:\/\/corp\.awsapps\.com\/start +eu-west-1 +expired 1\dm \d\ds ago +now: ssohelper login --profile legacy\n/,
  );
  assert.match(
    text.stdout,
    /\nCached role credentials\n {2}PROFILE +ACCOUNT +ROLE +VALID FOR +EXPIRES\n {2}dev +111111111111 +ReadOnly +\d\dm \d\ds +\d{4}-\d\d-\d\d \d\d:\d\d UTC\n/,
  );

  assert.deepEqual(snapshot(fx.home.dir), before, 'status wrote nothing');
  assert.equal(existsSync(join(fx.home.dir, '.aws', 'ssohelper')), false, 'no lock directory either');
  assert.equal(fx.emu.counters.CreateToken + fx.emu.counters.GetRoleCredentials, 0);
});

test('an expiring refreshable token is reported, not refreshed; PROFILE narrows the report', async () => {
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 60 }));
  const tokenBytes = readFileSync(tokenFile(fx.home), 'utf8');
  const report = json(await run(['status', 'dev', '--output', 'json'], fx.env));
  assert.equal(report.sessions.length, 1);
  assert.equal(report.sessions[0]?.sessionName, SESSION);
  assert.ok((report.sessions[0]?.secondsLeft as number) <= 60);
  assert.equal(report.roleCredentials.length, 0);
  assert.equal(readFileSync(tokenFile(fx.home), 'utf8'), tokenBytes);
  assert.equal(fx.emu.counters.CreateToken, 0);
  assert.equal(existsSync(roleFile(fx.home, '111111111111', 'ReadOnly')), false);
});

test('nothing logged in: every configured session says how to log in; bad arguments are usage errors', async () => {
  const text = await run(['status'], fx.env);
  assert.equal(text.code, 0, describe(text));
  assert.match(
    text.stdout,
    /corp +https:\/\/corp\.awsapps\.com\/start +eu-west-1 +not logged in +now: ssohelper login --sso-session corp/,
  );
  assert.match(text.stdout, /Cached role credentials: none/);
  const bad = await run(['status', '--output', 'yaml'], fx.env);
  assert.equal(bad.code, 2, describe(bad));
  const missing = await run(['status', 'nope'], fx.env);
  assert.equal(missing.code, 3, describe(missing));
});

test('no sso-session anywhere: status says how to set one up with init', async () => {
  const empty = join(fx.home.dir, 'empty-config');
  writeFileSync(empty, '[profile static]\nregion = eu-west-1\n');
  const r = await run(['status'], { ...fx.env, AWS_CONFIG_FILE: empty });
  assert.equal(r.code, 0, describe(r));
  assert.match(
    r.stdout,
    /SSO sessions: none configured or cached \(set one up: ssohelper init --start-url URL --sso-region REGION\)/,
  );
});
