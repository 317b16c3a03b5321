// The pure parts of the MFA prompt: where each platform's terminal is, and line editing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editLine, terminalDevices } from '../../src/credentials/mfa.ts';

test('the prompt opens the controlling terminal on POSIX and the console devices on Windows', () => {
  assert.deepEqual(terminalDevices('linux'), { input: '/dev/tty', output: '/dev/tty' });
  assert.deepEqual(terminalDevices('darwin'), { input: '/dev/tty', output: '/dev/tty' });
  assert.deepEqual(terminalDevices('win32'), { input: '\\\\.\\CONIN$', output: '\\\\.\\CONOUT$' });
});

function type(keys: string): ReturnType<typeof editLine> {
  let state: ReturnType<typeof editLine> = { typed: '' };
  for (const ch of Buffer.from(keys, 'latin1')) {
    state = editLine(state.typed, ch);
    if (state.done || state.cancelled) break;
  }
  return state;
}

test('keys edit the line: Enter ends it, backspace and Ctrl-U erase, Ctrl-C and Ctrl-D on an empty line cancel', () => {
  assert.deepEqual(type('123456\r'), { typed: '123456', done: true });
  assert.deepEqual(type('123457\x7f6\n'), { typed: '123456', done: true });
  assert.deepEqual(type('99\x08\x08\x15123456\r'), { typed: '123456', done: true });
  assert.deepEqual(type('12\x03'), { typed: '12', cancelled: true });
  assert.deepEqual(type('\x04'), { typed: '', cancelled: true });
  assert.deepEqual(type('1\x04\x1b[A2\r'), { typed: '1[A2', done: true }, 'other control bytes are dropped');
  assert.equal(type(`${'1'.repeat(100)}\r`).typed.length, 64, 'the line is bounded');
  assert.deepEqual(type('12\xe9\r'), { typed: '12', done: true }, 'bytes outside printable ASCII are dropped');
});
