// exec's pure parts: the child's environment, nesting, exit statuses, start failures, the
// terminal check, and the credential endpoint's request screening.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandArgs } from '../../src/cli/args.ts';
import { exec } from '../../src/commands/exec.ts';
import { exitStatus, startFailure } from '../../src/exec/child.ts';
import { inTerminalForeground } from '../../src/terminal.ts';
import { checkNesting, childEnvironment } from '../../src/exec/environment.ts';
import { execTarget, userShell } from '../../src/commands/exec.ts';
import { assertServable, credentialBody, errorStatus, refusal, tokenMatches } from '../../src/exec/server.ts';
import {
  AccessDeniedError,
  ConfigError,
  LockTimeoutError,
  LoginRequiredError,
  ServiceError,
  UsageError,
} from '../../src/errors.ts';

const parse = (...argv: string[]) => parseCommandArgs(argv, exec.flags, exec.maxPositionals, 'exec', exec.optionsEndAt);

test('execTarget: PROFILE, --profile, the environment, and --', () => {
  assert.deepEqual(execTarget(parse('dev', 'tf', 'plan', '-out', 'p')), {
    profile: 'dev',
    command: 'tf',
    args: ['plan', '-out', 'p'],
    profileFromFirstWord: true,
  });
  assert.deepEqual(execTarget(parse('--profile', 'dev', 'tf', '-x')), {
    profile: 'dev',
    command: 'tf',
    args: ['-x'],
    profileFromFirstWord: false,
  });
  assert.deepEqual(execTarget(parse('--', 'tf', 'plan')), {
    profile: undefined,
    command: 'tf',
    args: ['plan'],
    profileFromFirstWord: false,
  });
  assert.deepEqual(execTarget(parse('dev', '--server', '--', 'tf')), {
    profile: 'dev',
    command: 'tf',
    args: [],
    profileFromFirstWord: false,
  });
  assert.throws(
    () =>
      execTarget(parse('--server', 'a', '--', 'tf')).profile === 'a' &&
      execTarget({ flags: {}, positionals: ['a', 'b', 'tf'], beforeSeparator: 2 }),
    /at most one PROFILE before --/,
  );
  // Once COMMAND has begun, a later -- is its own.
  assert.deepEqual(execTarget(parse('a', 'b', '--', 'tf')), {
    profile: 'a',
    command: 'b',
    args: ['--', 'tf'],
    profileFromFirstWord: true,
  });
  // No COMMAND: the user's shell (chosen by the command with the runtime's platform).
  assert.equal(execTarget(parse('dev')).command, undefined);
  assert.equal(execTarget(parse('dev', '--')).command, undefined);
  assert.throws(
    () => execTarget(parse('dev', '--', '')),
    (e: unknown) => e instanceof UsageError && /empty word/.test(e.message),
  );
  assert.throws(
    () =>
      execTarget(parse('--profile', 'a', 'b', '--', 'tf')).command === 'b' &&
      execTarget(parse('b', '--profile', 'a', '--', 'tf')),
    /two different profiles/,
  );
});

test('the shell exec starts without a command: $SHELL, /bin/sh without it, %COMSPEC% on Windows', () => {
  assert.equal(userShell({ SHELL: '/usr/bin/zsh' }, 'linux'), '/usr/bin/zsh');
  assert.equal(userShell({}, 'darwin'), '/bin/sh');
  assert.equal(
    userShell({ COMSPEC: 'C:\\Windows\\system32\\cmd.exe', SHELL: '/usr/bin/bash' }, 'win32'),
    'C:\\Windows\\system32\\cmd.exe',
  );
  assert.equal(userShell({}, 'win32'), 'cmd.exe');
});

test('the child environment: credential sources removed, ours added, region only when known', () => {
  const base = {
    PATH: '/bin',
    AWS_PROFILE: 'x',
    AWS_DEFAULT_PROFILE: 'y',
    AWS_ACCESS_KEY_ID: 'OLD',
    AWS_SECURITY_TOKEN: 'old',
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: '/t',
    AWS_REGION: 'ap-south-1',
    UNSET: undefined,
  };
  const stat = childEnvironment(
    base,
    'dev',
    {
      kind: 'static',
      variables: [
        ['AWS_ACCESS_KEY_ID', 'ASIA1'],
        ['AWS_SECRET_ACCESS_KEY', 's'],
      ],
    },
    'eu-west-1',
  );
  assert.deepEqual(stat, {
    PATH: '/bin',
    AWS_ACCESS_KEY_ID: 'ASIA1',
    AWS_SECRET_ACCESS_KEY: 's',
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
    SSOHELPER_PROFILE: 'dev',
  });
  const served = childEnvironment(
    base,
    'dev',
    { kind: 'server', url: 'http://127.0.0.1:1/credentials', token: 'tok' },
    undefined,
  );
  assert.deepEqual(served, {
    PATH: '/bin',
    AWS_REGION: 'ap-south-1',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/credentials',
    AWS_CONTAINER_AUTHORIZATION_TOKEN: 'tok',
    SSOHELPER_PROFILE: 'dev',
  });
});

test('nesting: another profile refused unless allowed', () => {
  checkNesting({}, 'dev', false);
  checkNesting({ SSOHELPER_PROFILE: 'dev' }, 'dev', false);
  checkNesting({ SSOHELPER_PROFILE: 'prod' }, 'dev', true);
  assert.throws(
    () => checkNesting({ SSOHELPER_PROFILE: 'prod' }, 'dev', false),
    (e: unknown) =>
      e instanceof UsageError &&
      /for profile "prod"; refusing to nest profile "dev"/.test(e.message) &&
      /--nested/.test(e.hint ?? ''),
  );
});

