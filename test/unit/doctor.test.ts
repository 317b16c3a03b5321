import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIni } from '../../src/config/ini.ts';
import { buildConfig } from '../../src/config/model.ts';
import {
  awsCandidates,
  checkAwsCli,
  checkCacheModes,
  checkClock,
  checkFiles,
  checkNetwork,
  checkProfiles,
  checkSessions,
  checkShadowing,
  duplicateSections,
} from '../../src/doctor/checks.ts';
import { doctorJson, renderDoctor } from '../../src/doctor/render.ts';

const config = (text: string) => buildConfig(parseIni(text), new Map(), { configFile: 'c', credentialsFile: 'k' });

test('duplicate sections are found with every line, commented headers ignored', () => {
  assert.deepEqual(duplicateSections('[a]\nx=1\n# [a]\n[b]\n[a]\r\n[b]\n'), [
    { header: 'a', lines: [1, 5] },
    { header: 'b', lines: [4, 6] },
  ]);
  const { checks, config: parsed } = checkFiles({
    configFile: 'c',
    credentialsFile: 'k',
    configText: '[a]\n[a]\n',
    credentialsText: undefined,
  });
  assert.equal(parsed, undefined);
  assert.deepEqual(
    checks.map((c) => c.verdict),
    ['fail'],
    'the duplicate is reported once, not again as a parse error',
  );
  const missing = checkFiles({
    configFile: 'c',
    credentialsFile: 'k',
    configText: undefined,
    credentialsText: undefined,
  });
  assert.match(missing.checks[0]?.fix ?? '', /ssohelper init/);
});

test('source_profile: a loop is reported once, a profile sourcing itself with keys is fine', () => {
  const c = config(
    '[profile a]\nsource_profile = b\nrole_arn = x\n[profile b]\nsource_profile = c\nrole_arn = y\n[profile c]\nsource_profile = a\nrole_arn = z\n[profile self]\nsource_profile = self\naws_access_key_id = A\naws_secret_access_key = B\nrole_arn = r\n',
  );
  const checks = checkProfiles(c, {}, undefined);
  assert.deepEqual(
    checks.map((x) => x.message),
    ['source_profile loop: a -> b -> c -> a'],
  );
});

test('sessions: verdicts for each state; sessions only the cache knows are left out', () => {
  const base = {
    startUrl: 'u',
    region: 'r',
    cacheFile: null,
    expiresAt: null,
    registrationExpiresAt: null,
    loginNeededBy: null,
    endsAt: null,
    loginCommand: 'ssohelper login --sso-session s',
  };
  const verdicts = checkSessions([
    {
      ...base,
      sessionName: 's',
      profiles: [],
      loggedIn: true,
      secondsLeft: -10,
      expired: true,
      refreshable: true,
      loginRequired: false,
    },
    {
      ...base,
      sessionName: 't',
      profiles: [],
      loggedIn: true,
      secondsLeft: 600,
      expired: false,
      refreshable: false,
      loginRequired: false,
    },
    {
      ...base,
      sessionName: null,
      profiles: [],
      loggedIn: false,
      secondsLeft: null,
      expired: false,
      refreshable: false,
      loginRequired: true,
    },
  ]).map((c) => c.verdict);
  assert.deepEqual(verdicts, ['ok', 'warn']);
});

test('cache modes: group-writable directories and readable files fail; Windows is not judged by modes', () => {
  const entries = [
    { path: '/h/.aws/sso/cache', isDir: true, mode: 0o40755, uid: 1 },
    { path: '/h/.aws/cli/cache', isDir: true, mode: 0o40775, uid: 1 },
    { path: '/h/.aws/sso/cache/t.json', isDir: false, mode: 0o100600, uid: 1 },
    { path: '/h/.aws/sso/cache/u.json', isDir: false, mode: 0o100640, uid: 1 },
    { path: '/h/.aws/sso/cache/v.json', isDir: false, mode: 0o100600, uid: 2 },
  ];
  assert.deepEqual(
    checkCacheModes(entries, 1, 'linux').map((c) => c.fix),
    [
      'chmod 700 /h/.aws/cli/cache',
      'chmod 600 /h/.aws/sso/cache/u.json',
      'sudo chown $(id -u) /h/.aws/sso/cache/v.json',
    ],
  );
  assert.deepEqual(
    checkCacheModes(entries, undefined, 'win32').map((c) => c.verdict),
    ['ok'],
  );
});

test('clock: 5 minutes is the limit, either way', () => {
  const at = (skewMs: number) =>
    checkClock({ endpoint: 'e', portalDate: 1_000_000_000, localNow: 1_000_000_000 + skewMs })[0]?.verdict;
  assert.equal(at(5 * 60_000), 'ok');
  assert.equal(at(5 * 60_000 + 1000), 'fail');
  assert.equal(at(-6 * 60_000), 'fail');
  assert.equal(checkClock(undefined)[0]?.verdict, 'warn');
});

