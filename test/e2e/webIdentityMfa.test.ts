// Web identity and MFA-protected roles through the built executable against the emulator's STS:
// the shared assume-role cache under botocore's keys, single flight, the token file re-read on
// every fetch, the MFA code from mfa_process, from a prompt on the terminal (a real
// pseudo-terminal), or a quick error where there is none.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe as suite, test } from 'node:test';
import { assumeRoleCachePath } from '../../src/cache/assumeRole.ts';
import { useEmulator } from '../helpers/fixture.ts';
import { SESSION, seedToken, standardConfig } from '../helpers/home.ts';
import { BIN, collect, expectFailure, processJson, run } from '../helpers/run.ts';
import { callerIdentity } from '../helpers/sts.ts';

const CI_ROLE = 'arn:aws:iam::333333333333:role/CiDeploy';
const AUDIT = 'arn:aws:iam::444444444444:role/Audit';
const ADMIN = 'arn:aws:iam::333333333333:role/Admin';
const DEVICE = 'arn:aws:iam::111111111111:mfa/alice';
const CODE = '123456';

function config(): string {
  return [
    standardConfig(),
    `[profile ci]\nrole_arn = ${CI_ROLE}\nweb_identity_token_file = TOKEN\n`,
    `[profile ci-named]\nrole_arn = ${CI_ROLE}\nweb_identity_token_file = TOKEN\nrole_session_name = runner-7\nduration_seconds = 900\n`,
    `[profile ci-audit]\nrole_arn = ${AUDIT}\nsource_profile = ci\n`,
    `[profile ci-missing]\nrole_arn = ${CI_ROLE}\nweb_identity_token_file = /nonexistent/token\n`,
    `[profile dev-sso]\nsso_session = ${SESSION}\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n`,
    `[profile admin]\nrole_arn = ${ADMIN}\nsource_profile = dev-sso\nmfa_serial = ${DEVICE}\nduration_seconds = 1800\n`,
    `[profile admin-process]\nrole_arn = ${ADMIN}\nsource_profile = dev-sso\nmfa_serial = ${DEVICE}\nmfa_process = MFA_PROCESS\n`,
  ].join('\n');
}

const fx = useEmulator({ assign: [['111111111111', 'ReadOnly']], config });

function tokenPath(): string {
  return join(fx.home.dir, 'token');
}

/** The config with the token file and the mfa_process of this test's HOME filled in. */
function setUp(options: { processOutput?: string } = {}): { token: string; runs: string } {
  fx.emu.defineRole(CI_ROLE, { webIdentityAudiences: ['sts.amazonaws.com'] });
  fx.emu.defineRole(AUDIT, { trust: [CI_ROLE] });
  fx.emu.defineRole(ADMIN, { trust: ['111111111111'], requireMfa: true });
  fx.emu.defineMfaDevice(DEVICE, CODE);
  const token = fx.emu.issueWebIdentityToken();
  writeFileSync(tokenPath(), `${token}\n`);
  const runs = join(fx.home.dir, 'mfa-runs');
  const script = join(fx.home.dir, 'mfa.sh');
  writeFileSync(script, `#!/bin/sh\necho run >> '${runs}'\nsleep 0.2\necho '${options.processOutput ?? CODE}'\n`);
  chmodSync(script, 0o755);
  const text = readFileSync(fx.home.configFile, 'utf8')
    .replaceAll('= TOKEN', `= ${tokenPath()}`)
    .replace('MFA_PROCESS', `${script} --for alice`);
  writeFileSync(fx.home.configFile, text);
  return { token, runs };
}

function webIdentityCacheFile(roleSessionName?: string): string {
  // botocore's key for this provider: RoleArn and a configured RoleSessionName, nothing else.
  return assumeRoleCachePath(fx.home.roleCacheDir, {
    roleArn: CI_ROLE,
    roleSessionName,
    externalId: undefined,
    durationSeconds: undefined,
  });
}

