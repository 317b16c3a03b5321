// The credential endpoint of `exec --server` and `serve`, used by the real SDKs: the JS SDK v3
// and botocore in the child fetch credentials from it and call the emulator's STS with them.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe as suite, test } from 'node:test';
import { useEmulator } from '../helpers/fixture.ts';
import { roleFile, seedToken } from '../helpers/home.ts';
import { BIN, collect, describe, ROOT, run } from '../helpers/run.ts';
import { callerIdentity } from '../helpers/sts.ts';

const fx = useEmulator({ assign: [['111111111111', 'ReadOnly']] });
const NODE = process.execPath;
const CHILDREN = join(ROOT, 'test', 'helpers', 'children');

async function login() {
  return seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
}

interface Answer {
  status: number;
  body: Record<string, string>;
}

function get(url: string, headers: Record<string, string>, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Starts `serve`, and resolves once it has printed the two variables. */
async function startServe(
  args: string[],
): Promise<{ child: ChildProcess; url: string; token: string; stderr: () => string; vars: Record<string, string> }> {
  const child = spawn(BIN, ['serve', ...args], { env: fx.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let out = '';
  const vars = await new Promise<Record<string, string>>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    // stdout carries the variables, stderr then says it is serving.
    const check = () => {
      if (!stderr.includes('until interrupted')) return;
      resolve(
        Object.fromEntries(
          out
            .trim()
            .split('\n')
            .map(
              (l) =>
                l
                  .replace(/^export /, '')
                  .split(/=(.*)/s)
                  .slice(0, 2) as [string, string],
            ),
        ),
      );
    };
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      check();
    });
    child.stderr?.on('data', check);
  });
  return {
    child,
    url: vars.AWS_CONTAINER_CREDENTIALS_FULL_URI as string,
    token: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN as string,
    stderr: () => stderr,
    vars,
  };
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill(signal);
  return done;
}

