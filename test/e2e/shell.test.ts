// The shell hook in real bash, zsh and fish: `use` switches the shell it is typed in, a failing
// name leaves it as it was, --clear empties it, keys near expiry are renewed at a prompt, and a
// prompt with nothing due starts no process. `ssohelper` on PATH is a wrapper that logs each
// start, so "no process" is counted, not assumed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe as suite, test } from 'node:test';
import { useEmulator } from '../helpers/fixture.ts';
import { seedRole, seedToken, standardConfig } from '../helpers/home.ts';
import { BIN, collect, describe, run } from '../helpers/run.ts';
import { tempDir } from '../helpers/temp.ts';

const fx = useEmulator({
  assign: [['111111111111', 'ReadOnly']],
  config: () =>
    `${standardConfig()}\n[profile noregion]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n`,
});

/** A PATH whose `ssohelper` logs every start to the returned file, then runs the real one. */
function loggingPath(): { path: string; log: string } {
  const dir = tempDir('shell-bin-');
  const log = join(dir, 'starts.log');
  writeFileSync(log, '');
  writeFileSync(join(dir, 'ssohelper'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${BIN}' "$@"\n`);
  chmodSync(join(dir, 'ssohelper'), 0o755);
  return { path: `${dir}:${process.env.PATH}`, log };
}

/** Runs the script in a real shell; asynchronously, since the emulator answers in this process. */
async function shell(program: string, script: string, extra: Record<string, string> = {}) {
  const { path, log } = loggingPath();
  const args =
    program === 'fish'
      ? ['--no-config', '-c', script]
      : program === 'zsh'
        ? ['-f', '-c', script]
        : ['--norc', '--noprofile', '-c', script];
  const r = await collect(
    spawn(program, args, { env: { ...fx.env, PATH: path, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  return { ...r, starts: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

const LOAD = {
  bash: 'eval "$(ssohelper hook bash)"',
  zsh: 'eval "$(ssohelper hook zsh)"',
  fish: 'ssohelper hook fish | source',
} as const;
/** Prints the variables the hook manages, one `K=V` a line (`K=` when unset). */
const SHOW = {
  bash: 'for k in AWS_ACCESS_KEY_ID AWS_REGION AWS_PROFILE SSOHELPER_PROFILE SSOHELPER_EXPIRES SSOHELPER_PROMPT; do printf "%s=%s\\n" "$k" "${!k-}"; done',
  zsh: 'for k in AWS_ACCESS_KEY_ID AWS_REGION AWS_PROFILE SSOHELPER_PROFILE SSOHELPER_EXPIRES SSOHELPER_PROMPT; do printf "%s=%s\\n" "$k" "${(P)k-}"; done',
  fish: 'for k in AWS_ACCESS_KEY_ID AWS_REGION AWS_PROFILE SSOHELPER_PROFILE SSOHELPER_EXPIRES SSOHELPER_PROMPT; printf "%s=%s\\n" $k "$$k"; end',
} as const;
/** What a prompt does: bash and zsh run the precmd function, fish emits fish_prompt. */
const PROMPT = { bash: '__ssohelper_precmd', zsh: '__ssohelper_precmd', fish: 'emit fish_prompt' } as const;

function values(stdout: string): Array<Record<string, string>> {
  return stdout.split('---\n').map((block) =>
    Object.fromEntries(
      block
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
    ),
  );
}

for (const sh of ['bash', 'zsh', 'fish'] as const) {
  suite(`the ${sh} hook`, () => {
    test('use switches the shell, a failing name leaves it as it was, --clear empties it', async () => {
      await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
      const sep = sh === 'fish' ? 'echo ---' : 'echo ---';
      const script = [
        LOAD[sh],
        'ssohelper use dev',
        SHOW[sh],
        sep,
        'ssohelper use no-such-profile',
        `echo "status=$status"`.replace('$status', sh === 'fish' ? '$status' : '$?'),
        SHOW[sh],
        sep,
        'ssohelper use noregion',
        SHOW[sh],
        sep,
        'ssohelper use --clear',
        SHOW[sh],
      ].join('\n');
      const r = await shell(sh, script, { AWS_PROFILE: 'p1' });
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      const [used, failed, switched, cleared] = values(r.stdout) as [
        Record<string, string>,
        Record<string, string>,
        Record<string, string>,
        Record<string, string>,
      ];
      assert.match(used.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
      assert.equal(used.AWS_REGION, 'eu-central-1');
      assert.equal(used.AWS_PROFILE, '', 'AWS_PROFILE naming another profile is removed');
      assert.equal(used.SSOHELPER_PROFILE, 'dev');
      assert.match(used.SSOHELPER_EXPIRES ?? '', /^\d{10}$/);
      assert.match(used.SSOHELPER_PROMPT ?? '', /^dev (59m|1h00m)$/);
      const { status, ...after } = failed;
      assert.equal(status, '3', 'the failing name returns its exit status');
      assert.deepEqual(after, used, 'a failing name leaves the shell exactly as it was');
      assert.match(r.stderr, /profile "no-such-profile"/);
      assert.equal(switched.SSOHELPER_PROFILE, 'noregion');
      assert.equal(switched.AWS_REGION, '', 'a profile without a region leaves no stale region');
      for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_REGION', 'SSOHELPER_PROFILE', 'SSOHELPER_EXPIRES', 'SSOHELPER_PROMPT'])
        assert.equal(cleared[k], '', k);
      assert.equal(fx.emu.counters.GetRoleCredentials, 1, 'dev and noregion share one role: one request');
    });

    test('a prompt with nothing due starts no process; keys within 10 minutes of expiry are renewed at the next prompt', async () => {
      await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
      await seedRole(fx.home, '111111111111', 'ReadOnly', {
        accessKeyId: 'ASIAOLDKEY0000000001',
        secretAccessKey: 'c2VjcmV0',
        sessionToken: 'dG9rZW4',
        expiration: new Date(Date.now() + 12 * 60_000),
      });
      const script = [
        LOAD[sh],
        'ssohelper use dev --min-ttl 5m',
        PROMPT[sh],
        PROMPT[sh],
        SHOW[sh],
        'echo ---',
        // As if a few minutes had passed: the keys now expire within the renewal window, and the
        // cached ones are short of the 15 minutes `use` asks for, so renewing fetches.
        sh === 'fish'
          ? 'set -gx SSOHELPER_EXPIRES (math (date +%s) + 300)'
          : 'SSOHELPER_EXPIRES=$(( $(date +%s) + 300 ))',
        PROMPT[sh],
        SHOW[sh],
      ].join('\n');
      const r = await shell(sh, script);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      const [before, after] = values(r.stdout) as [Record<string, string>, Record<string, string>];
      assert.equal(before.AWS_ACCESS_KEY_ID, 'ASIAOLDKEY0000000001');
      const ssohelperStarts = r.starts.filter((s) => !s.startsWith('hook '));
      assert.deepEqual(
        ssohelperStarts,
        ['use dev --min-ttl 5m', 'use --quiet dev'],
        'two prompts with nothing due started nothing; the third renewed once',
      );
      assert.notEqual(after.AWS_ACCESS_KEY_ID, before.AWS_ACCESS_KEY_ID, 'renewed keys');
      assert.match(after.SSOHELPER_PROMPT ?? '', /^dev (59m|1h00m)$/);
      assert.equal(fx.emu.counters.GetRoleCredentials, 1);
    });
  });
}

suite('use and prompt without the hook', () => {
  test('use says how to install the hook for the shell in $SHELL, exit 2, nothing on stdout', async () => {
    for (const [shellPath, line] of [
      ['/bin/bash', /ssohelper hook bash/],
      ['/usr/bin/zsh', /ssohelper hook zsh/],
      ['/usr/bin/fish', /ssohelper hook fish/],
    ] as const) {
      const r = await run(['use', 'dev'], { ...fx.env, SHELL: shellPath });
      assert.equal(r.code, 2, describe(r));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /needs the ssohelper shell hook/);
      assert.match(r.stderr, line);
    }
  });

  test('prompt prints the profile and time left from the environment alone, nothing without keys of ours', async () => {
    const base = { ...fx.env, AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', SSOHELPER_PROFILE: 'dev' };
    const expires = String(Math.floor(Date.now() / 1000) + 52 * 60 + 30);
    assert.equal((await run(['prompt'], { ...base, SSOHELPER_EXPIRES: expires })).stdout, 'dev 52m\n');
    const iso = new Date(Date.now() + (2 * 60 + 5) * 60_000 + 30_000).toISOString();
    assert.equal((await run(['prompt'], { ...base, AWS_CREDENTIAL_EXPIRATION: iso })).stdout, 'dev 2h05m\n');
    assert.equal((await run(['prompt'], { ...base, SSOHELPER_EXPIRES: '1000000000' })).stdout, 'dev expired\n');
    assert.equal((await run(['prompt'], fx.env)).stdout, '');
    assert.equal(
      (await run(['prompt'], { ...fx.env, SSOHELPER_PROFILE: 'dev' })).stdout,
      '',
      'a marker without keys is not ours',
    );
  });

  test('env marks the shell and removes AWS_PROFILE naming another profile, in every shell format', async () => {
    await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
    const expected: Record<string, [RegExp, RegExp]> = {
      env: [/^export SSOHELPER_PROFILE=dev$/m, /^unset AWS_PROFILE$/m],
      fish: [/^set -gx SSOHELPER_PROFILE "dev"$/m, /^set -e AWS_PROFILE$/m],
      powershell: [/^\$Env:SSOHELPER_PROFILE="dev"$/m, /^Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue$/m],
      'windows-cmd': [/^set SSOHELPER_PROFILE=dev$/m, /^set AWS_PROFILE=$/m],
    };
    for (const [format, [marker, unset]] of Object.entries(expected)) {
      const r = await run(['env', 'dev', '--format', format], { ...fx.env, AWS_PROFILE: 'p1' });
      assert.equal(r.code, 0, describe(r));
      assert.match(r.stdout, marker, format);
      assert.match(r.stdout, unset, format);
      assert.doesNotMatch(r.stdout, /AWS_DEFAULT_PROFILE/, `${format}: only what is set is removed`);
    }
    const plain = await run(['env', 'dev', '--format', 'env-no-export'], { ...fx.env, AWS_PROFILE: 'p1' });
    assert.match(plain.stdout, /^SSOHELPER_PROFILE=dev$/m);
    assert.doesNotMatch(plain.stdout, /AWS_PROFILE/, 'a K=V file cannot remove a variable');
  });
});

suite('status and doctor see what the shell holds', () => {
  test('status starts with "this shell" and carries it in JSON; doctor accepts the keys', async () => {
    await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
    const env = await run(['env', 'dev', '--format', 'env-no-export'], fx.env);
    const vars = Object.fromEntries(
      env.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    const shellEnv = { ...fx.env, ...vars };
    const text = await run(['status'], shellEnv);
    assert.match(text.stdout, /^this shell: dev, (59m|1h00m) left\n/, describe(text));
    const json = JSON.parse((await run(['status', '--output', 'json'], shellEnv)).stdout) as {
      shell: { profile: string; secondsLeft: number };
    };
    assert.equal(json.shell.profile, 'dev');
    assert.ok(json.shell.secondsLeft > 3000);
    const doctor = await run(['doctor', '--output', 'json'], shellEnv);
    assert.match(doctor.stdout, /this shell holds keys of profile \\"dev\\" from ssohelper/, describe(doctor));
    assert.doesNotMatch(doctor.stdout, /AWS_ACCESS_KEY_ID is set in the environment/);
  });
});
