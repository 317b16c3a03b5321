// The profile picker in a real pseudo-terminal (`script`), and without one: with no profile
// named, none from the environment and no [default], env opens the list on a terminal; with
// pipes it fails at once with the usual message, never waiting.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe as suite, test } from 'node:test';
import { useEmulator } from '../helpers/fixture.ts';
import { seedToken } from '../helpers/home.ts';
import { BIN, collect, describe, expectFailure, run } from '../helpers/run.ts';

const fx = useEmulator({
  assign: [
    ['111111111111', 'Role1'],
    ['111111111111', 'ReadOnly'],
  ],
});

/** Runs `ssohelper ARGS` under `script` (a pseudo-terminal), typing `keys` one batch at a time. */
async function inTerminal(args: string[], keys: string[]) {
  const command = [BIN, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { ...fx.env, TERM: 'xterm' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const done = collect(child);
  // Typed after the list is up: keys sent before raw mode could be echoed or dropped.
  for (const k of keys) {
    await new Promise((r) => setTimeout(r, 700));
    child.stdin.write(k);
  }
  setTimeout(() => child.stdin.end(), 700);
  return done;
}

suite('the profile picker', () => {
  test("typing filters, Enter chooses: env prints the chosen profile's variables", async () => {
    await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
    const r = await inTerminal(['env', '--format', 'env-no-export'], ['p1', '\r']);
    assert.equal(r.code, 0, describe(r));
    assert.match(r.stdout, /profile for env \(\d+\/\d+/, 'the list was drawn');
    assert.match(r.stdout, /SSOHELPER_PROFILE=p1\r?\n/);
    assert.match(r.stdout, /AWS_ACCESS_KEY_ID=ASIA/);
    assert.match(r.stdout, /\x1b\[\?25h/, 'the cursor is shown again');
  });

  test('arrows move the highlight; Esc cancels with 130 and prints no credentials', async () => {
    await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
    const moved = await inTerminal(['env', '--format', 'env-no-export'], ['p', '\x1b[B', '\r']);
    assert.equal(moved.code, 0, describe(moved));
    assert.match(moved.stdout, /SSOHELPER_PROFILE=p1\r?\n/, 'the second match of "p" (p0, p1, ...)');
    const cancelled = await inTerminal(['env'], ['\x1b']);
    assert.equal(cancelled.code, 130, describe(cancelled));
    assert.doesNotMatch(cancelled.stdout, /AWS_ACCESS_KEY_ID/);
  });

  test('SIGTERM while the list is open: exit 143 and the terminal back in its normal mode, cursor shown', async () => {
    await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
    // Inside the pseudo-terminal: the picker in the background, SIGTERM once the list is up,
    // then what the terminal's modes are afterwards (raw mode would show -icanon -echo).
    const script = `'${BIN}' env & pid=$!; sleep 1.5; kill -TERM $pid; wait $pid; echo "rc=$?"; stty -a`;
    const child = spawn('script', ['-qec', `sh -c '${script.replaceAll("'", "'\\''")}'`, '/dev/null'], {
      env: { ...fx.env, TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    setTimeout(() => child.stdin.end(), 4000);
    const r = await collect(child);
    assert.match(r.stdout, /profile for env \(\d+\/\d+/, `the list was drawn\n${describe(r)}`);
    assert.match(r.stdout, /rc=143/, describe(r));
    assert.match(r.stdout, /\x1b\[\?25h/, 'the cursor is shown again');
    assert.match(r.stdout, /(^|\s)icanon(\s|$)/m, 'line editing back on');
    assert.match(r.stdout, /(^|\s)echo(\s|$)/m, 'echo back on');
  });

  test('without a terminal: the usual error at once, naming how many profiles there are', async () => {
    const r = await run(['env'], fx.env);
    expectFailure(r, 3, /profile "default" not found/);
    assert.equal(fx.emu.counters.GetRoleCredentials, 0);
  });
});
