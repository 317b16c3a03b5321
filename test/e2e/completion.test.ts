// Shell completion, in the real shells: bash runs the function that `complete -p ssohelper`
// names, fish answers `complete -C`, zsh parses the script and loads it under compinit. The
// built executable answers, reading the config of a temporary HOME at completion time.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { COMMANDS } from '../../src/commands/index.ts';
import { complete } from '../../src/cli/completion.ts';
import { FORMATS } from '../../src/format/credentials.ts';
import { makeHome } from '../helpers/home.ts';
import { BIN, requireBinary } from '../helpers/run.ts';
import { tempDir } from '../helpers/temp.ts';

requireBinary();
const bin = tempDir('ssohelper-bin-');
symlinkSync(BIN, join(bin, 'ssohelper'));
const home = makeHome(
  [
    '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n',
    '[sso-session lab]\nsso_start_url = https://lab.awsapps.com/start\nsso_region = eu-west-1\n',
    '[profile prod]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\n',
    '[profile preview]\nsso_session = lab\nsso_account_id = 222222222222\nsso_role_name = Dev\n',
    '[default]\nregion = eu-west-1\n',
  ].join('\n'),
);
after(() => {
  rmSync(bin, { recursive: true, force: true });
  rmSync(home.dir, { recursive: true, force: true });
});
const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: home.dir, LANG: 'C.UTF-8' };

