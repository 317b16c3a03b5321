// `doctor` and `status --check`: every check provoked once, against the built executable and
// the emulator (the portal's Date header for the clock check).
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { useEmulator } from '../helpers/fixture.ts';
import { seedToken, standardConfig, tokenFile } from '../helpers/home.ts';
import { describe, expectFailure, run, type RunResult } from '../helpers/run.ts';

// The standard profiles without the legacy one, whose session would need a login of its own.
const fx = useEmulator({ config: () => standardConfig().replace(/\[profile legacy\][^[]*/, '') });

/** A PATH holding only a fake `aws` that prints `version`, or nothing at all. */
function pathWith(version: string | undefined): string {
  const dir = join(fx.home.dir, version === undefined ? 'emptybin' : 'fakebin');
  mkdirSync(dir, { recursive: true });
  if (version !== undefined) {
    writeFileSync(join(dir, 'aws'), `#!/bin/sh\necho '${version}' >&2\n`);
    chmodSync(join(dir, 'aws'), 0o755);
  }
  return dir;
}

/** Without an AWS CLI on PATH unless asked: the real one takes seconds to say its version. */
async function doctor(extraEnv: Record<string, string> = {}, ...args: string[]): Promise<RunResult> {
  return run(['doctor', ...args], { ...fx.env, PATH: pathWith(undefined), ...extraEnv });
}

function lines(r: RunResult): string[] {
  return r.stdout.split('\n');
}

test('a healthy set-up: every line ✓ (warnings allowed), exit 0, and the same as JSON', async () => {
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
  const r = await doctor({ PATH: '/usr/bin' });
  assert.equal(r.code, 0, describe(r));
  assert.match(r.stdout, /^✓ .*config parses: 9 profiles, 1 sso-session$/m);
  assert.match(r.stdout, /^✓ no static keys shadow an SSO profile/m);
  assert.match(r.stdout, /^✓ 9 SSO profiles complete and consistent$/m);
  assert.match(r.stdout, /^✓ sso-session corp: logged in, (59m \d\ds|1h 00m) left, renews itself$/m);
  assert.match(r.stdout, /^✓ clock within \d+s of the portal's$/m);
  assert.match(r.stdout, /^✓ cache directories and 1 cache files are private to you$/m);
  assert.match(r.stdout, /^✓ AWS CLI 2\.\d+\.\d+ \(\/usr\/bin\/aws\) shares ssohelper's caches/m);
  assert.match(r.stdout, /^✓ no proxy or custom CA configured/m);
  assert.match(r.stdout, /\nNo problems found\.\n$/);
  const json = JSON.parse((await doctor({ PATH: '/usr/bin' }, '--output', 'json')).stdout);
  assert.equal(json.ok, true);
  assert.ok(
    json.checks.every((c: { status: string }) => c.status === 'ok'),
    JSON.stringify(json.checks),
  );
});

test('problems in the files: a line that does not parse, duplicate generated sections', async () => {
  writeFileSync(fx.home.configFile, '[profile a]\nregion = x\nthis is not a setting\n');
  let r = await doctor();
  assert.equal(r.code, 1, describe(r));
  assert.match(
    r.stdout,
    /^✗ .*config, line 3: cannot parse "this is not a setting": expected key = value\n {4}fix: fix that line/m,
  );
  const sections =
    '[profile acct-000-readonly]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n';
  writeFileSync(
    fx.home.configFile,
    `[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\n${sections}\n${sections}`,
  );
  r = await doctor();
  assert.equal(r.code, 1, describe(r));
  assert.match(
    r.stdout,
    /^✗ duplicate section \[profile acct-000-readonly\] in .* at lines 5 and 10: the AWS CLI and every SDK refuse the whole file\n {4}fix: delete all but one copy/m,
  );
  assert.doesNotMatch(r.stdout, /appears twice/, 'said once, as a duplicate');
});

test('static keys that shadow an SSO profile: in the credentials file and in the environment', async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  const credentials = join(fx.home.dir, '.aws', 'credentials');
  writeFileSync(
    credentials,
    '[dev]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = notshown\n[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = x\n',
  );
  const r = await doctor({ AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'envsecret' });
  assert.equal(r.code, 1, describe(r));
  assert.match(
    r.stdout,
    new RegExp(
      `^✗ ${credentials} \\[dev\\] holds aws_access_key_id, aws_secret_access_key, which .* use instead of the SSO settings of profile "dev"\\n {4}fix: delete aws_access_key_id, aws_secret_access_key from \\[dev\\] in ${credentials}$`,
      'm',
    ),
  );
  assert.doesNotMatch(r.stdout, /\[other\]/, 'keys of a non-SSO profile are fine');
  assert.match(
    r.stdout,
    /^✗ AWS_ACCESS_KEY_ID is set in the environment.*\n {4}fix: unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY$/m,
  );
  assert.doesNotMatch(r.stdout, /notshown|envsecret|AKIAENV/, 'no secret is printed');
});

test('profiles: missing keys, inconsistent values, a source_profile loop, a missing source_profile', async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  writeFileSync(
    fx.home.configFile,
    [
      '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n',
      '[profile half]\nsso_session = corp\nsso_account_id = 111111111111\n',
      '[profile mixed]\nsso_session = corp\nsso_start_url = https://elsewhere.awsapps.com/start\nsso_account_id = 111111111111\nsso_role_name = R\n',
      '[profile a]\nrole_arn = arn:aws:iam::111111111111:role/x\nsource_profile = b\n',
      '[profile b]\nrole_arn = arn:aws:iam::111111111111:role/y\nsource_profile = a\n',
      '[profile c]\nrole_arn = arn:aws:iam::111111111111:role/z\nsource_profile = hafl\n',
    ].join('\n'),
  );
  const r = await doctor();
  assert.equal(r.code, 1, describe(r));
  assert.match(
    r.stdout,
    /^✗ profile "half" is configured to use SSO but is missing required configuration: sso_role_name/m,
  );
  assert.match(r.stdout, /^✗ the value for sso_start_url is inconsistent between profile "mixed"/m);
  assert.match(r.stdout, /^✗ source_profile loop: a -> b -> a$/m);
  assert.equal(r.stdout.match(/source_profile loop/g)?.length, 1, 'one loop, said once');
  assert.match(r.stdout, /^✗ profile "c" has source_profile = hafl, which does not exist: did you mean "half"\?/m);
});

test('sessions: not logged in, expired without renewal, rejected by the portal, and renewal warnings', async () => {
  let r = await doctor();
  assert.match(r.stdout, /^✗ sso-session corp: not logged in\n {4}fix: ssohelper login --sso-session corp$/m);
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: -120, refreshable: false }));
  r = await doctor();
  assert.match(
    r.stdout,
    /^✗ sso-session corp: expired 2m \d\ds ago and cannot renew itself\n {4}fix: ssohelper login --sso-session corp$/m,
  );
  const issued = fx.emu.issueSession({ ttlSeconds: 7200, refreshable: false });
  await seedToken(fx.home, issued);
  r = await doctor();
  assert.match(r.stdout, /^! sso-session corp: logged in, (1h 59m|2h 00m) left, cannot renew itself/m);
  fx.emu.revoke(issued.accessToken);
  r = await doctor();
  assert.equal(r.code, 1, describe(r));
  assert.match(
    r.stdout,
    /^✗ sso-session corp: the portal rejects the cached token \(signed out elsewhere, or revoked\)\n {4}fix: ssohelper login --sso-session corp$/m,
  );
});