test('the AWS CLI: v1, v2, unknown output; where it is looked for on each platform', () => {
  assert.equal(
    checkAwsCli({ path: '/x/aws', versionLine: 'aws-cli/2.22.1 Python/3.12.6 Linux/6.1 exe/x86_64' })[0]?.verdict,
    'ok',
  );
  assert.equal(checkAwsCli({ path: '/x/aws', versionLine: 'aws-cli/1.45.11 Python/3.12.3' })[0]?.verdict, 'warn');
  assert.equal(checkAwsCli({ path: '/x/aws', versionLine: 'something else' })[0]?.verdict, 'warn');
  assert.equal(checkAwsCli(undefined)[0]?.verdict, 'ok');
  assert.deepEqual(awsCandidates({ PATH: '/usr/local/bin:/usr/bin/' }, 'linux'), [
    '/usr/local/bin/aws',
    '/usr/bin/aws',
  ]);
  assert.deepEqual(
    awsCandidates({ Path: 'C:\\Program Files\\Amazon\\AWSCLIV2\\;C:\\bin', PATHEXT: '.EXE;.CMD' }, 'win32'),
    [
      'C:\\Program Files\\Amazon\\AWSCLIV2\\aws.exe',
      'C:\\Program Files\\Amazon\\AWSCLIV2\\aws.cmd',
      'C:\\bin\\aws.exe',
      'C:\\bin\\aws.cmd',
    ],
  );
});

test('network: errors fail, exempt portals are said so, nothing set is fine', () => {
  const checks = checkNetwork({
    proxies: [{ name: 'HTTPS_PROXY', target: 'p:3128' }],
    noProxy: '.corp',
    portal: { url: 'https://portal.corp', proxied: false },
    caBundles: [{ name: 'AWS_CA_BUNDLE', path: '/x.pem', readable: false }],
    errors: [{ message: 'bad', fix: 'fix it' }],
  });
  assert.deepEqual(
    checks.map((c) => c.verdict),
    ['fail', 'ok', 'fail'],
  );
  assert.match(checks[1]?.message ?? '', /not used for https:\/\/portal\.corp \(NO_PROXY\)/);
  assert.equal(checkNetwork({ proxies: [], noProxy: undefined, caBundles: [], errors: [] })[0]?.verdict, 'ok');
});

test('rendering: marks, fixes only under problems, a summary line; JSON says ok only without failures', () => {
  const checks = [
    { area: 'a', verdict: 'ok' as const, message: 'fine', fix: 'never shown' },
    { area: 'b', verdict: 'warn' as const, message: 'hmm', fix: 'look' },
    { area: 'c', verdict: 'fail' as const, message: 'bad', fix: 'do this' },
  ];
  assert.equal(
    renderDoctor(checks),
    '✓ fine\n! hmm\n    fix: look\n✗ bad\n    fix: do this\n\n1 problem found, 1 warning.\n',
  );
  assert.equal(renderDoctor(checks.slice(0, 2)), '✓ fine\n! hmm\n    fix: look\n\nNo problems found (1 warning).\n');
  const json = JSON.parse(doctorJson(checks));
  assert.equal(json.ok, false);
  assert.deepEqual(json.checks[2], { area: 'c', status: 'fail', message: 'bad', fix: 'do this' });
});

test("keys in the environment: ours are fine while they last and name a profile; anyone else's shadow SSO", () => {
  const c = config('[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = R\n');
  const now = Date.parse('2026-12-05T00:00:00Z');
  const ours = { AWS_ACCESS_KEY_ID: 'ASIA1', SSOHELPER_PROFILE: 'dev', SSOHELPER_EXPIRES: String(now / 1000 + 3120) };
  const verdicts = (env: Record<string, string>) =>
    checkShadowing(c, env, undefined, now).map((x) => `${x.verdict} ${x.message}`);
  assert.deepEqual(verdicts(ours), ['ok this shell holds keys of profile "dev" from ssohelper (52m left)']);
  assert.match(
    verdicts({ ...ours, SSOHELPER_EXPIRES: String(now / 1000 - 1) })[0] ?? '',
    /^warn this shell holds expired keys of profile "dev"/,
  );
  assert.match(verdicts({ ...ours, SSOHELPER_PROFILE: 'gone' })[0] ?? '', /^warn .*profile "gone", which is not in c/);
  assert.match(verdicts({ AWS_ACCESS_KEY_ID: 'AKIA1' })[0] ?? '', /^fail AWS_ACCESS_KEY_ID is set in the environment/);
});