function shell(file: string, args: string[], input?: string) {
  const r = spawnSync(file, args, { env, input, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.error, undefined, `${file} is missing: apt-get install ${file} (make test installs it)`);
  assert.equal(r.status, 0, `${file}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Runs the completion function bash registered for ssohelper on a command line. */
function bashComplete(line: string): string[] {
  const script = `
eval "$(ssohelper completion bash)"
spec=$(complete -p ssohelper)
fn=\${spec##*-F }; fn=\${fn%% *}
line=$1
COMP_LINE=$line; COMP_POINT=\${#line}
read -ra COMP_WORDS <<< "$line"
[[ $line == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
"$fn" ssohelper "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "\${COMPREPLY[@]}"`;
  return shell('bash', ['-c', script, 'bash', line]).split('\n').filter(Boolean);
}

describe('completion', () => {
  test('bash: the function named by `complete -p ssohelper` completes commands, profiles, flags and values', () => {
    assert.match(
      shell('bash', ['-c', 'eval "$(ssohelper completion bash)"; complete -p ssohelper']),
      /-F _ssohelper ssohelper$/m,
    );
    assert.deepEqual(bashComplete('ssohelper ge'), ['get']);
    assert.deepEqual(bashComplete('ssohelper get pr'), ['preview', 'prod']);
    assert.deepEqual(bashComplete('ssohelper env '), ['default', 'preview', 'prod']);
    assert.deepEqual(bashComplete('ssohelper env --fo'), ['--format']);
    assert.deepEqual(bashComplete('ssohelper env --format '), [...FORMATS]);
    assert.deepEqual(bashComplete('ssohelper env --format p'), ['process', 'powershell']);
    assert.deepEqual(bashComplete('ssohelper login --sso-session '), ['corp', 'lab']);
    assert.deepEqual(bashComplete('ssohelper status --output '), ['text', 'json']);
    assert.deepEqual(bashComplete('ssohelper completion '), []);
  });

  test('names come from the config at completion time', () => {
    const before = bashComplete('ssohelper get ');
    writeFileSync(home.configFile, '[profile later]\nregion = eu-west-1\n', { flag: 'a' });
    assert.deepEqual(bashComplete('ssohelper get '), [...before, 'later'].sort());
  });

  test('a broken config offers no names and prints nothing into the command line', () => {
    const broken = makeHome('[profile x\nnot ini');
    const r = spawnSync(BIN, ['completion', '--complete', 'bash', ':', 'get'], {
      env: { ...env, HOME: broken.dir },
      encoding: 'utf8',
    });
    rmSync(broken.dir, { recursive: true, force: true });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
  });

  test('fish: `complete -C` offers commands with their summaries, and profile names', () => {
    const script = `ssohelper completion fish | source; complete -C 'ssohelper ge'; complete -C 'ssohelper get pr'; complete -C 'ssohelper env --format=w'`;
    const out = shell('fish', ['--no-config', '-c', script]);
    assert.match(out, /^get\tprint credentials as credential_process JSON$/m);
    assert.match(out, /^preview\tprofile$/m);
    assert.match(out, /^prod\tprofile$/m);
    assert.match(out, /^--format=windows-cmd$/m);
  });

  test('zsh: the script parses, and loads under compinit both ways it is installed', () => {
    const script = shell('ssohelper', ['completion', 'zsh']);
    const file = join(bin, '_ssohelper');
    writeFileSync(file, script);
    shell('zsh', ['-n', file]);
    const loaded = shell('zsh', [
      '-f',
      '-c',
      `autoload -Uz compinit && compinit -u -d ${join(bin, '.zcompdump')} && source ${file} && print -r -- $_comps[ssohelper]`,
    ]);
    assert.equal(loaded.trim(), '_ssohelper');
    const viaFpath = shell('zsh', [
      '-f',
      '-c',
      `fpath=(${bin} $fpath); autoload -Uz compinit && compinit -u -d ${join(bin, '.zcompdump2')} && print -r -- $_comps[ssohelper]`,
    ]);
    assert.equal(viaFpath.trim(), '_ssohelper');
  });

  test('PowerShell: a native argument completer that calls back with the word and the words before it', () => {
    const script = shell('ssohelper', ['completion', 'powershell']);
    assert.match(
      script,
      /^Register-ArgumentCompleter -Native -CommandName ssohelper, ssohelper\.exe -ScriptBlock \{$/m,
    );
    assert.match(script, /ssohelper completion --complete powershell ":\$wordToComplete" @words/);
    // The answer format it splits: value, tab, description.
    const r = spawnSync(BIN, ['completion', '--complete', 'powershell', ':--f', 'env'], { env, encoding: 'utf8' });
    assert.equal(
      r.stdout,
      '--format\tone of process, env, env-no-export, powershell, windows-cmd, fish (default env)\n',
    );
  });

  test('every command and every flag of the table is offered (so completion cannot drift from --help)', async () => {
    const none = { profiles: async () => [], ssoSessions: async () => [] };
    assert.deepEqual(
      (await complete(COMMANDS, [], '', none)).map((c) => c.value),
      [...COMMANDS.map((c) => c.name), '--help', '--version'],
    );
    for (const command of COMMANDS) {
      const offered = (await complete(COMMANDS, [command.name], '--', none)).map((c) => c.value);
      for (const flag of command.flags) assert.ok(offered.includes(`--${flag.name}`), `${command.name} --${flag.name}`);
    }
  });

  test('bash splits `--format=p` at "=": the value is still completed', async () => {
    const none = { profiles: async () => [], ssoSessions: async () => [] };
    const values = async (words: string[], current: string) =>
      (await complete(COMMANDS, words, current, none)).map((c) => c.value);
    assert.deepEqual(await values(['env', '--format', '='], 'p'), ['process', 'powershell']);
    // The cursor right after "=": bash replaces the "=" itself, so it stays in front.
    assert.deepEqual(
      await values(['env', '--format'], '='),
      FORMATS.map((f) => `=${f}`),
    );
    // Other shells keep the word whole.
    assert.deepEqual(await values(['env'], '--format=w'), ['--format=windows-cmd']);
  });

  test('usage errors name the shells', () => {
    const r = spawnSync(BIN, ['completion', 'tcsh'], { env, encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown shell "tcsh"/);
    assert.match(r.stderr, /bash, zsh, fish, powershell/);
  });
});
