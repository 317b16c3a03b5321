// The credential core, exercised through the built executable against the emulator.
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe as suite, test } from 'node:test';
import { ROLES, roleFile, seedRole, seedToken, tokenFile } from '../helpers/home.ts';
import { cleanEnv, describe, run, expectFailure, processJson } from '../helpers/run.ts';
import { useEmulator } from '../helpers/fixture.ts';
import { callerIdentity } from '../helpers/sts.ts';

const fx = useEmulator({
  assign: [['111111111111', 'ReadOnly'], ...ROLES.map((r) => [r.accountId, r.roleName] as const)],
});

async function login(ttlSeconds = 3600, refreshable = true) {
  return seedToken(fx.home, fx.emu.issueSession({ ttlSeconds, refreshable }));
}

suite('get', () => {
  test('fetches, caches in the AWS CLI layout, and the credentials work against STS', async () => {
    await login();
    const doc = processJson(await run(['get', 'dev'], fx.env));
    assert.equal(doc.Version, 1);
    assert.match(doc.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    const identity = await callerIdentity(fx.emu.url, doc);
    assert.equal(identity.Account, '111111111111');
    const path = roleFile(fx.home, '111111111111', 'ReadOnly');
    const text = readFileSync(path, 'utf8');
    assert.match(
      text,
      /^\{"ProviderType": "sso", "Credentials": \{"AccessKeyId": "ASIA\w+", "SecretAccessKey": "[^"]+", "SessionToken": "[^"]+", "Expiration": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "AccountId": "111111111111"\}\}$/,
    );
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(fx.home.roleCacheDir).mode & 0o777, 0o700);
    assert.equal(fx.emu.counters.GetRoleCredentials, 1);
  });

  test('the hot path makes no network call', async () => {
    await login();
    const first = processJson(await run(['get', 'dev'], fx.env));
    const calls = { ...fx.emu.counters };
    const again = processJson(await run(['get', 'dev'], cleanEnv(fx.home.dir, 'http://127.0.0.1:9')));
    assert.deepEqual(again, first);
    assert.deepEqual(fx.emu.counters, calls);
  });

  test('transient 5xx is retried; a refresh failure falls back to the still-valid token', async () => {
    await login(300, true);
    fx.emu.failNext('CreateToken', 500, 100);
    fx.emu.failNext('GetRoleCredentials', 503, 2);
    processJson(await run(['get', 'dev'], { ...fx.env, SSOHELPER_RETRY_TIMEOUT: '3' }));
    assert.ok(fx.emu.counters['CreateToken:refresh_token'] >= 1);
    assert.equal(fx.emu.counters.GetRoleCredentials, 3);
  });

  test('--min-ttl fetches when the cached entry is too short, and fails clearly when it cannot be met', async () => {
    await login();
    await seedRole(fx.home, '111111111111', 'ReadOnly', {
      accessKeyId: 'ASIAOLD',
      secretAccessKey: 's',
      sessionToken: 't',
      expiration: new Date(Date.now() + 30 * 60_000),
    });
    assert.equal(processJson(await run(['get', 'dev'], fx.env)).AccessKeyId, 'ASIAOLD');
    assert.notEqual(processJson(await run(['get', 'dev', '--min-ttl', '45m'], fx.env)).AccessKeyId, 'ASIAOLD');
    expectFailure(
      await run(['get', 'dev', '--min-ttl', '2h'], fx.env),
      3,
      /valid for 59m \d\ds, less than the 2h 00m asked for/,
    );
    expectFailure(await run(['get', 'dev', '--min-ttl', 'soon'], fx.env), 2, /--min-ttl "soon" is not a duration/);
  });

  test('--refresh ignores a fresh cache entry', async () => {
    await login();
    const first = processJson(await run(['get', 'dev'], fx.env));
    const second = processJson(await run(['get', 'dev', '--refresh'], fx.env));
    assert.notEqual(second.AccessKeyId, first.AccessKeyId);
    assert.equal(fx.emu.counters.GetRoleCredentials, 2);
  });

  test('corrupt role and token cache files are treated as absent and healed', async () => {
    await login();
    const path = roleFile(fx.home, '111111111111', 'ReadOnly');
    mkdirSync(fx.home.roleCacheDir, { recursive: true });
    for (const garbage of [
      '',
      '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "AS',
      '\u0000\u0001binary',
      '[]',
    ]) {
      writeFileSync(path, garbage);
      processJson(await run(['get', 'dev'], fx.env));
      assert.match(readFileSync(path, 'utf8'), /^\{"ProviderType": "sso"/);
    }
    writeFileSync(tokenFile(fx.home), '{"startUrl": "https://corp.awsapps.com/start", "accessTo');
    rmSync(path);
    expectFailure(
      await run(['get', 'dev'], fx.env),
      4,
      /no SSO login found for sso-session "corp" \(profile "dev"\)\n {2}run: ssohelper login --sso-session corp {3}\(or: aws sso login --sso-session corp\)/,
    );
  });

  test('writes never follow a symlink planted at the cache path', async () => {
    await login();
    const victim = join(fx.home.dir, 'victim');
    writeFileSync(victim, 'precious');
    mkdirSync(fx.home.roleCacheDir, { recursive: true });
    const path = roleFile(fx.home, '111111111111', 'ReadOnly');
    symlinkSync(victim, path);
    processJson(await run(['get', 'dev'], fx.env));
    assert.equal(readFileSync(victim, 'utf8'), 'precious');
    assert.ok(lstatSync(path).isFile());
  });

  test('--debug masks secrets', async () => {
    const token = await login();
    const r = await run(['get', 'dev', '--debug'], fx.env);
    const doc = processJson(r);
    assert.match(r.stderr, /ssohelper\[debug\]/);
    for (const secret of [token.accessToken, doc.SecretAccessKey, doc.SessionToken, token.clientSecret as string]) {
      assert.ok(!r.stderr.includes(secret), 'a secret leaked into --debug output');
    }
  });
});

suite('failures: exit code, one message, empty stdout', () => {
  test('configuration problems exit 3', async () => {
    await login();
    expectFailure(
      await run(['get', 'nope'], fx.env),
      3,
      /profile "nope" not found in .*\.aws\/config\n {2}SSO profiles there: dev, legacy, p0/,
    );
    writeFileSync(
      fx.home.configFile,
      '[profile x]\nsso_session = ghost\nsso_account_id = 111111111111\nsso_role_name = R\n[profile s]\naws_access_key_id = AKIA\n[profile m]\nsso_session = ghost2\n',
    );
    expectFailure(await run(['get', 'x'], fx.env), 3, /sso-session "ghost", which does not exist/);
    expectFailure(
      await run(['get', 's'], fx.env),
      3,
      /profile "s" has partial credentials: aws_secret_access_key is missing/,
    );
    writeFileSync(fx.home.configFile, '[profile m]\nsso_start_url = https://x/start\nsso_role_name = R\n');
    expectFailure(await run(['get', 'm'], fx.env), 3, /missing required configuration: sso_account_id, sso_region/);
    writeFileSync(fx.home.configFile, 'garbage before any section\n');
    expectFailure(
      await run(['get', 'm'], fx.env),
      3,
      /config, line 1: a setting appears before any \[section\] header/,
    );
    rmSync(fx.home.configFile);
    mkdirSync(fx.home.configFile);
    expectFailure(await run(['get', 'm'], fx.env), 3, /config file .* is not a regular file/);
  });

  test('usage problems exit 2', async () => {
    expectFailure(await run(['get', '--bogus'], fx.env), 2, /unknown option --bogus/);
    expectFailure(await run(['frobnicate'], fx.env), 2, /unknown command "frobnicate"/);
    expectFailure(
      await run(['env', 'dev', '--format', 'tcsh'], fx.env),
      2,
      /unknown format "tcsh"; choose one of process, env, env-no-export, powershell, windows-cmd, fish/,
    );
    expectFailure(await run(['get', 'a', 'b'], fx.env), 2, /unexpected argument "b"/);
    expectFailure(await run(['get', 'a', '--profile', 'b'], fx.env), 2, /two different profiles/);
  });

  test('an expired session that cannot be refreshed exits 4 naming both login commands', async () => {
    await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: -60, refreshable: false }));
    expectFailure(
      await run(['get', 'dev'], fx.env),
      4,
      /expired .* ago and cannot be refreshed\n {2}run: ssohelper login --sso-session corp {3}\(or: aws sso login --sso-session corp\)/,
    );
    expectFailure(
      await run(['get', 'legacy'], fx.env),
      4,
      /no SSO login found for SSO start URL https:\/\/corp.awsapps.com\/start .*\n {2}run: ssohelper login --profile legacy/,
    );
  });

  test('a revoked token exits 4; an unassigned role exits 5; a dead endpoint exits 6', async () => {
    const token = await login();
    writeFileSync(
      fx.home.configFile,
      `${readFileSync(fx.home.configFile, 'utf8')}\n[profile forbidden]\nsso_session = corp\nsso_account_id = 999999999999\nsso_role_name = Nope\n`,
    );
    const denied = await run(['get', 'forbidden'], fx.env);
    expectFailure(
      denied,
      5,
      /no access to role Nope in account 999999999999 \(profile "forbidden"\): the portal answered ForbiddenException: No access\n/,
    );
    assert.equal(denied.stderr.match(/Nope/g)?.length, 1, 'the role is named once');
    expectFailure(
      await run(['get', 'dev'], { ...cleanEnv(fx.home.dir, 'http://127.0.0.1:9'), SSOHELPER_RETRY_TIMEOUT: '1' }),
      6,
      /GetRoleCredentials for role ReadOnly in account 111111111111 failed after \d+ attempts/,
    );
    fx.emu.failNext('GetRoleCredentials', 500, 1000);
    expectFailure(
      await run(['get', 'dev'], { ...fx.env, SSOHELPER_RETRY_TIMEOUT: '1' }),
      6,
      /GetRoleCredentials .*failed after/,
    );
    fx.emu.resetKnobs();
    fx.emu.revoke(token.accessToken);
    expectFailure(await run(['get', 'dev'], fx.env), 4, /no longer valid/);
  });

  test('a refresh token already used elsewhere: old token used while valid, login required after', async () => {
    const issued = fx.emu.issueSession({ ttlSeconds: 300, refreshable: true });
    await seedToken(fx.home, issued);
    await useRefreshToken(issued);
    processJson(await run(['get', 'dev'], fx.env));
    await seedToken(fx.home, { ...issued, expiresAt: new Date(Date.now() - 1000) });
    rmSync(roleFile(fx.home, '111111111111', 'ReadOnly'));
    expectFailure(await run(['get', 'dev'], fx.env), 4, /can no longer be refreshed/);
  });
});

