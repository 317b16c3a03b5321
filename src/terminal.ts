// Terminal facts for the commands that talk to a person: which streams are terminals, how wide
// they are, and whether colour and cursor movement are welcome. Read once, lazily (checking a
// TTY loads node:tty, which the cached `get` must not pay for), and injectable for tests.
import { readFileSync } from 'node:fs';
import type { Env } from './config/files.ts';

export type Stream = 'stdout' | 'stderr';

export interface Terminal {
  isTty(stream: Stream): boolean;
  /** Columns to fit: the terminal's width, or 80 when the stream is not a terminal. */
  width(stream: Stream): number;
  /** Escape codes (colour, `\r`-redrawn lines) on this stream: a terminal that is not dumb. */
  fancy(stream: Stream): boolean;
  /** Colour on this stream: `fancy`, and NO_COLOR unset or empty (https://no-color.org). */
  colour(stream: Stream): boolean;
}

/** What a pipe or a file gets, and the floor for a terminal too narrow to lay anything out. */
export const DEFAULT_WIDTH = 80;
const MIN_WIDTH = 40;

export interface TerminalProbe {
  isatty(fd: number): boolean;
  columns(fd: number): number | undefined;
}

const FDS: Record<Stream, number> = { stdout: 1, stderr: 2 };

function realProbe(): TerminalProbe {
  const { isatty } = process.getBuiltinModule('node:tty');
  return {
    isatty,
    // Only asked once isatty said yes, so building the stream is for a person who will read it.
    columns: (fd) => (fd === 1 ? process.stdout : process.stderr).columns,
  };
}

export function terminal(env: Env, probe: TerminalProbe = realProbe()): Terminal {
  const tty = new Map<Stream, boolean>();
  const isTty = (stream: Stream) => {
    const known = tty.get(stream);
    if (known !== undefined) return known;
    const value = probe.isatty(FDS[stream]);
    tty.set(stream, value);
    return value;
  };
  const fancy = (stream: Stream) => isTty(stream) && (env.TERM ?? '') !== 'dumb';
  return {
    isTty,
    width(stream) {
      if (!isTty(stream)) return DEFAULT_WIDTH;
      const columns = probe.columns(FDS[stream]) ?? Number(env.COLUMNS);
      return Number.isInteger(columns) && columns > 0 ? Math.max(MIN_WIDTH, columns) : DEFAULT_WIDTH;
    },
    fancy,
    colour: (stream) => fancy(stream) && !env.NO_COLOR,
  };
}

/** A terminal that is no terminal: pipes everywhere, 80 columns, no escape codes. */
export const PLAIN: Terminal = {
  isTty: () => false,
  width: () => DEFAULT_WIDTH,
  fancy: () => false,
  colour: () => false,
};

const CODES = { green: 32, red: 31, yellow: 33, bold: 1, dim: 2 } as const;
export type Style = keyof typeof CODES;

/** `text` in `style` when `on`; as it is otherwise. */
export function paint(on: boolean, style: Style, text: string): string {
  return on ? `\x1b[${CODES[style]}m${text}\x1b[0m` : text;
}

/** The marks doctor and status use, coloured when `on`: ✓ green, ✗ red, ! yellow. */
export function marks(on: boolean): { ok: string; bad: string; warn: string } {
  return { ok: paint(on, 'green', '✓'), bad: paint(on, 'red', '✗'), warn: paint(on, 'yellow', '!') };
}

/** Characters a person sees: escape codes take no room. */
export function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escape codes are what it removes
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').length;
}

/**
 * True when we are the foreground job of a terminal: Ctrl-C then reaches the child straight from
 * the terminal, and passing ours on would deliver it twice (Terraform treats a second interrupt
 * as "stop at once, without cleaning up"). Linux tells us through /proc; elsewhere a terminal
 * on stdin is taken as the sign.
 */
export function inTerminalForeground(
  platform: NodeJS.Platform,
  stdinIsTty: () => boolean,
  readStat = () => readFileSync('/proc/self/stat', 'utf8'),
): boolean {
  if (platform !== 'linux') return stdinIsTty();
  try {
    const stat = readStat();
    // Fields after the command name, which is in parentheses and may itself hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [pgrp, ttyNr, tpgid] = [Number(fields[2]), Number(fields[4]), Number(fields[5])];
    return ttyNr !== 0 && tpgid === pgrp;
  } catch {
    return stdinIsTty();
  }
}
