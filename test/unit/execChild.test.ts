// runChild with a real child and a stand-in for our own signals: what is passed on, what is not
// (a keyboard signal the terminal already delivered), and the status that comes back.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runChild } from '../../src/exec/child.ts';
import { CommandStartError } from '../../src/errors.ts';
import { tempDir } from '../helpers/temp.ts';

const DIR = tempDir('ssohelper-child-');
after(() => rmSync(DIR, { recursive: true, force: true }));

// Records each signal in $LOG; SIGTERM ends it (after a moment, so a signal still pending is recorded too).
const SCRIPT = [
  "const { appendFileSync } = require('node:fs');",
  "for (const s of ['SIGINT','SIGTERM','SIGHUP','SIGQUIT']) process.on(s, () => { appendFileSync(process.env.LOG, s + '\\n'); if (s === 'SIGTERM') setTimeout(() => process.exit(40), 200); });",
  "appendFileSync(process.env.LOG, 'ready\\n'); setInterval(() => {}, 1000);",
].join('\n');

async function until(path: string, text: string): Promise<void> {
  while (!(existsSync(path) && readFileSync(path, 'utf8').includes(text))) await sleep(20);
}

async function scenario(
  name: string,
  keyboardReachesChild: boolean,
  waitForInt: boolean,
): Promise<{ status: number; log: string }> {
  const log = join(DIR, name);
  const signals = new EventEmitter();
  const done = runChild({
    command: process.execPath,
    args: ['-e', SCRIPT],
    env: { PATH: process.env.PATH ?? '', LOG: log },
    signals,
    keyboardReachesChild: () => keyboardReachesChild,
  });
  await until(log, 'ready');
  signals.emit('SIGINT');
  if (waitForInt) await until(log, 'SIGINT');
  signals.emit('SIGTERM');
  const status = await done;
  assert.equal(signals.listenerCount('SIGINT'), 0, 'handlers are removed when the child exits');
  return { status, log: readFileSync(log, 'utf8') };
}

test('a keyboard signal the terminal already gave the child is not repeated; others are passed on', async () => {
  assert.deepEqual(await scenario('tty', true, false), { status: 40, log: 'ready\nSIGTERM\n' });
});

test('without a terminal, SIGINT is passed on', async () => {
  assert.deepEqual(await scenario('no-tty', false, true), { status: 40, log: 'ready\nSIGINT\nSIGTERM\n' });
});

test('a command that cannot start: 127 not found, before anything runs', async () => {
  await assert.rejects(
    runChild({
      command: 'no-such-command-ssohelper',
      args: [],
      env: { PATH: '/nonexistent' },
      signals: new EventEmitter(),
      keyboardReachesChild: () => false,
    }),
    (e: unknown) => e instanceof CommandStartError && e.exitCode === 127,
  );
});

test('a command refused at once by spawn itself is a start failure too, not an internal error', async () => {
  // A NUL byte in an argument makes Node's spawn throw synchronously (as a .cmd file does on Windows).
  await assert.rejects(
    runChild({
      command: process.execPath,
      args: ['a\u0000b'],
      env: { PATH: '' },
      signals: new EventEmitter(),
      keyboardReachesChild: () => false,
    }),
    (e: unknown) => e instanceof CommandStartError && e.exitCode === 126,
  );
});
