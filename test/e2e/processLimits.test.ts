// credential_process limits as a process property, against the built executable: the time limit
// holds against a process that ignores SIGTERM and against its children; the answer is taken when
// the process exits, whatever it left holding stdout; a flood of output ends the process at once.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { makeHome } from '../helpers/home.ts';
import { cleanEnv, describe, expectFailure, processJson, requireBinary, run } from '../helpers/run.ts';

requireBinary();
const GOOD =
  '{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "c2VjcmV0", "Expiration": "2099-01-02T03:04:05Z"}';
const leftovers: number[] = [];
after(() => {
  for (const pid of leftovers) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

/** Running: a zombie (killed, not yet reaped by whoever inherited it) counts as gone. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Whether `pid` is gone within a second: a killed process takes a moment to be reaped under load. */
async function goneSoon(pid: number): Promise<boolean> {
  for (let i = 0; i < 20 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

/** A home whose profile `proc` runs `body` as a shell script; the script may write pids to files. */
function withScript(body: string) {
  const home = makeHome('');
  const script = join(home.dir, 'proc.sh');
  writeFileSync(script, `#!/bin/sh\n${body}\n`);
  chmodSync(script, 0o755);
  writeFileSync(home.configFile, `[profile proc]\ncredential_process = ${script}\n`);
  const pidOf = (name: string): number => {
    const pid = Number(readFileSync(join(home.dir, name), 'utf8').trim());
    leftovers.push(pid);
    return pid;
  };
  return { env: cleanEnv(home.dir, undefined, { SSOHELPER_PROCESS_TIMEOUT: '2' }), dir: home.dir, pidOf };
}

test('the time limit holds for a process that ignores SIGTERM, and ends its children with it', async () => {
  // The script and its background child both ignore SIGTERM and hold stdout open for ever.
  const s = withScript(
    `trap '' TERM\n(trap '' TERM; echo $$ >/dev/null; sh -c 'echo $PPID' >/dev/null; while :; do sleep 1; done) &\necho $! > "$HOME/child.pid"\necho $$ > "$HOME/leader.pid"\nwhile :; do sleep 1; done`,
  );
  const r = await run(['get', 'proc'], s.env);
  expectFailure(r, 6, /the credential_process of profile "proc" did not finish within 2s/);
  assert.match(r.stderr, /SSOHELPER_PROCESS_TIMEOUT sets the limit in seconds/);
  assert.equal(await goneSoon(s.pidOf('leader.pid')), true, 'the process is gone');
  assert.equal(await goneSoon(s.pidOf('child.pid')), true, 'and so is its child');
});

test('the answer is taken when the process exits, though a background child still holds stdout', async () => {
  // Its stderr goes elsewhere: it must hold ssohelper's pipe (its stdout), not this test's.
  const s = withScript(`sleep 600 2>/dev/null &\necho $! > "$HOME/child.pid"\nprintf '%s' '${GOOD}'`);
  const r = await run(['get', 'proc'], { ...s.env, SSOHELPER_PROCESS_TIMEOUT: '600' });
  assert.equal(processJson(r).AccessKeyId, 'AKIAPROC', describe(r));
  const child = s.pidOf('child.pid');
  assert.equal(alive(child), true, 'a background child of a process that succeeded is its own business');
});

test('output past 1 MiB ends a process that ignores SIGTERM at once', async () => {
  const s = withScript(`echo $$ > "$HOME/leader.pid"\ntrap '' TERM\nexec yes`);
  const r = await run(['get', 'proc'], { ...s.env, SSOHELPER_PROCESS_TIMEOUT: '600' });
  expectFailure(r, 6, /the credential_process of profile "proc" printed more than 1048576 bytes/);
  assert.ok(existsSync(join(s.dir, 'leader.pid')));
  assert.equal(await goneSoon(s.pidOf('leader.pid')), true, 'the process is gone');
});
