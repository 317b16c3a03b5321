// Every failure is one line saying what is wrong and one saying what to do, whatever a config
// value holds; and the fix a message names is one that works.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseIni } from '../../src/config/ini.ts';
import { awsPaths } from '../../src/config/files.ts';
import { loadConfig } from '../../src/config/load.ts';
import { buildConfig } from '../../src/config/model.ts';
import { resolveSsoProfile } from '../../src/config/profile.ts';
import { ConfigError, describeFailure } from '../../src/errors.ts';
import { tempDir } from '../helpers/temp.ts';

const FILES = { configFile: '/c', credentialsFile: '/k' };

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return describeFailure(err, false).text;
  }
  assert.fail('expected a failure');
}

test('a value spanning lines (a continuation line) is quoted on one line', () => {
  const config = buildConfig(
    parseIni(
      '[profile p]\nsso_start_url = https://x/start\nsso_region = us-east-1\nsso_account_id = 1111\n  2222\nsso_role_name = R\n',
    ),
    new Map(),
    FILES,
  );
  const text = failure(() => resolveSsoProfile(config, 'p', {}));
  assert.equal(
    text,
    'ssohelper: profile "p" has sso_account_id "1111\\n2222", which is not a 12-digit AWS account ID (in /c)\n',
  );
});

test('control characters and Unicode line separators never reach the terminal raw', () => {
  const text = describeFailure(
    new ConfigError('bad \x1b[31mred\u2028next\rline', 'fix \x1b[0mit\nor this'),
    false,
  ).text;
  // The message is one line; a hint may list commands one a line, each escaped.
  assert.equal(text, 'ssohelper: bad \\x1b[31mred\\u2028next\\rline\n  fix \\x1b[0mit\nor this\n');
  assert.equal(describeFailure(new Error('a\nb'), false).text.split('\n')[0], 'ssohelper: internal error: a\\nb');
});

test('an unterminated header is called that, on line 1 and later', async () => {
  const dir = tempDir('messages-');
  try {
    const cases: Array<[string, RegExp]> = [
      ['[default\nregion = us-east-1\n', /config, line 1: section header "\[default" has no closing "\]"/],
      ['[a]\nk = v\n[profile dev\nregion = x\n', /config, line 3: section header "\[profile dev" has no closing "\]"/],
      ['region = us-east-1\n[default]\n', /config, line 1: a setting appears before any \[section\] header/],
      ['\ufeff[default]\n', /config, line 1: the file starts with a byte order mark/],
    ];
    for (const [text, message] of cases) {
      const configFile = join(dir, 'config');
      writeFileSync(configFile, text);
      await assert.rejects(
        loadConfig({ ...awsPaths({ HOME: dir }), configFile, credentialsFile: join(dir, 'none') }),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.match(err.message, message);
          return true;
        },
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('invalid UTF-8 and oversized configs fail clearly, naming the line or the limit', async () => {
  const dir = tempDir('messages-');
  try {
    const configFile = join(dir, 'config');
    const paths = { ...awsPaths({ HOME: dir }), configFile, credentialsFile: join(dir, 'none') };
    writeFileSync(
      configFile,
      Buffer.concat([
        Buffer.from('[profile dev]\nsso_role_name = Adm'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('in\n'),
      ]),
    );
    await assert.rejects(loadConfig(paths), /config file .*config, line 2: not valid UTF-8 text/);
    // Over 4 MiB is fine (botocore has no limit; generated configs get big)...
    const section = '[profile p%]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n\n';
    const big = Array.from({ length: Math.ceil((5 * 1024 * 1024) / section.length) }, (_, i) =>
      section.replace('%', String(i)),
    ).join('');
    writeFileSync(configFile, big);
    assert.ok((await loadConfig(paths)).profiles.size > 50_000);
    // ...up to a limit that is stated.
    writeFileSync(configFile, '');
    const { truncateSync } = await import('node:fs');
    truncateSync(configFile, 65 * 1024 * 1024);
    await assert.rejects(loadConfig(paths), /is 65\.0 MiB; ssohelper reads such files up to 64\.0 MiB/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