test('exit statuses as a shell reports them', () => {
  assert.equal(exitStatus(0, null), 0);
  assert.equal(exitStatus(3, null), 3);
  assert.equal(exitStatus(null, 'SIGTERM', { SIGTERM: 15 }), 143);
  assert.equal(exitStatus(null, 'SIGINT', { SIGINT: 2 }), 130);
  assert.equal(exitStatus(null, 'SIGKILL', { SIGKILL: 9 }), 137);
  assert.equal(exitStatus(null, null, {}), 1);
  assert.equal(startFailure('tf', 'ENOENT').exitCode, 127);
  for (const code of ['EACCES', 'EPERM', 'ENOEXEC', 'EINVAL', 'EIO', undefined])
    assert.equal(startFailure('tf', code).exitCode, 126, String(code));
  assert.match(startFailure('tf', 'ENOENT').message, /^exec: tf: command not found$/);
  assert.match(startFailure('npm', 'EINVAL').message, /-- cmd \/d \/c npm/);
});

test('terminal foreground: /proc on Linux, stdin elsewhere', () => {
  // pid (comm with ) spaces) state ppid pgrp session tty_nr tpgid ...
  const stat = (pgrp: number, tty: number, tpgid: number) => () =>
    `123 (a) b) S 1 ${pgrp} ${pgrp} ${tty} ${tpgid} 4194560 0`;
  assert.equal(
    inTerminalForeground('linux', () => false, stat(50, 34816, 50)),
    true,
  );
  assert.equal(
    inTerminalForeground('linux', () => true, stat(50, 34816, 60)),
    false,
    'a background job',
  );
  assert.equal(
    inTerminalForeground('linux', () => true, stat(50, 0, -1)),
    false,
    'no terminal',
  );
  assert.equal(
    inTerminalForeground(
      'linux',
      () => true,
      () => {
        throw new Error('no /proc');
      },
    ),
    true,
  );
  assert.equal(
    inTerminalForeground('darwin', () => true),
    true,
  );
  assert.equal(
    inTerminalForeground('win32', () => false),
    false,
  );
});

test('endpoint screening: Host first, then the token, then method and path', () => {
  const ok = { method: 'GET', url: '/credentials', headers: { host: '127.0.0.1:4000', authorization: 'tok' } };
  assert.equal(refusal(ok, '127.0.0.1:4000', 'tok'), undefined);
  assert.equal(
    refusal({ ...ok, headers: { ...ok.headers, host: 'evil.example:4000' } }, '127.0.0.1:4000', 'tok'),
    'host',
  );
  assert.equal(refusal({ ...ok, headers: { ...ok.headers, host: 'localhost:4000' } }, '127.0.0.1:4000', 'tok'), 'host');
  assert.equal(refusal({ ...ok, headers: { authorization: 'tok' } }, '127.0.0.1:4000', 'tok'), 'host');
  assert.equal(refusal({ ...ok, headers: { host: '127.0.0.1:4000' } }, '127.0.0.1:4000', 'tok'), 'token');
  assert.equal(refusal({ ...ok, headers: { ...ok.headers, authorization: 'tok2' } }, '127.0.0.1:4000', 'tok'), 'token');
  assert.equal(refusal({ ...ok, method: 'POST' }, '127.0.0.1:4000', 'tok'), 'method');
  assert.equal(refusal({ ...ok, url: '/credentials?x' }, '127.0.0.1:4000', 'tok'), 'path');
  assert.equal(tokenMatches('abc', 'abc'), true);
  assert.equal(tokenMatches('abc', 'abcd'), false);
  assert.equal(tokenMatches('abc', undefined), false);
});

test('endpoint bodies and error statuses', () => {
  const body = JSON.parse(
    credentialBody(
      {
        accessKeyId: 'ASIA',
        secretAccessKey: 's',
        sessionToken: 't',
        expiration: new Date('2026-11-30T12:00:00.250Z'),
      },
      0,
    ),
  );
  assert.deepEqual(body, { AccessKeyId: 'ASIA', SecretAccessKey: 's', Token: 't', Expiration: '2026-11-30T12:00:00Z' });
  const forever = JSON.parse(
    credentialBody(
      { accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: 't', expiration: undefined },
      Date.parse('2026-11-30T12:00:00Z'),
    ),
  );
  assert.equal(forever.Expiration, '2026-11-30T13:00:00Z', 'a process without Expiration: asked again in an hour');
  assert.throws(
    () =>
      assertServable(
        { accessKeyId: 'AKIA', secretAccessKey: 's', sessionToken: undefined, expiration: undefined },
        'static',
        'exec',
      ),
    (e: unknown) =>
      e instanceof ConfigError && /long-term keys/.test(e.message) && /without --server/.test(e.hint ?? ''),
  );
  assertServable({ accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: 't', expiration: undefined }, 'p', 'exec');
  assert.deepEqual(errorStatus(new LoginRequiredError('x')), { status: 401, code: 'LoginRequired' });
  assert.deepEqual(errorStatus(new AccessDeniedError('x')), { status: 403, code: 'AccessDenied' });
  assert.deepEqual(errorStatus(new ServiceError('x')), { status: 502, code: 'ServiceUnavailable' });
  assert.deepEqual(errorStatus(new LockTimeoutError('x')), { status: 503, code: 'LockTimeout' });
  assert.deepEqual(errorStatus(new Error('x')), { status: 500, code: 'InternalError' });
});