test('caches: a token file others can read, a cache directory others can write', async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  chmodSync(tokenFile(fx.home), 0o644);
  chmodSync(fx.home.ssoCacheDir, 0o777);
  const r = await doctor();
  assert.equal(r.code, 1, describe(r));
  assert.match(
    r.stdout,
    new RegExp(
      `^✗ ${tokenFile(fx.home)} is readable or writable by others \\(mode 0644\\): it holds secrets\\n {4}fix: chmod 600 `,
      'm',
    ),
  );
  assert.match(r.stdout, new RegExp(`^✗ ${fx.home.ssoCacheDir} is writable by everyone \\(mode 0777\\)`, 'm'));
});

/** Seconds in a `10m 01s` duration. */
function seconds(text: string): number {
  const m = /^(\d+)m (\d\d)s$/.exec(text);
  assert.ok(m, `not a minutes-and-seconds duration: ${text}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * doctor against a portal whose Date header is `skew` seconds off. The header has whole seconds
 * and the run takes time, so the measured difference is the set skew plus up to the run's own
 * duration (+1 s for the header's truncation): the bounds come from this run, not a guess.
 */
async function doctorWithSkew(skew: number): Promise<{ r: RunResult; low: number; high: number }> {
  fx.emu.setKnobs({ dateSkewSeconds: skew });
  const t0 = Date.now();
  const r = await doctor();
  const slack = Math.ceil((Date.now() - t0) / 1000) + 1;
  return { r, low: Math.abs(skew) - (skew > 0 ? slack : 0), high: Math.abs(skew) + (skew < 0 ? slack : 0) };
}

test("clock: more than 5 minutes off the portal's Date header", async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  const ahead = await doctorWithSkew(-600);
  assert.equal(ahead.r.code, 1, describe(ahead.r));
  const bad =
    /^✗ this computer's clock is (\d+m \d\ds) ahead of the portal \(http:\/\/127\.0\.0\.1:\d+\): tokens will look expired/m.exec(
      ahead.r.stdout,
    );
  assert.ok(bad, describe(ahead.r));
  const off = seconds(bad[1] as string);
  assert.ok(off >= ahead.low && off <= ahead.high, `${bad[1]} is not ${ahead.low}..${ahead.high} s`);
  const near = await doctorWithSkew(120);
  const good = /^✓ clock within (\d+m \d\ds) of the portal's$/m.exec(near.r.stdout);
  assert.ok(good, describe(near.r));
  const within = seconds(good[1] as string);
  assert.ok(within >= near.low && within <= near.high, `${good[1]} is not ${near.low}..${near.high} s`);
});

test('AWS CLI v1 first on PATH, none at all; proxy and CA settings by name, without credentials', async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  let r = await doctor({ PATH: pathWith('aws-cli/1.45.11 Python/3.12.3 Linux/6.1 botocore/1.37.11') });
  assert.equal(r.code, 0, describe(r));
  assert.match(
    r.stdout,
    /^! the AWS CLI on PATH is v1 \(1\.45\.11, .*fakebin\/aws\): it reads SSO profiles and the shared caches, but has no `aws sso login`/m,
  );
  assert.match(r.stdout, /No problems found \(1 warning\)\./);
  r = await doctor();
  assert.match(r.stdout, /^✓ no AWS CLI on PATH/m);
  r = await doctor({
    HTTPS_PROXY: 'http://alice:s3cret@127.0.0.1:3128',
    NO_PROXY: '127.0.0.1',
    AWS_CA_BUNDLE: join(fx.home.dir, 'missing.pem'),
  });
  assert.equal(r.code, 1, describe(r));
  assert.match(
    r.stdout,
    /^✓ proxy in effect: HTTPS_PROXY -> 127\.0\.0\.1:3128 \(with credentials, not shown\) \(NO_PROXY: 127\.0\.0\.1\); not used for http:\/\/127\.0\.0\.1:\d+ \(NO_PROXY\)$/m,
  );
  assert.match(r.stdout, /^✗ AWS_CA_BUNDLE names .*missing\.pem, which cannot be read: TLS to AWS will fail$/m);
  assert.doesNotMatch(r.stdout, /alice|s3cret/);
});

test('doctor PROFILE checks that profile and its session; an unknown one gets a suggestion', async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  const r = await doctor({}, 'dev');
  assert.equal(r.code, 0, describe(r));
  assert.match(r.stdout, /^✓ 1 SSO profile complete and consistent$/m);
  assert.match(r.stdout, /^✓ sso-session corp: logged in/m);
  expectFailure(await doctor({}, 'dve'), 3, /profile "dve" not found in .*: did you mean "dev"\?/);
  assert.ok(lines(r).length > 5);
});

test('status --check exits 4 while a configured session needs a login, 0 after', async () => {
  let r = await run(['status', '--check'], fx.env);
  expectFailure(r, 4, /^ssohelper: sso-session corp needs a login: ssohelper login --sso-session corp$/m);
  const session = fx.emu.issueSession();
  await seedToken(fx.home, session);
  const asked = fx.emu.counters.ListAccounts ?? 0;
  r = await run(['status', '--check'], fx.env);
  assert.equal(r.code, 0, describe(r));
  assert.equal(r.stdout, '');
  assert.ok((fx.emu.counters.ListAccounts ?? 0) > asked, 'the portal was asked');
  r = await run(['status', '--check', '--output', 'json'], fx.env);
  assert.equal(r.code, 0, describe(r));
  assert.equal(JSON.parse(r.stdout).version, 1);
  // The portal unreachable: the cache's verdict stands, with a warning.
  r = await run(['status', '--check'], { ...fx.env, AWS_ENDPOINT_URL_SSO: 'http://127.0.0.1:9' });
  assert.equal(r.code, 0, describe(r));
  assert.match(r.stderr, /warning: could not ask the portal about sso-session "corp" .*; going by the cache/);
  // Revoked by an administrator: the cache still says an hour left, the portal says no.
  fx.emu.revoke(session.accessToken);
  r = await run(['status', '--check'], fx.env);
  expectFailure(
    r,
    4,
    /^ssohelper: the SSO session for sso-session "corp" is no longer valid \(it was revoked or has ended\): ssohelper login --sso-session corp$/m,
  );
});

test('an unreachable portal, sign-in or STS endpoint is a problem (exit 1) naming the setting it came from', async () => {
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
  const healthy = await doctor();
  assert.match(healthy.stdout, /^✓ the portal \(sso\) answers at http:\/\/127\.0\.0\.1:\d+$/m);
  assert.match(healthy.stdout, /^✓ sign-in \(OIDC\) answers at /m);
  assert.match(healthy.stdout, /^✓ STS answers at /m);
  // Port 9 (discard): nothing listens there on a test machine, so connecting is refused.
  const dead = 'http://127.0.0.1:9';
  for (const [variable, what] of [
    ['AWS_ENDPOINT_URL_SSO', 'the portal \\(sso\\)'],
    ['AWS_ENDPOINT_URL_SSO_OIDC', 'sign-in \\(OIDC\\)'],
    ['AWS_ENDPOINT_URL_STS', 'STS'],
  ] as const) {
    const r = await doctor({ [variable]: dead });
    assert.equal(r.code, 1, describe(r));
    assert.match(
      r.stdout,
      new RegExp(
        `^✗ ${what} at http://127\\.0\\.0\\.1:9 \\(from ${variable}\\) cannot be reached: cannot connect to 127\\.0\\.0\\.1:9: the connection was refused$`,
        'm',
      ),
      variable,
    );
  }
});
