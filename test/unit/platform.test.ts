// Windows and macOS decisions, run here with the platform injected: where ~/.aws is (checked
// against Python's own ntpath/posixpath, which botocore and the AWS CLI call), variable
// expansion in AWS_CONFIG_FILE, replacing a file that Windows reports busy, and lock names.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loginLockName, roleLockName, tokenLockName } from '../../src/cache/lock.ts';
import { awsPaths, expandPath, homeDir } from '../../src/config/files.ts';
import { ConfigError } from '../../src/errors.ts';
import { REPLACE_RETRY_DELAYS_MS, replaceFile, writeFileAtomic } from '../../src/fs/files.ts';
import { tempDir } from '../helpers/temp.ts';

const dir = tempDir('ssohelper-platform-');
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * What Python's ntpath (Windows) or posixpath computes for each `[expr, env]`, in one python3
 * run: both read os.environ at call time, so each case sets it first.
 */
function python(
  module: 'ntpath' | 'posixpath',
  cases: ReadonlyArray<readonly [string, Record<string, string>]>,
): string[] {
  const code = `import ${module} as p, os, sys, json
out = []
for expr, env in json.load(sys.stdin):
    os.environ.clear()
    os.environ.update(env)
    out.append(eval(expr))
sys.stdout.write(json.dumps(out))`;
  const r = spawnSync('python3', ['-c', code], { input: JSON.stringify(cases), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as string[];
}

describe('home directory and AWS paths per OS', () => {
  const windowsCases: Record<string, string>[] = [
    { USERPROFILE: 'C:\\Users\\ana', HOME: '/c/Users/ana' },
    { USERPROFILE: 'C:\\Users\\ana', HOMEDRIVE: 'D:', HOMEPATH: '\\home\\ana' },
    { HOMEDRIVE: 'D:', HOMEPATH: '\\home\\ana', HOME: '/home/ana' },
    { HOMEPATH: '\\home\\ana' },
  ];

  test('Windows: USERPROFILE, then HOMEDRIVE+HOMEPATH, never HOME (Git Bash sets it), as ntpath.expanduser', () => {
    const theirs = python(
      'ntpath',
      windowsCases.map((env) => ["p.expanduser('~')", env] as const),
    );
    windowsCases.forEach((env, i) => {
      const ours = homeDir(env, 'win32');
      assert.equal(ours, theirs[i], JSON.stringify(env));
      assert.notEqual(ours, env.HOME);
    });
    // With none of the three, Python leaves `~` as is; we take the OS's answer rather than a
    // relative directory named "~".
    assert.equal(homeDir({ HOME: '/c/Users/ana' }, 'win32'), homedir());
  });

  test('Windows: the caches are where botocore and the AWS CLI put them', () => {
    // botocore's default config path is the literal '~/.aws/config': the same file, normalised.
    const exprs = {
      ssoCacheDir: "p.expanduser(p.join('~', '.aws', 'sso', 'cache'))",
      roleCacheDir: "p.expanduser(p.join('~', '.aws', 'cli', 'cache'))",
      configFile: "p.normpath(p.expanduser('~/.aws/config'))",
      credentialsFile: "p.normpath(p.expanduser('~/.aws/credentials'))",
    } as const;
    const keys = Object.keys(exprs) as (keyof typeof exprs)[];
    const theirs = python(
      'ntpath',
      windowsCases.flatMap((env) => keys.map((k) => [exprs[k], env] as const)),
    );
    windowsCases.forEach((env, i) => {
      const paths = awsPaths(env, 'win32');
      for (const [j, k] of keys.entries())
        assert.equal(paths[k], theirs[i * keys.length + j], `${k} ${JSON.stringify(env)}`);
    });
  });

  test('macOS and Linux: HOME, as posixpath.expanduser; USERPROFILE plays no part', () => {
    for (const platform of ['darwin', 'linux'] as const) {
      const env = { HOME: '/Users/ana', USERPROFILE: 'C:\\Users\\ana' };
      assert.deepEqual([homeDir(env, platform)], python('posixpath', [["p.expanduser('~')", env]]));
      assert.equal(awsPaths(env, platform).ssoCacheDir, '/Users/ana/.aws/sso/cache');
      assert.equal(awsPaths(env, platform).configFile, '/Users/ana/.aws/config');
    }
  });

  test('AWS_CONFIG_FILE expansion follows expandvars: %VAR% only on Windows', () => {
    const env = {
      USERPROFILE: 'C:\\Users\\ana',
      HOME: '/home/ana',
      APPDATA: 'C:\\Users\\ana\\AppData\\Roaming',
      CFG: 'cfg',
    };
    const check = (module: 'ntpath' | 'posixpath', platform: NodeJS.Platform, paths: string[]) => {
      const theirs = python(
        module,
        paths.map((path) => [`p.expanduser(p.expandvars(${JSON.stringify(path)}))`, env] as const),
      );
      for (const [i, path] of paths.entries()) assert.equal(expandPath(path, env, platform), theirs[i], path);
    };
    const braced = (name: string) => `\${${name}}`; // shell-style ${NAME}, not a template
    check('ntpath', 'win32', [
      '%APPDATA%\\aws\\config',
      '$APPDATA\\x',
      `${braced('CFG')}\\y`,
      '%MISSING%\\z',
      `~\\.aws\\${braced('CFG')}`,
    ]);
    check('posixpath', 'darwin', ['%APPDATA%/config', '$CFG/x', `~/.aws/${braced('CFG')}`, '~\\not-home']);
  });
});

function busy(code: string, failures: number) {
  const calls: string[] = [];
  return {
    calls,
    rename: async (from: string, to: string) => {
      calls.push(`${from}->${to}`);
      if (calls.length <= failures)
        throw Object.assign(new Error(`${code}: operation not permitted, rename`), { code });
      const { rename } = await import('node:fs/promises');
      await rename(from, to);
    },
  };
}

describe('atomic replace on Windows', () => {
  test('a target held open (EPERM, EACCES, EBUSY) is retried and then replaced', async () => {
    for (const code of ['EPERM', 'EACCES', 'EBUSY']) {
      const target = join(dir, `held-${code}`);
      writeFileSync(target, 'old');
      const fs = busy(code, 3);
      const slept: number[] = [];
      await writeFileAtomic(target, 'new', {
        platform: 'win32',
        rename: fs.rename,
        sleep: async (ms) => void slept.push(ms),
      });
      assert.equal(readFileSync(target, 'utf8'), 'new');
      assert.equal(fs.calls.length, 4);
      assert.deepEqual(slept, REPLACE_RETRY_DELAYS_MS.slice(0, 3));
    }
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  test('the retries are bounded; then the old file is intact, no temp file is left, and the error names the file', async () => {
    const target = join(dir, 'locked');
    writeFileSync(target, 'old');
    const fs = busy('EPERM', Number.POSITIVE_INFINITY);
    const slept: number[] = [];
    await assert.rejects(
      writeFileAtomic(target, 'new', {
        platform: 'win32',
        rename: fs.rename,
        sleep: async (ms) => void slept.push(ms),
      }),
      (err: unknown) =>
        err instanceof ConfigError && err.message.includes(target) && /permission denied/.test(err.message),
    );
    assert.equal(fs.calls.length, REPLACE_RETRY_DELAYS_MS.length + 1);
    assert.ok(slept.reduce((a, b) => a + b, 0) <= 2_000, 'bounded to about two seconds');
    assert.equal(readFileSync(target, 'utf8'), 'old');
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  test('on macOS and Linux the same codes are real permission problems: no retry', async () => {
    for (const platform of ['darwin', 'linux'] as const) {
      const fs = busy('EACCES', 1);
      await assert.rejects(
        replaceFile(join(dir, 'a'), join(dir, 'b'), {
          platform,
          rename: fs.rename,
          sleep: async () => assert.fail('slept'),
        }),
        /EACCES/,
      );
      assert.equal(fs.calls.length, 1);
    }
  });

  test('other failures are not retried on Windows either', async () => {
    const fs = busy('ENOENT', 1);
    await assert.rejects(
      replaceFile(join(dir, 'a'), join(dir, 'b'), {
        platform: 'win32',
        rename: fs.rename,
        sleep: async () => assert.fail('slept'),
      }),
      /ENOENT/,
    );
    assert.equal(fs.calls.length, 1);
  });
});

describe('locks', () => {
  test('lock names are plain file names on every OS (no reserved characters or device names)', () => {
    const hash = 'a'.repeat(40);
    for (const name of [tokenLockName(hash), roleLockName(hash), loginLockName(hash)]) {
      // proper-lockfile makes `<name>.lock` directories with mkdir, which Windows does atomically too.
      assert.match(`${name}.lock`, /^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$/);
      assert.doesNotMatch(name, /^(CON|PRN|AUX|NUL|COM\d|LPT\d)(\.|$)/i);
      assert.ok(name.length + '.lock'.length < 255);
    }
  });

  test('lock directories sit under the Windows home, beside the caches', () => {
    const paths = awsPaths({ USERPROFILE: 'C:\\Users\\ana' }, 'win32');
    assert.equal(paths.lockDir, 'C:\\Users\\ana\\.aws\\ssohelper\\locks');
    assert.equal(paths.stateDir, 'C:\\Users\\ana\\.aws\\ssohelper\\state');
  });
});
