// Logins shared with the real peers on one HOME: after `ssohelper login` the Debian AWS CLI v2
// and python3's botocore work without logging in again, and after `aws sso login` ssohelper
// does; the client registration is shared too.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { registrationCachePath } from '../../src/cache/registration.ts';
import { scriptedBrowser } from '../helpers/browser.ts';
import { SESSION, SSO_REGION, START_URL, tokenFile } from '../helpers/home.ts';
import { BIN, collect, describe, run } from '../helpers/run.ts';
import { AWS, useEmulator } from '../helpers/fixture.ts';

const exec = promisify(execFile);

const fx = useEmulator({
  aws: true,
  assign: [
    ['111111111111', 'ReadOnly'],
    ['111111111111', 'Role0'],
  ],
});

async function aws(...args: string[]): Promise<string> {
  const { stdout } = await exec(AWS, args, { env: fx.env });
  return stdout;
}

/** `aws sso login` prints the URL and code and polls; the test approves through the emulator. */
async function awsSsoLogin(...args: string[]): Promise<void> {
  const child: ChildProcess = spawn(AWS, ['sso', 'login', '--no-browser', ...args], {
    env: fx.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = collect(child);
  fx.emu.approveDevice((await fx.emu.nextDeviceAuthorization()).userCode);
  const r = await done;
  assert.equal(r.code, 0, describe(r));
  assert.match(r.stdout, /Successfully logged into Start URL: https:\/\/corp\.awsapps\.com\/start/);
}

test('after `ssohelper login`, aws and botocore need no login of their own', async () => {
  const r = await run(['login', '--sso-session', SESSION], { ...fx.env, ...scriptedBrowser(fx.home.dir).env() });
  assert.equal(r.code, 0, describe(r));
  fx.emu.resetCounters();

  const exported = JSON.parse(await aws('configure', 'export-credentials', '--profile', 'dev'));
  assert.match(exported.AccessKeyId, /^ASIA/);
  const identity = JSON.parse(await aws('sts', 'get-caller-identity', '--profile', 'dev'));
  assert.equal(identity.Account, '111111111111');
  const { stdout } = await exec(
    'python3',
    ['-c', "import boto3; print(boto3.Session(profile_name='p0').client('sts').get_caller_identity()['Account'])"],
    { env: fx.env },
  );
  assert.equal(stdout.trim(), '111111111111');

  assert.equal(fx.emu.counters.CreateToken, 0, 'nobody had to log in or refresh');
  assert.equal(fx.emu.counters.StartDeviceAuthorization + fx.emu.counters.Authorize, 0);
});

test('after `aws sso login --no-browser`, ssohelper works; ssohelper reuses the registration aws made', async () => {
  await awsSsoLogin('--sso-session', SESSION);
  // CLI 2.9 writes the token and a device-flow registration under the keys ssohelper computes.
  assert.ok(existsSync(tokenFile(fx.home)));
  const regPath = registrationCachePath(fx.home.ssoCacheDir, {
    startUrl: START_URL,
    ssoRegion: SSO_REGION,
    scopes: ['sso:account:access'],
    sessionName: SESSION,
  });
  const theirs = JSON.parse(readFileSync(regPath, 'utf8'));
  fx.emu.resetCounters();

  const r = await run(['get', 'dev'], fx.env);
  assert.equal(r.code, 0, describe(r));
  assert.equal(JSON.parse(r.stdout).Version, 1);
  assert.equal(fx.emu.counters.GetRoleCredentials, 1);
  assert.equal(fx.emu.counters.CreateToken, 0);

  const ours = collect(
    spawn(BIN, ['login', '--sso-session', SESSION, '--use-device-code', '--no-browser'], {
      env: fx.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  fx.emu.approveDevice((await fx.emu.nextDeviceAuthorization()).userCode);
  const done = await ours;
  assert.equal(done.code, 0, describe(done));
  assert.equal(fx.emu.counters.RegisterClient, 0, "ssohelper reused the AWS CLI's registration");
  assert.equal(JSON.parse(readFileSync(regPath, 'utf8')).clientId, theirs.clientId);
  assert.equal(JSON.parse(readFileSync(tokenFile(fx.home), 'utf8')).clientId, theirs.clientId);
});

test('`ssohelper logout` ends what `aws sso login` started, as `aws sso logout` would', async () => {
  await awsSsoLogin('--sso-session', SESSION);
  await aws('configure', 'export-credentials', '--profile', 'dev');
  const r = await run(['logout'], fx.env);
  assert.equal(r.code, 0, describe(r));
  assert.equal(fx.emu.counters.Logout, 1);
  await assert.rejects(
    aws('configure', 'export-credentials', '--profile', 'dev'),
    /Error loading SSO Token|expired|sso login/i,
  );
});

test('AWS CLI before 2.22 reuses a PKCE registration for its device flow; a device login puts one it can use back', async () => {
  // Not something ssohelper can fix without leaving the CLI's layout: CLI 2.9 does not look at
  // grantTypes, and the identity service refuses device authorization to a PKCE client. The
  // documented way out is one `ssohelper login --use-device-code` (docs/login.md).
  const browser = scriptedBrowser(fx.home.dir);
  assert.equal((await run(['login', '--sso-session', SESSION], { ...fx.env, ...browser.env() })).code, 0);
  await assert.rejects(
    exec(AWS, ['sso', 'login', '--no-browser', '--sso-session', SESSION], { env: fx.env }),
    /UnauthorizedClientException/,
  );
  const fix = collect(
    spawn(BIN, ['login', '--sso-session', SESSION, '--use-device-code', '--no-browser'], {
      env: fx.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  fx.emu.approveDevice((await fx.emu.nextDeviceAuthorization()).userCode);
  assert.equal((await fix).code, 0);
  await awsSsoLogin('--sso-session', SESSION);
});
