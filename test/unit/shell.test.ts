// The shell room as data: what `env` and `use` print for each shell, what the environment says
// the shell holds, and the PowerShell hook (PowerShell does not run here; bash, zsh and fish
// run the same logic in test/e2e/shell.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { likelyShell } from '../../src/commands/use.ts';
import { heldKeys, promptSegment, shortTimeLeft } from '../../src/shell/held.ts';
import { hookScript } from '../../src/shell/hooks.ts';
import { clearOutput, envOutput, useOutput } from '../../src/shell/variables.ts';
import { ROOT } from '../helpers/run.ts';

const creds = {
  accessKeyId: 'ASIAX',
  secretAccessKey: 'S',
  sessionToken: 'T',
  expiration: new Date('2026-12-05T01:00:00Z'),
};
const now = new Date('2026-12-05T00:08:00Z');

test('use in PowerShell: removes what this profile does not set, then sets keys, region, marker and expiry', () => {
  const out = useOutput({ profileName: 'dev', creds, region: undefined }, 'powershell').split('\n');
  assert.deepEqual(out.slice(0, 4), [
    'Remove-Item Env:AWS_REGION -ErrorAction SilentlyContinue',
    'Remove-Item Env:AWS_DEFAULT_REGION -ErrorAction SilentlyContinue',
    'Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue',
    'Remove-Item Env:AWS_DEFAULT_PROFILE -ErrorAction SilentlyContinue',
  ]);
  assert.ok(out.includes('$Env:SSOHELPER_PROFILE="dev"'));
  assert.ok(out.includes(`$Env:SSOHELPER_EXPIRES="${Date.parse('2026-12-05T01:00:00Z') / 1000}"`));
  assert.ok(out.includes('$Env:AWS_ACCESS_KEY_ID="ASIAX"'));
});

test("use --clear removes every variable use sets, in each shell's words", () => {
  assert.match(clearOutput('env'), /^unset AWS_ACCESS_KEY_ID\n[\s\S]*unset SSOHELPER_EXPIRES\n$/);
  assert.match(clearOutput('fish'), /^set -e AWS_ACCESS_KEY_ID\n/);
  assert.equal(clearOutput('powershell').split('\n').filter(Boolean).length, 8);
});

test('env: a name no shell can take unquoted gets no marker; process JSON is unchanged', () => {
  const odd = envOutput({ profileName: 'my profile', creds, region: 'eu-west-1' }, 'env', {});
  assert.doesNotMatch(odd, /SSOHELPER_PROFILE/);
  assert.match(odd, /export AWS_REGION=eu-west-1\n/);
  assert.doesNotMatch(
    envOutput({ profileName: 'dev', creds, region: 'eu-west-1' }, 'process', { AWS_PROFILE: 'x' }),
    /SSOHELPER|REGION|unset/,
  );
});

test('what the shell holds: marker and keys both, expiry from SSOHELPER_EXPIRES or AWS_CREDENTIAL_EXPIRATION', () => {
  assert.equal(heldKeys({ SSOHELPER_PROFILE: 'dev' }), undefined);
  assert.equal(heldKeys({ AWS_ACCESS_KEY_ID: 'A' }), undefined);
  assert.equal(heldKeys({ AWS_ACCESS_KEY_ID: 'A', SSOHELPER_PROFILE: 'a b' }), undefined);
  assert.deepEqual(
    heldKeys({
      AWS_ACCESS_KEY_ID: 'A',
      SSOHELPER_PROFILE: 'dev',
      AWS_CREDENTIAL_EXPIRATION: '2026-12-05T01:00:00+00:00',
    })?.expiresAt,
    creds.expiration,
  );
  assert.equal(
    promptSegment(
      {
        AWS_ACCESS_KEY_ID: 'A',
        SSOHELPER_PROFILE: 'dev',
        SSOHELPER_EXPIRES: String(creds.expiration.getTime() / 1000),
      },
      now,
    ),
    'dev 52m',
  );
  assert.equal(promptSegment({ AWS_ACCESS_KEY_ID: 'A', SSOHELPER_PROFILE: 'dev' }, now), 'dev');
  assert.equal(shortTimeLeft(new Date(now.getTime() + 125 * 60_000), now), '2h05m');
  assert.equal(shortTimeLeft(now, now), 'expired');
});

test('which shell a user without the hook is told about: $SHELL, PowerShell on Windows', () => {
  assert.equal(likelyShell({ SHELL: '/usr/bin/fish' }, 'linux'), 'fish');
  assert.equal(likelyShell({ SHELL: '/bin/zsh' }, 'darwin'), 'zsh');
  assert.equal(likelyShell({ SHELL: '/bin/dash' }, 'linux'), 'bash');
  assert.equal(likelyShell({}, 'win32'), 'powershell');
  assert.equal(likelyShell({ PSModulePath: 'x' }, 'linux'), 'powershell');
});

test('the PowerShell hook: use only evaluates output after success; renewal is quiet, windowed and backs off', () => {
  const ps = hookScript('powershell');
  const wrapper = ps.slice(ps.indexOf('function global:ssohelper {'), ps.indexOf('function global:ssohelper_prompt'));
  assert.match(wrapper, /\$env:SSOHELPER_HOOK = 'powershell'/);
  assert.match(wrapper, /if \(\$LASTEXITCODE -ne 0\) \{ return \}\n\s+\$out \| Out-String \| Invoke-Expression/);
  assert.match(wrapper, /Select-Object -Skip 1/, 'no $args[1..n] range, which runs backwards for one argument');
  const prompt = ps.slice(ps.indexOf('function global:prompt {'));
  assert.match(prompt, /ToUnixTimeSeconds\(\)/);
  assert.match(prompt, /\[long\]\$env:SSOHELPER_EXPIRES - 600/);
  assert.match(prompt, /use --quiet \$env:SSOHELPER_PROFILE/);
  assert.match(prompt, /__ssohelper_retry_at = \$now \+ 60/);
  assert.match(prompt, /& \$global:__ssohelper_prompt_before/, 'the previous prompt still runs');
  assert.match(ps, /Register-ArgumentCompleter/, 'completion comes with the hook');
});

test('packaging/profile.ps1 is the PowerShell hook, as `ssohelper hook powershell` prints it', () => {
  assert.equal(readFileSync(join(ROOT, 'packaging', 'profile.ps1'), 'utf8'), hookScript('powershell'));
});
