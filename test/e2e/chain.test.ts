// Role chains and the other profile kinds, through the built executable against the emulator's
// SSO portal and STS.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe as suite, test } from 'node:test';
import { assumeRoleCachePath } from '../../src/cache/assumeRole.ts';
import { useEmulator } from '../helpers/fixture.ts';
import { SESSION, seedToken, standardConfig } from '../helpers/home.ts';
import { BIN, describe, expectFailure, processJson, run, spawnChild } from '../helpers/run.ts';
import { callerIdentity } from '../helpers/sts.ts';

const DEPLOY = 'arn:aws:iam::333333333333:role/Deploy';
const AUDIT = 'arn:aws:iam::444444444444:role/Audit';
const PARTNER = 'arn:aws:iam::555555555555:role/Partner';
const LOCKED = 'arn:aws:iam::333333333333:role/Locked';

function chainConfig(): string {
  return [
    standardConfig(),
    `[profile dev-sso]\nsso_session = ${SESSION}\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\nregion = eu-central-1\n`,
    `[profile deploy]\nrole_arn = ${DEPLOY}\nsource_profile = dev-sso\nregion = eu-west-2\n`,
    `[profile audit]\nrole_arn = ${AUDIT}\nsource_profile = deploy\nrole_session_name = auditor\n`,
    `[profile partner]\nrole_arn = ${PARTNER}\nsource_profile = dev-sso\nexternal_id = partner-42\n`,
    `[profile partner-wrong]\nrole_arn = ${PARTNER}\nsource_profile = dev-sso\nexternal_id = guess\n`,
    `[profile short]\nrole_arn = ${DEPLOY}\nsource_profile = dev-sso\nduration_seconds = 900\n`,
    `[profile locked]\nrole_arn = ${LOCKED}\nsource_profile = dev-sso\n`,
    `[profile loop-a]\nrole_arn = ${DEPLOY}\nsource_profile = loop-b\n`,
    `[profile loop-b]\nrole_arn = ${AUDIT}\nsource_profile = loop-a\n`,
    `[profile orphan]\nrole_arn = ${DEPLOY}\nsource_profile = nowhere\n`,
    `[profile mfa]\nrole_arn = ${DEPLOY}\nsource_profile = dev-sso\nmfa_serial = me\n`,
    `[profile from-env]\nrole_arn = ${DEPLOY}\ncredential_source = Environment\n`,
    `[profile from-instance]\nrole_arn = ${DEPLOY}\nrole_session_name = on-instance\ncredential_source = Ec2InstanceMetadata\n`,
    `[profile from-container]\nrole_arn = ${DEPLOY}\nrole_session_name = in-container\ncredential_source = EcsContainer\n`,
  ].join('\n');
}

const fx = useEmulator({ assign: [['111111111111', 'ReadOnly']], config: chainConfig });

function defineRoles() {
  fx.emu.defineRole(DEPLOY, { trust: ['111111111111', 'arn:aws:iam::123456789012:user/ci'] });
  fx.emu.defineRole(AUDIT, { trust: [DEPLOY] });
  fx.emu.defineRole(PARTNER, { externalId: 'partner-42' });
  fx.emu.defineRole(LOCKED, { trust: ['999999999999'] });
}

async function login() {
  defineRoles();
  return seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
}

function cacheFile(
  roleArn: string,
  extra: { roleSessionName?: string; externalId?: string; durationSeconds?: number } = {},
): string {
  return assumeRoleCachePath(fx.home.roleCacheDir, {
    roleArn,
    roleSessionName: extra.roleSessionName,
    externalId: extra.externalId,
    durationSeconds: extra.durationSeconds,
  });
}