suite('exec --server', () => {
  test('the JS SDK v3 in the child gets credentials from the endpoint and STS accepts them; no keys in its environment', async () => {
    await login();
    const r = await run(['exec', 'dev', '--server', '--', NODE, join(CHILDREN, 'jsSdkIdentity.ts')], {
      ...fx.env,
      AWS_PROFILE: 'dev',
      AWS_ACCESS_KEY_ID: 'AKIAOUTER',
      AWS_SECRET_ACCESS_KEY: 'outer',
    });
    assert.equal(r.code, 0, describe(r));
    const seen = JSON.parse(r.stdout) as { keys: string[]; arns: string[] };
    assert.match(seen.arns[0] as string, /^arn:aws:sts::111111111111:assumed-role\/AWSReservedSSO_ReadOnly_/);
    assert.match(seen.keys[0] as string, /^ASIA/);
    assert.equal(r.stderr, '');
    const envOnly = await run(
      ['exec', 'dev', '--server', '--', NODE, '-e', 'process.stdout.write(JSON.stringify(process.env))'],
      fx.env,
    );
    const child = JSON.parse(envOnly.stdout) as Record<string, string>;
    assert.match(child.AWS_CONTAINER_CREDENTIALS_FULL_URI as string, /^http:\/\/127\.0\.0\.1:\d+\/credentials$/);
    assert.match(child.AWS_CONTAINER_AUTHORIZATION_TOKEN as string, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(child.AWS_ACCESS_KEY_ID, undefined);
    assert.equal(child.SSOHELPER_PROFILE, 'dev');
  });

  test('botocore in the child gets credentials from the endpoint (container-role) and STS accepts them', async () => {
    await login();
    const r = await run(['exec', 'dev', '--server', '--', 'python3', join(CHILDREN, 'botoIdentity.py')], fx.env);
    assert.equal(r.code, 0, describe(r));
    const seen = JSON.parse(r.stdout) as { arn: string; key: string; method: string };
    assert.match(seen.arn, /AWSReservedSSO_ReadOnly_/);
    assert.equal(seen.method, 'container-role');
  });

  test('each run has its own token; a failure inside the job is its own exit status', async () => {
    await login();
    const a = await run(
      ['exec', 'dev', '--server', '--', 'sh', '-c', 'echo $AWS_CONTAINER_AUTHORIZATION_TOKEN; exit 3'],
      fx.env,
    );
    const b = await run(
      ['exec', 'dev', '--server', '--', 'sh', '-c', 'echo $AWS_CONTAINER_AUTHORIZATION_TOKEN'],
      fx.env,
    );
    assert.equal(a.code, 3);
    assert.notEqual(a.stdout, b.stdout);
  });

  test('a warning when the default profile has credentials that the SDKs would prefer', async () => {
    await login();
    const { appendFileSync } = await import('node:fs');
    appendFileSync(fx.home.configFile, '\n[default]\ncredential_process = /bin/false\n');
    const r = await run(['exec', 'dev', '--server', '--', 'true'], fx.env);
    assert.equal(r.code, 0, describe(r));
    assert.match(r.stderr, /warning: the default profile has credential_process .* run without --server/s);
    const plain = await run(['exec', 'dev', '--', 'true'], fx.env);
    assert.equal(plain.stderr, '', 'keys in the environment win anyway');
  });
});

suite('serve', () => {
  test('prints the two variables, serves fresh credentials, refuses requests without the token, with a wrong one or a foreign Host', async () => {
    await login();
    const s = await startServe(['dev']);
    try {
      assert.deepEqual(Object.keys(s.vars), [
        'AWS_CONTAINER_CREDENTIALS_FULL_URI',
        'AWS_CONTAINER_AUTHORIZATION_TOKEN',
        'AWS_REGION',
        'AWS_DEFAULT_REGION',
      ]);
      const host = new URL(s.url).host;
      const ok = await get(s.url, { Authorization: s.token });
      assert.equal(ok.status, 200);
      assert.deepEqual(Object.keys(ok.body), ['AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration']);
      const id = await callerIdentity(fx.emu.url, {
        AccessKeyId: ok.body.AccessKeyId as string,
        SecretAccessKey: ok.body.SecretAccessKey as string,
        SessionToken: ok.body.Token,
      });
      assert.equal(id.Account, '111111111111');

      const noToken = await get(s.url, {});
      assert.equal(noToken.status, 401);
      assert.equal(noToken.body.Code, 'Unauthorized');
      const wrong = await get(s.url, { Authorization: `${s.token.slice(0, -1)}x` });
      assert.equal(wrong.status, 401);
      const foreign = await get(s.url, { Authorization: s.token, Host: `attacker.example:${new URL(s.url).port}` });
      assert.equal(foreign.status, 403);
      assert.equal(foreign.body.Code, 'InvalidHost');
      const localhost = await get(s.url, { Authorization: s.token, Host: `localhost:${new URL(s.url).port}` });
      assert.equal(localhost.status, 403, 'only the address it bound');
      assert.equal((await get(s.url, { Authorization: s.token, Host: host }, 'POST')).status, 405);
      assert.equal((await get(s.url.replace('/credentials', '/other'), { Authorization: s.token })).status, 404);
      for (const refused of [noToken, wrong, foreign]) assert.equal(refused.body.AccessKeyId, undefined);
      assert.equal(fx.emu.counters.GetRoleCredentials, 1);
      assert.doesNotMatch(s.stderr(), new RegExp(s.token), 'the token is never logged');
    } finally {
      assert.equal(await stop(s.child), 143, 'SIGTERM: 143, as the exit-code table says');
    }
    assert.match(s.stderr(), /credential endpoint refused a request \(missing or wrong authorization token\)/);
    assert.match(s.stderr(), /credential endpoint stopped/);
  });

  test('SIGINT ends serve with 130 and SIGHUP (a closed terminal) with 129, each after its closing message', async () => {
    await login();
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGHUP', 129],
    ] as const) {
      const s = await startServe(['dev']);
      assert.equal(await stop(s.child, signal), code, `${signal}: ${s.stderr()}`);
      assert.match(s.stderr(), /credential endpoint stopped\n$/, signal);
    }
  });

  test('a session that ends mid-run: the protocol error JSON, and a log line naming the fix', async () => {
    const session = await login();
    const s = await startServe(['dev', '--format', 'env-no-export']);
    try {
      assert.equal((await get(s.url, { Authorization: s.token })).status, 200);
      fx.emu.revoke(session.accessToken);
      rmSync(roleFile(fx.home, '111111111111', 'ReadOnly'));
      const failed = await get(s.url, { Authorization: s.token });
      assert.equal(failed.status, 401);
      assert.equal(failed.body.Code, 'LoginRequired');
      assert.match(failed.body.Message as string, /ssohelper login --sso-session corp/);
      const again = await get(s.url, { Authorization: s.token });
      assert.equal(again.status, 401);
    } finally {
      await stop(s.child);
    }
    const logged = s.stderr().match(/credential endpoint answered 401 LoginRequired/g) ?? [];
    assert.equal(logged.length, 1, `said once: ${s.stderr()}`);
    assert.match(s.stderr(), /run: ssohelper login --sso-session corp/);
  });

  test('--port, and a port in use is a configuration error', async () => {
    await login();
    const s = await startServe(['dev']);
    try {
      const port = new URL(s.url).port;
      const busy = await run(['serve', 'dev', '--port', port], fx.env);
      assert.equal(busy.code, 3, describe(busy));
      assert.match(busy.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
      assert.equal(busy.stdout, '');
      const bad = await run(['serve', 'dev', '--port', '99999'], fx.env);
      assert.equal(bad.code, 2);
    } finally {
      await stop(s.child);
    }
  });

  test('no login: fails at once, before serving anything', async () => {
    const r = await collect(spawn(BIN, ['serve', 'dev'], { env: fx.env, stdio: ['ignore', 'pipe', 'pipe'] }));
    assert.equal(r.code, 4, describe(r));
    assert.equal(r.stdout, '');
  });
});
