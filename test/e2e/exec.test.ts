// `exec` with keys in the environment: what the child sees, exit statuses, signals, stdio bytes,
// commands that cannot start, and nesting. The built executable against the emulator.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe as suite, test } from 'node:test';
import { useEmulator } from '../helpers/fixture.ts';
import { seedToken } from '../helpers/home.ts';
import { BIN, collect, describe, expectFailure, run } from '../helpers/run.ts';
import { callerIdentity } from '../helpers/sts.ts';
import { tempDir } from '../helpers/temp.ts';

const fx = useEmulator({
  assign: [
    ['111111111111', 'ReadOnly'],
    ['111111111111', 'Role1'],
  ],
});
const NODE = process.execPath;
/** A child that prints its environment as JSON. */
const PRINT_ENV = ['-e', 'process.stdout.write(JSON.stringify(process.env))'];

async function login() {
  return seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
}

function envOf(stdout: string): Record<string, string> {
  return JSON.parse(stdout) as Record<string, string>;
}

suite('exec', () => {
  test('the child gets what `env` prints, SSOHELPER_PROFILE, and no AWS_PROFILE; the keys work', async () => {
    await login();
    const parent = {
      ...fx.env,
      AWS_PROFILE: 'p1',
      AWS_DEFAULT_PROFILE: 'p1',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/x',
      KEEP_ME: 'yes',
    };
    const r = await run(['exec', 'dev', '--', NODE, ...PRINT_ENV], parent);
    assert.equal(r.code, 0, describe(r));
    const child = envOf(r.stdout);
    const printed = await run(['env', 'dev', '--format', 'env-no-export'], fx.env);
    for (const line of printed.stdout.trim().split('\n')) {
      const [k, v] = line.split(/=(.*)/s) as [string, string];
      assert.equal(child[k], v, k);
    }
    assert.equal(child.AWS_REGION, 'eu-central-1');
    assert.equal(child.SSOHELPER_PROFILE, 'dev');
    assert.equal(child.KEEP_ME, 'yes');
    for (const gone of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'])
      assert.equal(child[gone], undefined, gone);
    const id = await callerIdentity(fx.emu.url, {
      AccessKeyId: child.AWS_ACCESS_KEY_ID as string,
      SecretAccessKey: child.AWS_SECRET_ACCESS_KEY as string,
      SessionToken: child.AWS_SESSION_TOKEN,
    });
    assert.match(id.Arn ?? '', /AWSReservedSSO_ReadOnly_/);
    assert.equal(fx.emu.counters.GetRoleCredentials, 1, 'exec and env shared one cached entry');
  });

  test('profile from AWS_PROFILE after --, or --profile; --no-region keeps inherited region variables', async () => {
    await login();
    const r = await run(['exec', '--no-region', '--', NODE, ...PRINT_ENV], {
      ...fx.env,
      AWS_PROFILE: 'p1',
      AWS_REGION: 'ap-south-1',
    });
    assert.equal(r.code, 0, describe(r));
    assert.equal(r.stderr, '');
    const child = envOf(r.stdout);
    assert.equal(child.SSOHELPER_PROFILE, 'p1');
    assert.equal(child.AWS_REGION, 'ap-south-1');
    const flagged = await run(['exec', '--profile', 'dev', NODE, ...PRINT_ENV], fx.env);
    assert.equal(envOf(flagged.stdout).SSOHELPER_PROFILE, 'dev', describe(flagged));
  });

  test('options after COMMAND belong to it', async () => {
    await login();
    const r = await run(['exec', 'dev', 'sh', '-c', 'printf "%s|" "$@"', 'sh', '--', '--server', '-x'], fx.env);
    assert.equal(r.code, 0, describe(r));
    assert.equal(r.stdout, '--|--server|-x|');
  });

  test("exit status is the child's; a child killed by a signal gives 128+N", async () => {
    await login();
    assert.equal((await run(['exec', 'dev', '--', 'sh', '-c', 'exit 7'], fx.env)).code, 7);
    assert.equal((await run(['exec', 'dev', '--', 'sh', '-c', 'exit 0'], fx.env)).code, 0);
    const term = await run(['exec', 'dev', '--', 'sh', '-c', 'kill -TERM $$'], fx.env);
    assert.equal(term.code, 143, describe(term));
    assert.equal(term.stderr, '');
    assert.equal((await run(['exec', 'dev', '--', 'sh', '-c', 'kill -KILL $$'], fx.env)).code, 137);
  });

  test("stdin, stdout and stderr are the child's own, byte for byte", async () => {
    await login();
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7 + 3) % 256));
    const child = spawn(BIN, ['exec', 'dev', '--', 'sh', '-c', 'cat; echo to-stderr >&2'], {
      env: fx.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end(bytes);
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    assert.ok(Buffer.concat(chunks).equals(bytes), 'stdout differs from stdin');
    assert.equal(stderr, 'to-stderr\n');
  });

  test('127 for a command not found, 126 for one that cannot be executed: one line each', async () => {
    await login();
    const dir = tempDir('ssohelper-exec-');
    try {
      const notFound = await run(['exec', 'dev', '--', 'no-such-command-ssohelper'], fx.env);
      expectFailure(notFound, 127, /^ssohelper: exec: no-such-command-ssohelper: command not found\n$/);
      const plain = join(dir, 'script.sh');
      writeFileSync(plain, '#!/bin/sh\necho hi\n');
      chmodSync(plain, 0o644);
      expectFailure(
        await run(['exec', 'dev', '--', plain], fx.env),
        126,
        /^ssohelper: exec: .*script\.sh: permission denied[^\n]*\n$/,
      );
      expectFailure(
        await run(['exec', 'dev', '--', dir], fx.env),
        126,
        /^ssohelper: exec: .*: permission denied[^\n]*\n$/,
      );
      // No COMMAND: $SHELL starts with the credentials.
      const shell = join(dir, 'fake-shell');
      writeFileSync(shell, '#!/bin/sh\necho "shell for $SSOHELPER_PROFILE $AWS_REGION"\n');
      chmodSync(shell, 0o755);
      const opened = await run(['exec', 'dev'], { ...fx.env, SHELL: shell });
      assert.equal(opened.code, 0, describe(opened));
      assert.equal(opened.stdout, 'shell for dev eu-central-1\n');
      // With AWS_PROFILE set, `exec aws sts ...` takes "aws" for the profile: the hint says how to write it.
      const taken = await run(['exec', 'aws', 'sts', 'get-caller-identity'], { ...fx.env, AWS_PROFILE: 'dev' });
      expectFailure(
        taken,
        3,
        /profile "aws" not found[^\n]*\n {2}to run "aws" with profile dev from the environment, put -- before it: ssohelper exec -- aws sts get-caller-identity\n$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the job is not started when there are no credentials', async () => {
    const dir = tempDir('ssohelper-exec-');
    try {
      const marker = join(dir, 'ran');
      expectFailure(
        await run(['exec', 'dev', '--', 'touch', marker], fx.env),
        4,
        /no SSO login found for sso-session "corp"/,
      );
      assert.equal(existsSync(marker), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to ssohelper reach the child, and ssohelper waits for it', async () => {
    await login();
    const script = [
      "for (const s of ['SIGINT','SIGTERM','SIGHUP','SIGQUIT']) process.on(s, () => { console.log('child got ' + s); setTimeout(() => process.exit(40), 300); });",
      "console.log('ready'); setInterval(() => {}, 1000);",
    ].join('\n');
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const) {
      // Its own session: no terminal, so nothing but us can deliver the signal to the child.
      const child = spawn(BIN, ['exec', 'dev', '--', NODE, '-e', script], {
        env: fx.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let out = '';
      await new Promise<void>((resolve) => {
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          if (out.includes('ready')) resolve();
        });
      });
      const done = collect(child);
      process.kill(child.pid as number, signal);
      const r = await done;
      assert.equal(r.code, 40, `${signal}: ${describe(r)}`);
      assert.equal(r.signal, null);
      assert.equal(out, `ready\nchild got ${signal}\n`, 'delivered once');
    }
  });

  test('nesting another profile is refused unless --nested; the same profile and no profile are fine', async () => {
    await login();
    const inside = { ...fx.env, SSOHELPER_PROFILE: 'p1' };
    expectFailure(
      await run(['exec', 'dev', '--', 'true'], inside),
      2,
      /already running under `ssohelper exec` for profile "p1"; refusing to nest profile "dev"/,
    );
    assert.equal((await run(['exec', 'dev', '--nested', '--', 'true'], inside)).code, 0);
    assert.equal((await run(['exec', 'p1', '--', 'true'], inside)).code, 0);
    const r = await run(['exec', '--', NODE, ...PRINT_ENV], inside);
    assert.equal(envOf(r.stdout).SSOHELPER_PROFILE, 'p1', describe(r));
    // A real nested run: the inner exec inherits the outer one's environment.
    const nested = await run(['exec', 'dev', '--', BIN, 'exec', 'p1', '--', 'true'], fx.env);
    expectFailure(nested, 2, /already running under `ssohelper exec` for profile "dev"/);
  });
});