suite('role chains', () => {
  test("one hop: SSO then AssumeRole, cached in botocore's layout, credentials accepted by STS", async () => {
    await login();
    const doc = processJson(await run(['get', 'deploy'], fx.env));
    const identity = await callerIdentity(fx.emu.url, doc);
    assert.match(identity.Arn ?? '', /^arn:aws:sts::333333333333:assumed-role\/Deploy\/botocore-session-\d+$/);
    assert.equal(fx.emu.counters.GetRoleCredentials, 1);
    assert.equal(fx.emu.counters.AssumeRole, 1);
    const text = readFileSync(cacheFile(DEPLOY), 'utf8');
    assert.match(
      text,
      /^\{"Credentials": \{"AccessKeyId": "ASIA\w+", "SecretAccessKey": "[^"]+", "SessionToken": "[^"]+", "Expiration": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dUTC", "AccountId": "333333333333"\}, "AssumedRoleUser": \{"AssumedRoleId": "AROA\w+:botocore-session-\d+", "Arn": "arn:aws:sts::333333333333:assumed-role\/Deploy\/botocore-session-\d+"\}\}$/,
    );
    // The hot path: a second call answers from the cache alone.
    assert.deepEqual(processJson(await run(['get', 'deploy'], fx.env)), doc);
    assert.equal(fx.emu.counters.AssumeRole, 1);
    assert.equal(fx.emu.counters.GetRoleCredentials, 1);
  });

  test("two hops, with role_session_name; env exports the final profile's region unless --region says otherwise", async () => {
    await login();
    const doc = processJson(await run(['get', 'audit'], fx.env));
    const identity = await callerIdentity(fx.emu.url, doc);
    assert.equal(identity.Arn, 'arn:aws:sts::444444444444:assumed-role/Audit/auditor');
    assert.equal(fx.emu.counters.AssumeRole, 2);
    assert.ok(existsSync(cacheFile(AUDIT, { roleSessionName: 'auditor' })));
    assert.ok(existsSync(cacheFile(DEPLOY)), 'the middle hop is cached too');
    const env = await run(['env', 'deploy'], fx.env);
    assert.equal(env.code, 0, describe(env));
    assert.match(env.stdout, /^export AWS_REGION=eu-west-2\nexport AWS_DEFAULT_REGION=eu-west-2\n/m);
    const overridden = await run(['env', 'deploy', '--region', 'ap-south-1', '--format', 'fish'], fx.env);
    assert.match(
      overridden.stdout,
      /set -gx AWS_REGION "ap-south-1"\nset -gx AWS_DEFAULT_REGION "ap-south-1"\nset -gx SSOHELPER_PROFILE "deploy"\n$/,
    );
    const noRegion = await run(['env', 'audit'], fx.env);
    assert.doesNotMatch(noRegion.stdout, /AWS_REGION/, 'audit sets no region of its own');
    expectFailure(
      await run(['env', 'deploy', '--region', 'mars'], fx.env),
      2,
      /--region "mars" is not an AWS region name/,
    );
    assert.equal(fx.emu.counters.AssumeRole, 2);
  });

  test('status lists chained credentials next to SSO ones; status for a chain profile means its role and its SSO session', async () => {
    await login();
    processJson(await run(['get', 'audit'], fx.env));
    const all = await run(['status', '--output', 'json'], fx.env);
    assert.equal(all.code, 0, describe(all));
    const roles = JSON.parse(all.stdout).roleCredentials as Array<Record<string, unknown>>;
    const byKind = (kind: string) =>
      roles
        .filter((r) => r.kind === kind)
        .map((r) => ({ profiles: r.profiles, roleArn: r.roleArn, accountId: r.accountId }));
    assert.deepEqual(byKind('assume-role'), [
      { profiles: ['audit'], roleArn: AUDIT, accountId: '444444444444' },
      // botocore's key has no source in it: every profile assuming Deploy with the same settings shares it.
      { profiles: ['deploy', 'from-env'], roleArn: DEPLOY, accountId: '333333333333' },
    ]);
    assert.deepEqual(
      byKind('sso').map((r) => r.profiles),
      [['dev', 'dev-sso']],
    );
    const text = await run(['status'], fx.env);
    assert.match(text.stdout, /\n {2}audit +444444444444 +Audit \(assumed\) +\d\dm \d\ds/);
    const one = JSON.parse((await run(['status', 'deploy', '--output', 'json'], fx.env)).stdout);
    assert.deepEqual(
      one.roleCredentials.map((r: Record<string, unknown>) => r.roleArn),
      [DEPLOY],
    );
    assert.deepEqual(
      one.sessions.map((r: Record<string, unknown>) => r.sessionName),
      [SESSION],
    );
  });

  test('external_id is sent and enters the cache key; a wrong one is denied', async () => {
    await login();
    const doc = processJson(await run(['get', 'partner'], fx.env));
    assert.equal((await callerIdentity(fx.emu.url, doc)).Account, '555555555555');
    assert.ok(existsSync(cacheFile(PARTNER, { externalId: 'partner-42' })));
    expectFailure(
      await run(['get', 'partner-wrong'], fx.env),
      5,
      /not allowed to assume arn:aws:iam::555555555555:role\/Partner \(profile "partner-wrong"\)/,
    );
  });

  test('duration_seconds is sent, enters the cache key, and bounds --min-ttl', async () => {
    await login();
    const doc = processJson(await run(['get', 'short'], fx.env));
    const left = Date.parse(doc.Expiration) - Date.now();
    assert.ok(left > 800_000 && left <= 900_000, `expires in ${left} ms`);
    assert.ok(existsSync(cacheFile(DEPLOY, { durationSeconds: 900 })));
    // Fresh credentials are handed out whatever their length unless --min-ttl asks for more.
    processJson(await run(['get', 'short'], fx.env));
    assert.equal(
      fx.emu.counters.AssumeRole,
      2,
      'below the 15-minute reuse window, each call fetches, as the AWS CLI does',
    );
    expectFailure(
      await run(['get', 'short', '--min-ttl', '20m'], fx.env),
      3,
      /fresh credentials for profile "short" are valid for 1\dm \d\ds, less than the 20m 00s asked for\n.*raise duration_seconds in \[profile short\]/,
    );
  });

  test('a denied role is exit 5 naming the role and the source identity', async () => {
    await login();
    const r = await run(['get', 'locked'], fx.env);
    expectFailure(
      r,
      5,
      /not allowed to assume arn:aws:iam::333333333333:role\/Locked \(profile "locked"\) as SSO role ReadOnly in account 111111111111 \(profile "dev-sso"\): User: arn:aws:sts::111111111111:assumed-role\/AWSReservedSSO_ReadOnly_\w+\/\S+ is not authorized to perform: sts:AssumeRole/,
    );
    assert.equal(fx.emu.counters.AssumeRole, 1, 'a refusal is not retried');
  });

  test('cycles, missing source profiles and a bad mfa_serial are configuration errors naming the profiles', async () => {
    await login();
    expectFailure(
      await run(['get', 'loop-a'], fx.env),
      3,
      /profiles form a cycle through source_profile: loop-a -> loop-b -> loop-a/,
    );
    expectFailure(
      await run(['get', 'orphan'], fx.env),
      3,
      /profile "orphan" names source_profile "nowhere", which does not exist/,
    );
    expectFailure(
      await run(['get', 'mfa'], fx.env),
      3,
      /profile "mfa" has mfa_serial "me", which is not an MFA device ARN/,
    );
    assert.equal(fx.emu.counters.AssumeRole, 0);
    assert.equal(fx.emu.counters.GetRoleCredentials, 0);
  });

  test('--refresh renews the final hop and reuses a fresh source', async () => {
    await login();
    const first = processJson(await run(['get', 'deploy'], fx.env));
    const second = processJson(await run(['get', 'deploy', '--refresh'], fx.env));
    assert.notEqual(second.AccessKeyId, first.AccessKeyId);
    assert.equal(fx.emu.counters.AssumeRole, 2);
    assert.equal(fx.emu.counters.GetRoleCredentials, 1);
  });

  test('source credentials that STS rejects as expired are fetched again, once', async () => {
    await login();
    processJson(await run(['get', 'dev-sso'], fx.env));
    const cached = JSON.parse(
      readFileSync(join(fx.home.roleCacheDir, readdirSync(fx.home.roleCacheDir)[0] as string), 'utf8'),
    );
    fx.emu.expireCredentials(cached.Credentials.AccessKeyId);
    const doc = processJson(await run(['get', 'deploy'], fx.env));
    assert.equal((await callerIdentity(fx.emu.url, doc)).Account, '333333333333');
    assert.equal(fx.emu.counters.GetRoleCredentials, 2);
    assert.equal(fx.emu.counters.AssumeRole, 2);
  });

  test("STS throttling is retried like the portal's", async () => {
    await login();
    fx.emu.failNext('AssumeRole', 400, 2, 'Throttling');
    processJson(await run(['get', 'deploy'], { ...fx.env, SSOHELPER_RETRY_TIMEOUT: '20' }));
    assert.equal(fx.emu.counters.AssumeRole, 3);
  });

  test('static keys and credential_source = Environment start a chain', async () => {
    defineRoles();
    const keys = fx.emu.issueUserKeys('123456789012', 'ci');
    writeFileSync(
      join(fx.home.dir, '.aws', 'credentials'),
      `[ci]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`,
    );
    writeFileSync(
      fx.home.configFile,
      `${chainConfig()}\n[profile from-ci]\nrole_arn = ${DEPLOY}\nsource_profile = ci\n`,
    );
    const viaProfile = processJson(await run(['get', 'from-ci'], fx.env));
    assert.equal((await callerIdentity(fx.emu.url, viaProfile)).Account, '333333333333');
    const viaEnv = processJson(
      await run(['get', 'from-env', '--refresh'], {
        ...fx.env,
        AWS_ACCESS_KEY_ID: keys.accessKeyId,
        AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      }),
    );
    assert.equal((await callerIdentity(fx.emu.url, viaEnv)).Account, '333333333333');
    expectFailure(
      await run(['get', 'from-env', '--refresh'], fx.env),
      3,
      /credential_source = Environment\), but AWS_ACCESS_KEY_ID is not set/,
    );
    expectFailure(
      await run(['get', 'from-ci', '--refresh'], {
        ...fx.env,
        AWS_SHARED_CREDENTIALS_FILE: join(fx.home.dir, 'bad-credentials'),
      }),
      3,
      /profile "from-ci" names source_profile "ci", which does not exist/,
    );
    writeFileSync(
      join(fx.home.dir, 'bad-credentials'),
      `[ci]\naws_access_key_id = AKIANOTREAL\naws_secret_access_key = nope\n`,
    );
    expectFailure(
      await run(['get', 'from-ci', '--refresh'], {
        ...fx.env,
        AWS_SHARED_CREDENTIALS_FILE: join(fx.home.dir, 'bad-credentials'),
      }),
      3,
      /STS rejected the credentials of the keys of profile "ci"/,
    );
  });

  test('credential_source = EcsContainer takes the source from a container endpoint (here `ssohelper serve`)', async () => {
    await login();
    const server = spawnChild(['serve', 'dev-sso', '--format', 'env-no-export'], fx.env);
    try {
      let out = '';
      server.stdout?.setEncoding('utf8');
      await new Promise<void>((resolve, reject) => {
        server.stdout?.on('data', (d: string) => {
          out += d;
          if (/AWS_CONTAINER_AUTHORIZATION_TOKEN=\S+\n/.test(out)) resolve();
        });
        server.on('close', () => reject(new Error(`serve ended: ${out}`)));
      });
      const vars = Object.fromEntries(
        out
          .trim()
          .split('\n')
          .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
      );
      const env = {
        ...fx.env,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: vars.AWS_CONTAINER_CREDENTIALS_FULL_URI as string,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN as string,
      };
      const doc = processJson(await run(['get', 'from-container'], env));
      assert.equal(
        (await callerIdentity(fx.emu.url, doc)).Arn,
        'arn:aws:sts::333333333333:assumed-role/Deploy/in-container',
      );
      expectFailure(
        await run(['get', 'from-container', '--refresh'], { ...env, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'wrong' }),
        6,
        /container credential endpoint .* answered HTTP 40\d/,
      );
      expectFailure(
        await run(['get', 'from-container', '--refresh'], {
          ...env,
          AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://192.0.2.1/creds',
        }),
        3,
        /must be https, or http to a loopback or container-agent address/,
      );
      expectFailure(
        await run(['get', 'from-container', '--refresh'], fx.env),
        3,
        /neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set/,
      );
    } finally {
      const closed = new Promise((r) => server.once('close', r));
      server.kill('SIGTERM');
      await closed;
    }
  });

  test('credential_source = Ec2InstanceMetadata takes the instance role from IMDS (v2 token, then v1 if allowed)', async () => {
    await login();
    const source = processJson(await run(['get', 'dev-sso'], fx.env));
    let tokenApi = true;
    const seen: string[] = [];
    const imds = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers['x-aws-ec2-metadata-token'] ?? '-'}`);
      if (req.url === '/latest/api/token') {
        if (!tokenApi || req.method !== 'PUT') return res.writeHead(404).end();
        return res.writeHead(200).end('imds-token');
      }
      if (tokenApi && req.headers['x-aws-ec2-metadata-token'] !== 'imds-token') return res.writeHead(401).end();
      if (req.url === '/latest/meta-data/iam/security-credentials/') return res.writeHead(200).end('InstanceRole\n');
      if (req.url === '/latest/meta-data/iam/security-credentials/InstanceRole') {
        return res.writeHead(200).end(
          JSON.stringify({
            Code: 'Success',
            Type: 'AWS-HMAC',
            AccessKeyId: source.AccessKeyId,
            SecretAccessKey: source.SecretAccessKey,
            Token: source.SessionToken,
            Expiration: source.Expiration,
          }),
        );
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => imds.listen(0, '127.0.0.1', r));
    try {
      const env = {
        ...fx.env,
        AWS_EC2_METADATA_DISABLED: 'false',
        AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${(imds.address() as AddressInfo).port}`,
      };
      const doc = processJson(await run(['get', 'from-instance'], env));
      assert.equal(
        (await callerIdentity(fx.emu.url, doc)).Arn,
        'arn:aws:sts::333333333333:assumed-role/Deploy/on-instance',
      );
      assert.deepEqual(seen, [
        'PUT /latest/api/token -',
        'GET /latest/meta-data/iam/security-credentials/ imds-token',
        'GET /latest/meta-data/iam/security-credentials/InstanceRole imds-token',
      ]);
      tokenApi = false;
      processJson(await run(['get', 'from-instance', '--refresh'], env));
      expectFailure(
        await run(['get', 'from-instance', '--refresh'], { ...env, AWS_EC2_METADATA_V1_DISABLED: 'true' }),
        6,
        /gave no IMDSv2 token \(HTTP 404\) and AWS_EC2_METADATA_V1_DISABLED is true/,
      );
      expectFailure(await run(['get', 'from-instance', '--refresh'], fx.env), 3, /AWS_EC2_METADATA_DISABLED is true/);
    } finally {
      imds.closeAllConnections();
      await new Promise((r) => imds.close(r));
    }
  });

  test('credential_process profiles: run without a shell, stderr passed through, output checked', async () => {
    const script = join(fx.home.dir, 'creds.sh');
    writeFileSync(script, '#!/bin/sh\necho "helper says hi" >&2\nprintf \'%s\' "$1"\n');
    chmodSync(script, 0o755);
    const good =
      '{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "c2VjcmV0", "SessionToken": "dG9rZW4=", "Expiration": "2099-01-02T03:04:05.250+02:00"}';
    writeFileSync(
      fx.home.configFile,
      `${chainConfig()}\n[profile proc]\ncredential_process = ${script} '${good}'\n[profile proc-bad]\ncredential_process = ${script} '{"Version": 2}'\n[profile proc-missing]\ncredential_process = /nonexistent/helper --flag\n`,
    );
    const r = await run(['export-credentials', '--profile', 'proc', '--format', 'env-no-export'], fx.env);
    assert.equal(r.code, 0, describe(r));
    assert.equal(
      r.stdout,
      'AWS_ACCESS_KEY_ID=AKIAPROC\nAWS_SECRET_ACCESS_KEY=c2VjcmV0\nAWS_SESSION_TOKEN=dG9rZW4=\nAWS_CREDENTIAL_EXPIRATION=2099-01-02T03:04:05.250000+02:00\n',
    );
    assert.match(r.stderr, /helper says hi/);
    expectFailure(
      await run(['get', 'proc-bad'], fx.env),
      6,
      /credential_process of profile "proc-bad" printed Version 2; only Version 1 is supported/,
    );
    expectFailure(
      await run(['get', 'proc-missing'], fx.env),
      3,
      /cannot be run: \/nonexistent\/helper: no such command/,
    );
    // A profile whose credential_process is ssohelper for itself, directly or round a loop.
    writeFileSync(
      fx.home.configFile,
      `${chainConfig()}\n[profile self-proc]\ncredential_process = ${BIN} get self-proc\n[profile ping]\ncredential_process = ${BIN} get pong\n[profile pong]\ncredential_process = ${BIN} get ping\n`,
    );
    const self = await run(['get', 'self-proc'], fx.env);
    // A configuration error, exit 3, however deep the loop: each ssohelper passes it on.
    expectFailure(
      self,
      3,
      /credential_process of profile "self-proc" failed: the ssohelper it runs refused for the configuration reason above/,
    );
    assert.match(self.stderr, /the credential_process of profile "self-proc" leads back to it: self-proc -> self-proc/);
    const loop = await run(['get', 'ping'], fx.env);
    expectFailure(loop, 3, /leads back to it: ping -> pong -> ping/);
    // A foreign credential_process that exits 3 is still its own failure, a service error.
    writeFileSync(
      fx.home.configFile,
      `${chainConfig()}\n[profile three]\ncredential_process = sh -c 'echo oops; exit 3'\n`,
    );
    expectFailure(
      await run(['get', 'three'], fx.env),
      6,
      /credential_process of profile "three" failed \(exit status 3\)/,
    );
  });
});
