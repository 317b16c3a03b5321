// One portal budget for all processes (src/sso/budget.ts): parallel `get`s of many roles share
// the portal's GetRoleCredentials limit through the throttle note instead of each guessing.
// Dozens of real processes: a serial file.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROLES, seedToken, standardConfig } from '../helpers/home.ts';
import { useEmulator } from '../helpers/fixture.ts';
import { spawn } from 'node:child_process';
import { BIN, collect, describe, processJson, run } from '../helpers/run.ts';

const EXTRA = Array.from({ length: 4 }, (_, i) => ({
  profile: `q${i}`,
  accountId: '333333333333',
  roleName: `Extra${i}`,
}));
const TWELVE = [...ROLES, ...EXTRA];
const fx = useEmulator({
  assign: TWELVE.map((r) => [r.accountId, r.roleName] as const),
  config: () =>
    `${standardConfig()}\n${EXTRA.map((r) => `[profile ${r.profile}]\nsso_session = corp\nsso_account_id = ${r.accountId}\nsso_role_name = ${r.roleName}\n`).join('\n')}`,
});

function noteFiles(): string[] {
  const dir = join(fx.home.dir, '.aws', 'ssohelper', 'state');
  return readdirSync(dir)
    .filter((n) => /^throttle-[0-9a-f]{40}\.json$/.test(n))
    .map((n) => join(dir, n));
}

test('twelve roles at once while the portal allows 1 GetRoleCredentials a second: all succeed', async () => {
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
  fx.emu.setKnobs({ throttle: { GetRoleCredentials: 1 } });
  // The retry budget is the default 25 s: twelve calls fit in twelve seconds when shared.
  const results = await Promise.all(TWELVE.map((r) => run(['get', r.profile], fx.env)));
  results.forEach(processJson);
  assert.equal(fx.emu.counters['status:200'], 12);
  const notes = noteFiles();
  assert.equal(notes.length, 1, 'one note for the portal operation');
  assert.equal(statSync(notes[0] as string).mode & 0o777, 0o600);
  process.stdout.write(
    `# 12 roles at 1/s: ${fx.emu.counters['throttled:GetRoleCredentials'] ?? 0} throttled attempts\n`,
  );
});

test('64 callers over 8 roles at 3 GetRoleCredentials a second: all succeed, few throttled attempts', async () => {
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
  fx.emu.resetCounters();
  fx.emu.setKnobs({ throttle: { GetRoleCredentials: 3 } });
  const results = await Promise.all(
    Array.from({ length: 64 }, (_, i) => run(['get', ROLES[i % 8]?.profile as string], fx.env)),
  );
  results.forEach(processJson);
  const throttled = fx.emu.counters['throttled:GetRoleCredentials'] ?? 0;
  process.stdout.write(`# 64 callers, 8 roles at 3/s: ${throttled} throttled attempts\n`);
  assert.equal(fx.emu.counters['status:200'], 8, 'one call per role');
  // The first burst (8 at once against a bucket of 3) is throttled before any note exists; after
  // it, callers take shared slots. Each guessing on its own made 20 and more.
  assert.ok(throttled <= 10, `${throttled} throttled attempts`);
});

test('a throttled wait is said on a terminal after 2 s, and never into a pipe', async () => {
  await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
  fx.emu.setKnobs({ throttle: { GetRoleCredentials: 0 } });
  const env = { ...fx.env, SSOHELPER_RETRY_TIMEOUT: '4' };
  // script(1) gives the command a pseudo-terminal; its output is what the terminal got.
  const tty = await collect(
    spawn('script', ['-qec', `${BIN} get p1`, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  assert.match(
    tty.stdout,
    /\rwaiting: throttled by the portal, retrying… 0:0[2-9] {2}\(Ctrl-C to cancel\)\x1b\[K/,
    describe(tty),
  );
  assert.match(
    tty.stdout,
    /\r\x1b\[K(\r\n)?ssohelper: GetRoleCredentials .* failed after \d+ attempts: throttled/,
    'the line is erased before the error',
  );
  const piped = await run(['get', 'p2'], env);
  assert.equal(piped.code, 6, describe(piped));
  assert.doesNotMatch(piped.stderr, /waiting:|\x1b/);
});
