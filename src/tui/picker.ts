// The profile picker: a type-to-filter list on the controlling terminal. It opens the terminal
// device itself, so it works where stdout is a pipe (`eval "$(ssohelper env)"`), and never
// touches stdout. No terminal device means no picker, at once: the caller fails with its usual
// message, so nothing ever waits for a keyboard that is not there. Our own code rather than a
// prompt library: the whole of it is this file (about 7 KB), loaded only when a list opens.
import type { Runtime } from '../runtime.ts';
import { InterruptedError } from '../errors.ts';
import { humanDuration } from '../util/time.ts';

export interface PickerRow {
  name: string;
  detail: string;
}

/** The terminal devices to read keys from and draw on: the console's on Windows. */
export function terminalDevices(platform: NodeJS.Platform): { input: string; output: string } {
  return platform === 'win32' ? { input: 'CONIN$', output: 'CONOUT$' } : { input: '/dev/tty', output: '/dev/tty' };
}

/** What the picker needs of a profile (status/profiles.ts's ProfileEntry has it). */
export interface PickableProfile {
  name: string;
  kind: string;
  accountId: string | null;
  roleName: string | null;
  secondsLeft: number | null;
}

/** One row a profile: account and role for SSO, the kind otherwise, and cached time left. */
export function pickerRows(entries: readonly PickableProfile[]): PickerRow[] {
  return entries
    .filter((e) => e.kind !== 'sso-session' && e.kind !== 'invalid')
    .map((e) => {
      const what = e.accountId ? `${e.accountId}  ${e.roleName ?? ''}`.trim() : e.kind;
      const left = e.secondsLeft !== null && e.secondsLeft > 0 ? `  ${humanDuration(e.secondsLeft * 1000)} left` : '';
      return { name: e.name, detail: `${what}${left}` };
    });
}

