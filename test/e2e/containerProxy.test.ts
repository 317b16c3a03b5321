// The container credential endpoint is always reached directly, whatever HTTP_PROXY says
// (botocore's and the JS SDK's container providers never use a proxy: the request carries the
// authorization token and the answer carries keys). Instance metadata, like botocore's IMDS
// fetcher, and the AWS services keep going through the proxy. The loopback proxy counts every
// target it is asked for, so "the proxy saw nothing" is a fact, not a guess.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe as suite, test } from 'node:test';
import { useEmulator } from '../helpers/fixture.ts';
import { SESSION, seedToken, standardConfig } from '../helpers/home.ts';
import { TestProxy } from '../helpers/proxy.ts';
import { processJson, run } from '../helpers/run.ts';

const DEPLOY = 'arn:aws:iam::333333333333:role/Deploy';
const TOKEN = 'container-token-7f3a';

const fx = useEmulator({
  assign: [['111111111111', 'ReadOnly']],
  config: () =>
    [
      standardConfig(),
      `[profile dev-sso]\nsso_session = ${SESSION}\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\nregion = eu-central-1\n`,
      `[profile from-container]\nrole_arn = ${DEPLOY}\nrole_session_name = in-container\ncredential_source = EcsContainer\n`,
      `[profile from-instance]\nrole_arn = ${DEPLOY}\nrole_session_name = on-instance\ncredential_source = Ec2InstanceMetadata\n`,
    ].join('\n'),
});

let proxy: TestProxy;
before(async () => {
  proxy = await TestProxy.start();
});
after(() => proxy.stop());

/** A loopback server answering every credential path with `creds`; records the Authorization it got. */
async function credentialServer(
  creds: () => Record<string, unknown>,
  seen: string[],
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
    if (req.url === '/latest/api/token') return res.writeHead(200).end('imds-token');
    if (req.url === '/latest/meta-data/iam/security-credentials/') return res.writeHead(200).end('InstanceRole\n');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(creds()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

suite('container credentials and proxies', () => {
  test('EcsContainer with a full URI and a token file never goes through HTTP_PROXY; STS still does', async () => {
    fx.emu.defineRole(DEPLOY, { trust: ['111111111111'] });
    seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
    const source = processJson(await run(['get', 'dev-sso'], fx.env));
    const seen: string[] = [];
    const endpoint = await credentialServer(
      () => ({
        AccessKeyId: source.AccessKeyId,
        SecretAccessKey: source.SecretAccessKey,
        Token: source.SessionToken,
        Expiration: source.Expiration,
      }),
      seen,
    );
    try {
      const tokenFile = join(fx.home.dir, 'container-token');
      writeFileSync(tokenFile, `${TOKEN}\n`);
      const targetsBefore = proxy.counters.targets.length;
      const env = {
        ...fx.env,
        HTTP_PROXY: proxy.url,
        HTTPS_PROXY: proxy.url,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${endpoint.port}/v1/credentials`,
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
      };
      const doc = processJson(await run(['get', 'from-container'], env));
      assert.match(doc.AccessKeyId as string, /^ASIA/);
      assert.deepEqual(seen, [`GET /v1/credentials ${TOKEN}`], 'the endpoint got the token directly');
      const targets = proxy.counters.targets.slice(targetsBefore);
      assert.ok(
        !targets.includes(`127.0.0.1:${endpoint.port}`),
        `the proxy saw the container endpoint: ${targets.join(', ')}`,
      );
      assert.deepEqual(proxy.counters.authorizations, []);
      // The same run's STS call (the emulator) did go through the proxy: the proxy was in use.
      assert.ok(targets.length > 0, 'the AssumeRole call went through the proxy');
    } finally {
      endpoint.server.close();
    }
  });

  test('Ec2InstanceMetadata goes through HTTP_PROXY as botocore does, and NO_PROXY exempts it', async () => {
    fx.emu.defineRole(DEPLOY, { trust: ['111111111111'] });
    seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
    const source = processJson(await run(['get', 'dev-sso'], fx.env));
    const seen: string[] = [];
    const imds = await credentialServer(
      () => ({
        Code: 'Success',
        AccessKeyId: source.AccessKeyId,
        SecretAccessKey: source.SecretAccessKey,
        Token: source.SessionToken,
        Expiration: source.Expiration,
      }),
      seen,
    );
    try {
      const env = {
        ...fx.env,
        HTTP_PROXY: proxy.url,
        AWS_EC2_METADATA_DISABLED: 'false',
        AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${imds.port}`,
      };
      const before = proxy.counters.targets.length;
      processJson(await run(['get', 'from-instance'], env));
      assert.ok(proxy.counters.targets.slice(before).includes(`127.0.0.1:${imds.port}`), 'IMDS went through the proxy');
      const direct = proxy.counters.targets.length;
      processJson(await run(['get', 'from-instance', '--refresh'], { ...env, NO_PROXY: `127.0.0.1:${imds.port}` }));
      assert.ok(!proxy.counters.targets.slice(direct).includes(`127.0.0.1:${imds.port}`), 'NO_PROXY kept IMDS direct');
    } finally {
      imds.server.close();
    }
  });
});