/** Another program (say boto3) refreshing first: the refresh token in our file is now spent. */
async function useRefreshToken(issued: {
  clientId: string;
  clientSecret: string;
  refreshToken?: string;
}): Promise<void> {
  const { CreateTokenCommand, SSOOIDCClient } = await import('@aws-sdk/client-sso-oidc');
  const client = new SSOOIDCClient({ region: 'eu-west-1', endpoint: fx.emu.url, maxAttempts: 1 });
  await client.send(
    new CreateTokenCommand({
      clientId: issued.clientId,
      clientSecret: issued.clientSecret,
      grantType: 'refresh_token',
      refreshToken: issued.refreshToken,
    }),
  );
}

suite('env and export-credentials', () => {
  test('env adds the region; export-credentials matches get', async () => {
    await login();
    const doc = processJson(await run(['get', 'dev'], fx.env));
    const sh = await run(['env', 'dev'], fx.env);
    assert.equal(sh.code, 0, describe(sh));
    assert.equal(
      sh.stdout,
      `export AWS_ACCESS_KEY_ID=${doc.AccessKeyId}\nexport AWS_SECRET_ACCESS_KEY=${doc.SecretAccessKey}\nexport AWS_SESSION_TOKEN=${doc.SessionToken}\nexport AWS_CREDENTIAL_EXPIRATION=${doc.Expiration}\nexport AWS_REGION=eu-central-1\nexport AWS_DEFAULT_REGION=eu-central-1\nexport SSOHELPER_PROFILE=dev\n`,
    );
    const noRegion = await run(['env', 'dev', '--no-region', '--format', 'env-no-export'], fx.env);
    assert.doesNotMatch(noRegion.stdout, /REGION/);
    const exported = await run(['export-credentials', '--profile', 'dev'], fx.env);
    assert.equal(exported.stdout, (await run(['get', 'dev'], fx.env)).stdout);
    const viaEnvVar = await run(['export-credentials', '--format', 'env'], { ...fx.env, AWS_PROFILE: 'dev' });
    assert.equal(viaEnvVar.code, 0, describe(viaEnvVar));
  });

  test('eval in a real shell sets working credentials', async () => {
    await login();
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { BIN } = await import('../helpers/run.ts');
    // Asynchronous: the emulator answering ssohelper lives in this process's event loop.
    const { stdout: out } = await promisify(execFile)(
      'bash',
      ['-c', `eval "$("${BIN}" env dev)" && printf '%s %s' "$AWS_ACCESS_KEY_ID" "$AWS_REGION"`],
      { env: fx.env, encoding: 'utf8' },
    );
    const [keyId, region] = out.split(' ');
    assert.match(keyId as string, /^ASIA/);
    assert.equal(region, 'eu-central-1');
  });

  test('configuration from AWS_CONFIG_FILE with ~ and $VAR expansion, endpoints from a services section', async () => {
    await login();
    const custom = join(fx.home.dir, 'elsewhere.ini');
    writeFileSync(
      custom,
      `${readFileSync(fx.home.configFile, 'utf8')}\n[profile svc]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\nservices = local\n[services local]\nsso =\n  endpoint_url = ${fx.emu.url}\n`,
    );
    chmodSync(custom, 0o600);
    rmSync(fx.home.configFile);
    const r = await run(['get', 'svc'], {
      ...cleanEnv(fx.home.dir, undefined),
      AWS_CONFIG_FILE: '$HOME/elsewhere.ini',
    });
    processJson(r);
  });
});