function mfaCacheFile(durationSeconds: number | undefined): string {
  return assumeRoleCachePath(fx.home.roleCacheDir, {
    roleArn: ADMIN,
    roleSessionName: undefined,
    externalId: undefined,
    durationSeconds,
    serialNumber: DEVICE,
  });
}

suite('web identity', () => {
  test("the token buys credentials STS accepts, cached under botocore's key; the next call answers from the cache", async () => {
    setUp();
    const doc = processJson(await run(['get', 'ci'], fx.env));
    const identity = await callerIdentity(fx.emu.url, doc);
    assert.match(identity.Arn ?? '', /^arn:aws:sts::333333333333:assumed-role\/CiDeploy\/botocore-session-\d+$/);
    assert.equal(fx.emu.counters.AssumeRoleWithWebIdentity, 1);
    assert.ok(existsSync(webIdentityCacheFile()));
    assert.deepEqual(processJson(await run(['get', 'ci'], fx.env)), doc);
    assert.equal(fx.emu.counters.AssumeRoleWithWebIdentity, 1);
    const named = processJson(await run(['get', 'ci-named'], fx.env));
    assert.equal(
      (await callerIdentity(fx.emu.url, named)).Arn,
      'arn:aws:sts::333333333333:assumed-role/CiDeploy/runner-7',
    );
    assert.ok(
      existsSync(webIdentityCacheFile('runner-7')),
      'duration_seconds stays out of the key, as botocore sends none',
    );
    const left = Date.parse(named.Expiration) - Date.now();
    assert.ok(left > 800_000 && left <= 900_000, `duration_seconds = 900 was sent: ${named.Expiration}`);
  });

  test('the token file is read again on every fetch: a rotated token works, a stale one is refused', async () => {
    setUp();
    processJson(await run(['get', 'ci'], fx.env));
    const rotated = fx.emu.issueWebIdentityToken();
    writeFileSync(tokenPath(), rotated);
    const again = processJson(await run(['get', 'ci', '--refresh'], fx.env));
    assert.ok(again.AccessKeyId);
    assert.equal(fx.emu.counters.AssumeRoleWithWebIdentity, 2);
    writeFileSync(tokenPath(), fx.emu.issueWebIdentityToken({ ttlSeconds: -10 }));
    expectFailure(
      await run(['get', 'ci', '--refresh'], fx.env),
      5,
      new RegExp(`STS refused the web identity token in ${tokenPath()} .*ExpiredTokenException`),
    );
    writeFileSync(tokenPath(), 'eyJforged');
    expectFailure(await run(['get', 'ci', '--refresh'], fx.env), 5, /InvalidIdentityToken/);
  });

  test('a missing, empty or unreadable token file is a configuration error naming the file', async () => {
    setUp();
    expectFailure(
      await run(['get', 'ci-missing'], fx.env),
      3,
      /web identity token file of profile "ci-missing", \/nonexistent\/token, does not exist/,
    );
    writeFileSync(tokenPath(), '\n');
    expectFailure(await run(['get', 'ci'], fx.env), 3, new RegExp(`${tokenPath()}, is empty`));
    if (process.getuid?.() !== 0) {
      writeFileSync(tokenPath(), 'eyJx');
      chmodSync(tokenPath(), 0o000);
      expectFailure(await run(['get', 'ci'], fx.env), 3, new RegExp(tokenPath()));
    }
    assert.equal(fx.emu.counters.AssumeRoleWithWebIdentity, 0);
  });

  test('the environment form, without any config file; a profile named on the command line ignores it', async () => {
    setUp();
    rmSync(fx.home.configFile);
    const env = {
      ...fx.env,
      AWS_ROLE_ARN: CI_ROLE,
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenPath(),
      AWS_ROLE_SESSION_NAME: 'gha-run-1',
    };
    const doc = processJson(await run(['get'], env));
    assert.equal(
      (await callerIdentity(fx.emu.url, doc)).Arn,
      'arn:aws:sts::333333333333:assumed-role/CiDeploy/gha-run-1',
    );
    assert.ok(existsSync(webIdentityCacheFile('gha-run-1')));
    expectFailure(await run(['get', '--profile', 'default'], env), 3, /profile "default" not found/);
  });

  test("the variables override the profile's keys one by one, as in botocore", async () => {
    setUp();
    const env = { ...fx.env, AWS_PROFILE: 'ci', AWS_ROLE_SESSION_NAME: 'from-env' };
    const doc = processJson(await run(['get'], env));
    // AWS_ROLE_SESSION_NAME applies only to web identity, which the profile's token file turns on.
    assert.match(
      (await callerIdentity(fx.emu.url, doc)).Arn ?? '',
      /^arn:aws:sts::333333333333:assumed-role\/CiDeploy\/from-env$/,
    );
    expectFailure(await run(['get', 'dev-sso'], { ...env, AWS_PROFILE: 'dev-sso' }), 4, /login|sso/i);
    // With the token file too, web identity comes before the SSO settings of the profile.
    const both = { ...env, AWS_PROFILE: 'dev-sso', AWS_WEB_IDENTITY_TOKEN_FILE: tokenPath(), AWS_ROLE_ARN: CI_ROLE };
    assert.equal(
      (await callerIdentity(fx.emu.url, processJson(await run(['get'], both)))).Arn,
      'arn:aws:sts::333333333333:assumed-role/CiDeploy/from-env',
    );
  });

  test('as the source of a chain; 16 parallel cold calls make one STS call', async () => {
    setUp();
    const results = await Promise.all(Array.from({ length: 16 }, () => run(['get', 'ci-audit'], fx.env)));
    const keys = new Set(results.map((r) => processJson(r).AccessKeyId));
    assert.equal(keys.size, 1);
    assert.equal(fx.emu.counters.AssumeRoleWithWebIdentity, 1);
    assert.equal(fx.emu.counters.AssumeRole, 1);
    const identity = await callerIdentity(fx.emu.url, processJson(results[0] as never));
    assert.match(identity.Arn ?? '', /^arn:aws:sts::444444444444:assumed-role\/Audit\//);
  });
});

suite('status and doctor', () => {
  test('status shows a web identity entry without an SSO session; doctor checks token files and says where MFA codes come from', async () => {
    setUp();
    processJson(await run(['get', 'ci'], fx.env));
    const status = JSON.parse((await run(['status', 'ci', '--output', 'json'], fx.env)).stdout);
    assert.deepEqual(status.sessions, []);
    assert.deepEqual(
      status.roleCredentials.map((r: Record<string, unknown>) => [r.kind, r.profiles, r.roleArn]),
      [['assume-role', ['ci', 'ci-missing'], CI_ROLE]],
      "the token file is not in botocore's key",
    );
    const text = await run(['status'], fx.env);
    assert.match(text.stdout, /\n {2}ci, ci-missing +333333333333 +CiDeploy \(assumed\)/);
    const ci = await run(['doctor', 'ci'], fx.env);
    assert.match(ci.stdout, new RegExp(`✓ profile "ci": web identity for ${CI_ROLE}, token in ${tokenPath()}`));
    const missing = await run(['doctor', 'ci-missing'], fx.env);
    assert.equal(missing.code, 1, missing.stdout);
    assert.match(missing.stdout, /✗ profile "ci-missing": web identity token file \/nonexistent\/token does not exist/);
    const admin = await run(['doctor', 'admin'], fx.env);
    assert.match(
      admin.stdout,
      /! profile "admin": MFA code for arn:aws:iam::111111111111:mfa\/alice is asked for on the terminal/,
    );
    assert.match(
      (await run(['doctor', 'admin-process'], fx.env)).stdout,
      /✓ profile "admin-process": MFA code for arn:aws:iam::111111111111:mfa\/alice from mfa_process/,
    );
  });
});

async function login() {
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
}

/** Runs the executable in a new session: no controlling terminal, stdin a pipe. */
function withoutTerminal(args: string[]) {
  return collect(spawn('setsid', ['-w', BIN, ...args], { env: fx.env, stdio: ['pipe', 'pipe', 'pipe'] }));
}

suite('MFA', () => {
  test("mfa_process gives the code: SerialNumber in botocore's key, duration_seconds honoured, one run for a herd of 8", async () => {
    const { runs } = setUp();
    await login();
    const results = await Promise.all(Array.from({ length: 8 }, () => run(['get', 'admin-process'], fx.env)));
    assert.equal(new Set(results.map((r) => processJson(r).AccessKeyId)).size, 1);
    assert.equal(readFileSync(runs, 'utf8'), 'run\n');
    assert.equal(fx.emu.counters.AssumeRole, 1);
    assert.ok(existsSync(mfaCacheFile(undefined)));
    assert.match(
      (await callerIdentity(fx.emu.url, processJson(results[0] as never))).Arn ?? '',
      /assumed-role\/Admin\//,
    );
  });

  test('a wrong code is reported as such and not retried; output that is no code is refused before STS', async () => {
    setUp({ processOutput: '654321' });
    await login();
    expectFailure(
      await run(['get', 'admin-process'], fx.env),
      5,
      /STS refused the MFA code for arn:aws:iam::111111111111:mfa\/alice .*invalid MFA one time pass code/,
    );
    assert.equal(fx.emu.counters.AssumeRole, 1);
    setUp({ processOutput: 'Enter code:' });
    expectFailure(
      await run(['get', 'admin-process'], fx.env),
      6,
      /mfa_process of profile "admin-process" did not print a 6-digit code/,
    );
    assert.equal(fx.emu.counters.AssumeRole, 1);
  });

  test('with no terminal and no mfa_process: a quick error naming mfa_serial and mfa_process', async () => {
    setUp();
    await login();
    const started = Date.now();
    const r = await withoutTerminal(['get', 'admin']);
    expectFailure(
      r,
      3,
      /profile "admin" needs a code from MFA device arn:aws:iam::111111111111:mfa\/alice \(mfa_serial\), and there is no terminal/,
    );
    assert.match(r.stderr, /mfa_process/);
    assert.ok(Date.now() - started < 5000, 'no wait for a keyboard');
    assert.equal(fx.emu.counters.AssumeRole, 0);
  });

  test('the prompt on the terminal (stdout a pipe, as under credential_process): type-ahead discarded, the code not echoed', async () => {
    setUp();
    await login();
    const { cmd, out } = inTerminal(['get', 'admin']);
    // Typed before the prompt: must not become the code.
    cmd.stdin.write('999999\r');
    await waitFor(out, /MFA code for arn:aws:iam::111111111111:mfa\/alice \(profile admin\): /);
    cmd.stdin.write(`${CODE}\r`);
    const r = await collectTerminal(cmd, out);
    assert.equal(r.code, 0, r.text);
    assert.doesNotMatch(r.text.split('(profile admin): ')[1] ?? '', new RegExp(CODE), 'the code was echoed');
    assert.equal(fx.emu.counters.AssumeRole, 1);
    const doc = JSON.parse(readFileSync(join(fx.home.dir, 'out.json'), 'utf8'));
    assert.ok(existsSync(mfaCacheFile(1800)));
    const left = Date.parse(doc.Expiration) - Date.now();
    assert.ok(left > 1700_000 && left <= 1800_000, `duration_seconds = 1800: ${doc.Expiration}`);
    // Cached: no prompt the second time, even without a terminal.
    assert.equal(processJson(await withoutTerminal(['get', 'admin'])).AccessKeyId, doc.AccessKeyId);
  });

  test('Ctrl-C at the prompt exits 130, nothing cached, and the terminal has its echo back', async () => {
    setUp();
    await login();
    const { cmd, out } = inTerminal([], `${BIN} get admin; echo "exit $?"; stty -a`);
    await waitFor(out, /\(profile admin\): /);
    cmd.stdin.write('12\x03');
    const r = await collectTerminal(cmd, out);
    assert.match(r.text, /MFA prompt cancelled[\s\S]*exit 130/);
    assert.match(r.text, /(^|\s)echo(\s|$)/m, 'echo is on again');
    assert.match(r.text, /(^|\s)icanon(\s|$)/m, 'line mode is on again');
    assert.equal(fx.emu.counters.AssumeRole, 0);
    // SIGTERM while the prompt waits: the terminal gets its echo back too (Node resets it on exit).
    const killed = inTerminal([], `${BIN} get admin & echo "pid $!"; wait $!; echo "exit $?"; stty -a`);
    await waitFor(killed.out, /\(profile admin\): /);
    process.kill(Number(/pid (\d+)/.exec(killed.out.text)?.[1]), 'SIGTERM');
    const k = await collectTerminal(killed.cmd, killed.out);
    assert.match(k.text, /exit 143/);
    assert.match(k.text, /(^|\s)echo(\s|$)/m, 'echo is on again after SIGTERM');
  });

  test('what is not 6 digits is refused before STS, so a typo costs no code', async () => {
    setUp();
    await login();
    const { cmd, out } = inTerminal(['get', 'admin']);
    await waitFor(out, /\(profile admin\): /);
    cmd.stdin.write('12345o\r');
    const r = await collectTerminal(cmd, out);
    assert.equal(r.code, 3, r.text);
    assert.match(r.text, /what was typed is not an MFA code: arn:aws:iam::111111111111:mfa\/alice needs the 6 digits/);
    assert.equal(fx.emu.counters.AssumeRole, 0);
  });

  test('one prompt for a herd: three callers on one terminal, one asks, the others wait under the lock for its answer', async () => {
    setUp();
    await login();
    const outs = [1, 2, 3].map((i) => join(fx.home.dir, `herd${i}.json`));
    const herd = outs.map((o) => `${BIN} get admin > ${o} &`).join(' ');
    const { cmd, out } = inTerminal([], `sh -c '${herd} wait'`);
    await waitFor(out, /\(profile admin\): /);
    cmd.stdin.write(`${CODE}\r`);
    const r = await collectTerminal(cmd, out);
    assert.equal(r.code, 0, r.text);
    assert.equal(r.text.match(/MFA code for/g)?.length, 1, r.text);
    const keys = outs.map((o) => JSON.parse(readFileSync(o, 'utf8')).AccessKeyId);
    assert.equal(new Set(keys).size, 1);
    assert.equal(fx.emu.counters.AssumeRole, 1);
  });
});

/** `script` gives the command a pseudo-terminal; its stdout goes to a file (a pipe for our side). */
function inTerminal(args: string[], command = `${BIN} ${args.join(' ')} > ${join(fx.home.dir, 'out.json')}`) {
  const cmd = spawn('script', ['-qec', command, '/dev/null'], { env: fx.env, stdio: ['pipe', 'pipe', 'pipe'] });
  const out = { text: '' };
  cmd.stdout.setEncoding('utf8').on('data', (d: string) => (out.text += d));
  cmd.stderr.setEncoding('utf8').on('data', (d: string) => (out.text += d));
  return { cmd, out };
}

async function waitFor(out: { text: string }, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 600 && !pattern.test(out.text); i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(out.text, pattern);
}

function collectTerminal(
  cmd: ReturnType<typeof spawn>,
  out: { text: string },
): Promise<{ code: number | null; text: string }> {
  return new Promise((resolve) => cmd.on('close', (code) => resolve({ code, text: out.text })));
}