/** Rows whose name or detail holds every word of the query, in any case. */
export function filterRows(rows: readonly PickerRow[], query: string): PickerRow[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((r) => {
    const text = `${r.name} ${r.detail}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

export type Key =
  | { kind: 'up' | 'down' | 'pageUp' | 'pageDown' | 'enter' | 'cancel' | 'backspace' | 'clear' }
  | { kind: 'text'; text: string }
  | { kind: 'none' };

/** What one read from a raw terminal means. */
export function decodeKey(bytes: string): Key {
  switch (bytes) {
    case '\x1b[A':
    case '\x1bOA':
    case '\x10':
      return { kind: 'up' };
    case '\x1b[B':
    case '\x1bOB':
    case '\x0e':
      return { kind: 'down' };
    case '\x1b[5~':
      return { kind: 'pageUp' };
    case '\x1b[6~':
      return { kind: 'pageDown' };
    case '\r':
    case '\n':
      return { kind: 'enter' };
    case '\x1b':
    case '\x03':
    case '\x04':
      return { kind: 'cancel' };
    case '\x7f':
    case '\b':
      return { kind: 'backspace' };
    case '\x15':
      return { kind: 'clear' };
  }
  // Typed or pasted text; escape sequences we do not know are ignored.
  if (bytes.startsWith('\x1b')) return { kind: 'none' };
  const text = [...bytes].filter((c) => c >= ' ' && c !== '\x7f').join('');
  return text ? { kind: 'text', text } : { kind: 'none' };
}

export interface PickerState {
  query: string;
  /** Index of the highlighted row among the filtered ones. */
  selected: number;
  /** First filtered row shown. */
  top: number;
}

/** The state after a key; `done` with the chosen name, or `cancelled`. */
export function step(
  state: PickerState,
  key: Key,
  rows: readonly PickerRow[],
  page: number,
): { state: PickerState; done?: string; cancelled?: boolean } {
  const shown = filterRows(rows, state.query);
  let { query, selected, top } = state;
  switch (key.kind) {
    case 'up':
      selected = Math.max(0, selected - 1);
      break;
    case 'down':
      selected = Math.min(shown.length - 1, selected + 1);
      break;
    case 'pageUp':
      selected = Math.max(0, selected - page);
      break;
    case 'pageDown':
      selected = Math.min(shown.length - 1, selected + page);
      break;
    case 'enter':
      return shown[selected] ? { state, done: shown[selected].name } : { state };
    case 'cancel':
      return { state, cancelled: true };
    case 'backspace':
      query = query.slice(0, -1);
      selected = 0;
      break;
    case 'clear':
      query = '';
      selected = 0;
      break;
    case 'text':
      query += key.text;
      selected = 0;
      break;
    case 'none':
      break;
  }
  selected = Math.max(0, selected);
  if (selected < top) top = selected;
  if (selected >= top + page) top = selected - page + 1;
  return { state: { query, selected, top: Math.max(0, top) } };
}

/** The lines to draw: a query line, then at most `page` rows, each cut to `width` columns. */
export function renderPicker(
  title: string,
  state: PickerState,
  rows: readonly PickerRow[],
  width: number,
  page: number,
): string[] {
  const shown = filterRows(rows, state.query);
  const nameWidth = Math.min(40, Math.max(0, ...shown.map((r) => r.name.length)));
  const cut = (text: string) => (text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text);
  const lines = [
    cut(`${title} (${shown.length}/${rows.length}; type to filter, Enter chooses, Esc cancels): ${state.query}`),
  ];
  for (let i = state.top; i < Math.min(shown.length, state.top + page); i++) {
    const r = shown[i] as PickerRow;
    const line = cut(`${i === state.selected ? '>' : ' '} ${r.name.padEnd(nameWidth)}  ${r.detail}`);
    lines.push(i === state.selected ? `\x1b[7m${line}\x1b[0m` : line);
  }
  if (shown.length === 0) lines.push('  (no profile matches)');
  return lines;
}

/**
 * Opens the list and returns the chosen profile; undefined when there is no terminal or no
 * profile to choose. Esc or Ctrl-C: InterruptedError (exit 130). `profiles` gives the rows
 * (status/profiles.ts's listProfiles), read only once a terminal is there.
 */
export async function pickProfile(
  rt: Runtime,
  title: string,
  profiles: () => Promise<PickableProfile[]>,
): Promise<string | undefined> {
  // A person sees stderr: with it redirected (scripts, tests, credential_process) nobody is there.
  if (!rt.terminal.isTty('stderr')) return undefined;
  const fs = process.getBuiltinModule('node:fs');
  const tty = process.getBuiltinModule('node:tty');
  const devices = terminalDevices(rt.platform);
  let inFd: number;
  let outFd: number;
  try {
    inFd = fs.openSync(devices.input, 'r');
    outFd = fs.openSync(devices.output, 'w');
  } catch {
    return undefined;
  }
  const rows = pickerRows(await profiles());
  if (rows.length === 0 || !tty.isatty(inFd)) {
    fs.closeSync(inFd);
    fs.closeSync(outFd);
    return undefined;
  }
  const input = new tty.ReadStream(inFd);
  const output = new tty.WriteStream(outFd);
  const [columns, height] = output.getWindowSize?.() ?? [80, 24];
  const page = Math.max(3, Math.min(15, height - 2));
  let state: PickerState = { query: '', selected: 0, top: 0 };
  let drawn = 0;
  const draw = () => {
    const lines = renderPicker(title, state, rows, columns, page);
    // Back to the first line drawn, then everything below it is redrawn.
    output.write(`${drawn > 1 ? `\x1b[${drawn - 1}A` : ''}\r\x1b[J${lines.join('\r\n')}`);
    drawn = lines.length;
  };
  input.setRawMode(true);
  output.write('\x1b[?25l');
  draw();
  // SIGTERM or SIGHUP while the list is open (Ctrl-C is a key here, raw mode): the terminal
  // gets its modes and cursor back below before the process exits, instead of being left raw.
  let onStop: (() => void) | undefined;
  try {
    return await new Promise<string>((resolve, reject) => {
      onStop = () => reject(new InterruptedError('stopped while choosing a profile', rt.signal.reason));
      rt.signal.addEventListener('abort', onStop, { once: true });
      input.on('data', (chunk: Buffer) => {
        const next = step(state, decodeKey(chunk.toString('utf8')), rows, page);
        state = next.state;
        if (next.cancelled) reject(new InterruptedError('no profile chosen'));
        else if (next.done !== undefined) resolve(next.done);
        else draw();
      });
      input.on('error', reject);
    });
  } finally {
    if (onStop) rt.signal.removeEventListener('abort', onStop);
    output.write(`${drawn > 1 ? `\x1b[${drawn - 1}A` : ''}\r\x1b[J\x1b[?25h`);
    input.setRawMode(false);
    input.destroy();
    output.destroy();
  }
}
