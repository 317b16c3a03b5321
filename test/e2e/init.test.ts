// `init` from nothing: an empty HOME, a login through a scripted browser, and working profiles
// at the end; what it refuses; and the messages that point a new user to it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scriptedBrowser } from '../helpers/browser.ts';
import { useEmulator } from '../helpers/fixture.ts';
import { seedToken, SESSION, SSO_REGION, START_URL } from '../helpers/home.ts';
import { BIN, cleanEnv, collect, describe, expectFailure, processJson, run } from '../helpers/run.ts';
import { callerIdentity } from '../helpers/sts.ts';
import { tempDir } from '../helpers/temp.ts';

const fx = useEmulator();

test('init from an empty HOME: writes the sso-session, logs in through the browser, syncs, and the profiles work', async () => {
  const home = tempDir('ssohelper-empty-');
  try {
    const browser = scriptedBrowser(home);
    const env = { ...cleanEnv(home, fx.emu.url), ...browser.env() };
    const r = await run(
      [
        'init',
        '--start-url',
        'https://my-org.awsapps.com/start',
        '--sso-region',
        'eu-west-1',
        '--region',
        'eu-central-1',
      ],
      env,
    );
    assert.equal(r.code, 0, describe(r));
    assert.equal(browser.opened().length, 1, 'one browser login');
    assert.match(
      r.stderr,
      /wrote to .*config:\n {2}\[sso-session my-org\]\n {2}sso_start_url = https:\/\/my-org\.awsapps\.com\/start\n {2}sso_region = eu-west-1\n {2}sso_registration_scopes = sso:account:access\n/,
    );
    assert.match(r.stderr, /logged in to https:\/\/my-org\.awsapps\.com\/start/);
    assert.match(
      r.stderr,
      /sso-session my-org: 6 profiles for 3 accounts written to ~\/\.aws\/config \(6 added\)\n {2}next: ssohelper use dev\.administratoraccess /,
    );
    assert.doesNotMatch(r.stderr, /^ {2}\+ /m, 'no line per profile without --verbose');
    const configFile = join(home, '.aws', 'config');
    const text = readFileSync(configFile, 'utf8');
    assert.ok(
      text.startsWith(
        '[sso-session my-org]\nsso_start_url = https://my-org.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n\n# BEGIN ssohelper sync --sso-session my-org',
      ),
      text,
    );
    assert.equal(statSync(configFile).mode & 0o777, 0o600);
    assert.equal(statSync(join(home, '.aws')).mode & 0o777, 0o700);
    const creds = processJson(await run(['get', 'prod.readonly'], env));
    const who = await callerIdentity(fx.emu.url, creds);
    assert.equal(who.Account, '222222222222');

    // Again: nothing to write, no new login, the file unchanged.
    const again = await run(
      ['init', '--start-url', 'https://my-org.awsapps.com/start', '--sso-region', 'eu-west-1'],
      env,
    );
    assert.equal(again.code, 0, describe(again));
    assert.match(again.stderr, /\[sso-session my-org\] in .* is already set up/);
    assert.match(again.stderr, /already logged in/);
    assert.equal(readFileSync(configFile, 'utf8'), text);
    assert.equal(browser.opened().length, 1);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('init refuses to overwrite a different sso-session of the same name, and writes nothing', async () => {
  const before = readFileSync(fx.home.configFile, 'utf8');
  const r = await run(
    ['init', '--start-url', 'https://other.awsapps.com/start', '--sso-region', 'us-east-1', '--sso-session', SESSION],
    fx.env,
  );
  expectFailure(
    r,
    3,
    /already has a different \[sso-session corp\] \(https:\/\/corp\.awsapps\.com\/start, eu-west-1\); not overwriting it/,
  );
  assert.equal(readFileSync(fx.home.configFile, 'utf8'), before);
  expectFailure(
    await run(['init', '--start-url', 'not a url', '--sso-region', 'us-east-1'], fx.env),
    2,
    /is not a URL like/,
  );
  expectFailure(
    await run(['init', '--start-url', START_URL], fx.env),
    2,
    /--start-url and --sso-region are both required/,
  );
});

test('init reuses an sso-session already set up for the portal and syncs it', async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  const r = await run(['init', '--start-url', START_URL, '--sso-region', SSO_REGION], fx.env);
  assert.equal(r.code, 0, describe(r));
  assert.match(r.stderr, /\[sso-session corp\] in .* is already set up/);
  assert.match(readFileSync(fx.home.configFile, 'utf8'), /# BEGIN ssohelper sync --sso-session corp/);
});

test('with no config, messages point to init, and --help shows a minimal config', async () => {
  writeFileSync(fx.home.configFile, '');
  for (const args of [['get', 'dev'], ['login'], ['list']]) {
    const r = await run(args, fx.env);
    assert.equal(r.code, 3, describe(r));
    assert.match(r.stderr, /create it: ssohelper init --start-url URL --sso-region REGION/, args.join(' '));
  }
  const help = await run(['--help'], fx.env);
  assert.match(
    help.stdout,
    /ssohelper init --start-url https:\/\/my-org\.awsapps\.com\/start \\\n +--sso-region eu-west-1\n/,
  );
  assert.match(
    help.stdout,
    / {2}\[sso-session my-org\]\n {2}sso_start_url = https:\/\/my-org\.awsapps\.com\/start\n {2}sso_region = eu-west-1\n/,
  );
});

test('did you mean: commands, options, profiles and sso-sessions', async () => {
  const cases: Array<[string[], number, RegExp]> = [
    [['sycn'], 2, /unknown command "sycn": did you mean "sync"\?/],
    [['lgoin'], 2, /unknown command "lgoin": did you mean "login"\?/],
    [['help', 'staus'], 2, /unknown command "staus": did you mean "status"\?/],
    [['sync', '--prnue'], 2, /unknown option --prnue: did you mean "--prune"\?/],
    [['get', 'dve'], 3, /profile "dve" not found in .*: did you mean "dev"\?/],
    [['env', '--profile', 'p12'], 3, /profile "p12" not found in .*: did you mean "p1" or "p2"/],
    [['status', 'legacyy'], 3, /did you mean "legacy"\?/],
    [['login', '--sso-session', 'crop'], 3, /sso-session "crop" does not exist in .*: did you mean "corp"\?/],
    [['list', '--sso-session', 'corpp'], 3, /did you mean "corp"\?/],
  ];
  for (const [args, code, message] of cases) expectFailure(await run(args, fx.env), code, message);
});

test('login and list with nothing named use the only sso-session; with several they list them', async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  const list = await run(['list', '--remote'], fx.env);
  assert.equal(list.code, 0, describe(list));
  assert.match(list.stdout, /333333333333 {2}sandbox/);
  writeFileSync(
    fx.home.configFile,
    `${readFileSync(fx.home.configFile, 'utf8')}\n[sso-session other]\nsso_start_url = https://other.awsapps.com/start\nsso_region = us-east-1\n`,
  );
  const r = await run(['login'], fx.env);
  expectFailure(
    r,
    2,
    /has 2 sso-sessions \(corp, other\); say which one\n {2}for example: ssohelper login --sso-session corp\n$/,
  );
  const named = await run(['list', '--remote'], { ...fx.env, AWS_PROFILE: 'dev' });
  assert.equal(named.code, 0, describe(named));
});

test('init on a terminal asks for what is missing, with defaults, and checks each answer', async () => {
  const home = tempDir('ssohelper-ask-');
  const browser = scriptedBrowser(home);
  const env = { ...cleanEnv(home, fx.emu.url), ...browser.env(), TERM: 'xterm', AWS_REGION: 'eu-west-1' };
  const child = spawn('/usr/bin/script', ['-qec', `'${BIN}' init`, '/dev/null'], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let seen = '';
  const answers: Array<[RegExp, string]> = [
    [/SSO start URL \(the AWS access portal\): /, 'not a url'],
    [
      /is not a URL like https:\/\/my-org\.awsapps\.com\/start\r?\n.*SSO start URL \(the AWS access portal\): /s,
      'https://my-org.awsapps.com/start',
    ],
    [/SSO region \(where IAM Identity Center runs\) \[eu-west-1\]: /, ''],
    [/SSO session name \[my-org\]: /, ''],
  ];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    seen += d;
    const next = answers[0];
    if (next?.[0].test(seen)) {
      answers.shift();
      seen = '';
      child.stdin.write(`${next[1]}\r`);
      // After the last answer the input ends: one more question would fail, not wait.
      if (answers.length === 0) child.stdin.end();
    }
  });
  const r = await collect(child);
  assert.equal(r.code, 0, `${describe(r)}\nunanswered: ${answers.map((a) => a[0]).join(', ')}`);
  assert.equal(answers.length, 0);
  const text = readFileSync(join(home, '.aws', 'config'), 'utf8');
  assert.ok(
    text.startsWith('[sso-session my-org]\nsso_start_url = https://my-org.awsapps.com/start\nsso_region = eu-west-1\n'),
    text,
  );
  assert.equal(browser.opened().length, 1, 'then logged in');
});

test('init without a terminal and without the flags is a usage error at once, never a prompt', async () => {
  const r = await run(['init'], fx.env);
  expectFailure(
    r,
    2,
    /init: --start-url and --sso-region are both required without a terminal\n {2}on a terminal, init asks for them/,
  );
});
