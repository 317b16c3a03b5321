// The MFA code an assume-role profile with mfa_serial needs: from mfa_process (the key
// aws-vault reads), else typed on the controlling terminal, which ssohelper opens itself since
// under botocore's credential_process stdin, stdout and stderr are all pipes. Called with the
// role's cache lock held, so a herd of callers gets one prompt and waits for its answer.
import { lazy } from '../util/load.ts';
import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { isatty, ReadStream } from 'node:tty';
import { ConfigError, InterruptedError, ServiceError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';

export interface MfaSettings {
  serial: string;
  process: string | undefined;
}

const CODE = /^\d{6}$/;
const MAX_TYPED = 64;

export async function mfaCode(rt: Runtime, profileName: string, mfa: MfaSettings): Promise<string> {
  if (mfa.process !== undefined) {
    const { runConfiguredCommand } = await lazy(() => import('./process.ts'));
    const what = `the mfa_process of profile "${profileName}"`;
    const code = (await runConfiguredCommand(rt, mfa.process, 'mfa_process', what)).trim();
    if (!CODE.test(code))
      throw new ServiceError(
        `${what} did not print a 6-digit code on stdout`,
        `run it yourself to see what it prints: ${mfa.process}`,
      );
    return code;
  }
  const code = await promptOnTerminal(rt, `MFA code for ${mfa.serial} (profile ${profileName}): `, () =>
    noTerminal(profileName, mfa.serial),
  );
  if (!CODE.test(code))
    throw new ConfigError(
      `what was typed is not an MFA code: ${mfa.serial} needs the 6 digits its device shows now; nothing was sent to STS`,
      'run the command again',
    );
  return code;
}

function noTerminal(profileName: string, serial: string): ConfigError {
  return new ConfigError(
    `profile "${profileName}" needs a code from MFA device ${serial} (mfa_serial), and there is no terminal to ask for it`,
    `run the command in a terminal once (the credentials are cached), or set mfa_process = <a command that prints the code> in the profile`,
  );
}

/** Where the controlling terminal is opened: the console devices on Windows. */
export function terminalDevices(platform: NodeJS.Platform): { input: string; output: string } {
  return platform === 'win32'
    ? { input: '\\\\.\\CONIN$', output: '\\\\.\\CONOUT$' }
    : { input: '/dev/tty', output: '/dev/tty' };
}

/** What a keystroke does to the line typed so far: done, cancelled, or the new line. */
export function editLine(typed: string, byte: number): { typed: string; done?: boolean; cancelled?: boolean } {
  if (byte === 0x0d || byte === 0x0a) return { typed, done: true };
  if (byte === 0x03 || (byte === 0x04 && typed === '')) return { typed, cancelled: true };
  if (byte === 0x7f || byte === 0x08) return { typed: typed.slice(0, -1) };
  if (byte === 0x15) return { typed: '' };
  if (byte < 0x20 || byte > 0x7e || typed.length >= MAX_TYPED) return { typed };
  return { typed: typed + String.fromCharCode(byte) };
}

/**
 * Echo off and keys one at a time (raw mode), then what was typed before the prompt is thrown
 * away, then the prompt is shown and a line read. The terminal is restored on every way out.
 */
function promptOnTerminal(rt: Runtime, prompt: string, missing: () => Error): Promise<string> {
  const devices = terminalDevices(rt.platform);
  let inFd: number;
  let outFd: number;
  try {
    inFd = openSync(devices.input, constants.O_RDWR | (constants.O_NOCTTY ?? 0));
    outFd = devices.output === devices.input ? inFd : openSync(devices.output, 'w');
  } catch (err) {
    rt.debug(`no controlling terminal for the MFA prompt: ${(err as NodeJS.ErrnoException).code ?? err}`);
    throw missing();
  }
  if (!isatty(inFd)) {
    closeSync(inFd);
    throw missing();
  }
  const input = new ReadStream(inFd);
  // Node itself puts the terminal back if a signal ends the process meanwhile (main.ts).
  input.setRawMode(true);
  discardTypeAhead(inFd);
  const answer = new Promise<string>((resolve, reject) => {
    let typed = '';
    input.on('data', (chunk: Buffer) => {
      for (const byte of chunk) {
        const next = editLine(typed, byte);
        typed = next.typed;
        if (next.cancelled) return reject(new InterruptedError('MFA prompt cancelled'));
        if (next.done) return resolve(typed);
      }
    });
    input.on('end', () => reject(missing()));
    input.on('error', reject);
  });
  writeSync(outFd, prompt);
  return answer.finally(() => {
    writeSync(outFd, '\n');
    input.setRawMode(false);
    input.destroy();
    if (outFd !== inFd) closeSync(outFd);
  });
}

/** Reads until the terminal has nothing queued (its descriptor is non-blocking once wrapped). */
function discardTypeAhead(fd: number): void {
  const buffer = Buffer.alloc(256);
  try {
    while (readSync(fd, buffer) > 0);
  } catch {
    // EAGAIN: nothing (more) was waiting.
  }
}
