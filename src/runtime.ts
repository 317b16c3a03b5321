// Everything a command needs from the outside world, gathered once in main.ts so the rest of
// the code can be run against a temporary HOME, a local emulator and captured output.
import { type AwsPaths, awsPaths, type Env } from './config/files.ts';
import { UsageError } from './errors.ts';
import { type Terminal, terminal } from './terminal.ts';

export interface Runtime {
  env: Env;
  /**
   * The OS whose conventions apply (home directory, paths, browser opener): process.platform,
   * injected so the Windows and macOS branches are tested on any machine.
   */
  platform: NodeJS.Platform;
  paths: AwsPaths;
  now(): number;
  /** Diagnostics for --debug; callers mask secrets with `mask()` before passing them. */
  debug(message: string): void;
  debugEnabled: boolean;
  /** Human-facing text: progress, warnings, prompts. Never the product. */
  stderr(text: string): void;
  /**
   * The product, written at once: only for commands that run until stopped (serve), which
   * cannot return their output at the end. Everything else returns it from run().
   */
  stdout(text: string): void;
  /** True when a person is at a terminal (stdin and stderr are TTYs). */
  interactive: boolean;
  /**
   * Aborted on Ctrl-C (SIGINT), SIGTERM or SIGHUP, the signal's name as its reason: long waits
   * (a login, serve) stop and clean up.
   */
  signal: AbortSignal;
  /** While a child gets our signals (exec), the process does not exit on them; call the result when done. */
  holdSignals(): () => void;
  /** Terminal facts (TTYs, width, colour), read on first use. */
  terminal: Terminal;
}

export function createRuntime(options: {
  env: Env;
  debug: boolean;
  stderr: (text: string) => void;
  stdout?: (text: string) => void;
  /** Asked only when a command wants it: checking a TTY costs the cached path time. */
  interactive: () => boolean;
  now?: () => number;
  platform?: NodeJS.Platform;
  /** Asked on first use: in the hot entry, asking means a wait is coming and hands the run over. */
  signal?: () => AbortSignal;
  /** The signal handlers' hold (src/boot/signals.ts); without, holding does nothing. */
  holdSignals?: () => () => void;
  terminal?: () => Terminal;
}): Runtime {
  const start = Date.now();
  let interactive: boolean | undefined;
  let signal: AbortSignal | undefined;
  let term: Terminal | undefined;
  const platform = options.platform ?? process.platform;
  return {
    env: options.env,
    platform,
    paths: awsPaths(options.env, platform),
    now: options.now ?? Date.now,
    debugEnabled: options.debug,
    debug: options.debug
      ? (message) => options.stderr(`ssohelper[debug] +${Date.now() - start}ms ${message}\n`)
      : () => undefined,
    stderr: options.stderr,
    stdout: options.stdout ?? (() => undefined),
    get interactive() {
      interactive ??= options.interactive();
      return interactive;
    },
    get signal() {
      signal ??= options.signal ? options.signal() : new AbortController().signal;
      return signal;
    },
    holdSignals: options.holdSignals ?? (() => () => undefined),
    get terminal() {
      term ??= options.terminal ? options.terminal() : terminal(options.env);
      return term;
    },
  };
}

/** Shows enough of a secret to tell two apart in a debug log, and nothing more. */
export function mask(secret: string | undefined): string {
  if (!secret) return '(none)';
  return `${secret.slice(0, 4)}…(${secret.length} chars)`;
}

/**
 * Every SSOHELPER_* setting and how it reads. All are checked before any command runs (a few
 * environment lookups, nothing loaded), so a bad value fails the same way whether the answer
 * comes from the cache or the network.
 */
const SETTINGS = {
  SSOHELPER_LOCK_TIMEOUT: { kind: 'seconds', defaultMs: 60_000 },
  SSOHELPER_RETRY_TIMEOUT: { kind: 'seconds', defaultMs: 25_000 },
  SSOHELPER_PROCESS_TIMEOUT: { kind: 'seconds', defaultMs: 300_000 },
  /** One request, from sending to the last byte of the answer, however the bytes trickle in. */
  SSOHELPER_REQUEST_TIMEOUT: { kind: 'seconds', defaultMs: 60_000 },
  SSOHELPER_LOGIN: { kind: 'switch' },
  SSOHELPER_DEBUG: { kind: 'switch' },
  SSOHELPER_USE_SYSTEM_CA: { kind: 'switch' },
} as const;

type SecondsName = {
  [K in keyof typeof SETTINGS]: (typeof SETTINGS)[K]['kind'] extends 'seconds' ? K : never;
}[keyof typeof SETTINGS];
type SwitchName = Exclude<keyof typeof SETTINGS, SecondsName>;

/**
 * --debug or SSOHELPER_DEBUG on. Lenient on purpose (runs before checkSettings, so that a bad
 * value still gets its message with debug output if it was meant to be on).
 */
export function debugRequested(argv: readonly string[], env: Env): boolean {
  return argv.includes('--debug') || /^\s*(1|true|yes|on)\s*$/i.test(env.SSOHELPER_DEBUG ?? '');
}

/** Throws a usage error (exit 2) naming the first setting with a value we cannot use. */
export function checkSettings(env: Env): void {
  for (const [name, setting] of Object.entries(SETTINGS)) {
    if (env[name] === undefined) continue;
    if (setting.kind === 'seconds') secondsFrom(env, name as SecondsName);
    else switchFrom(env, name as SwitchName);
  }
}

/** A duration setting given in seconds, e.g. SSOHELPER_LOCK_TIMEOUT, in milliseconds. */
export function secondsSetting(rt: Runtime, name: SecondsName): number {
  return secondsFrom(rt.env, name);
}

/** The same from an environment alone, for code that has no runtime (the network settings). */
export function secondsFromEnv(env: Env, name: SecondsName): number {
  return secondsFrom(env, name);
}

function secondsFrom(env: Env, name: SecondsName): number {
  const { defaultMs } = SETTINGS[name];
  const raw = env[name]?.trim();
  if (!raw) return defaultMs;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(
      `${name}="${raw}" is not a positive number of seconds`,
      `unset it to use the default of ${defaultMs / 1000}`,
    );
  return seconds * 1000;
}

/** An on/off setting: 1/true/yes/on or 0/false/no/off (or empty, off). */
export function switchSetting(env: Env, name: SwitchName): boolean {
  return switchFrom(env, name);
}

/** The words every on/off setting accepts, environment or config file: undefined for anything else. */
export function parseSwitch(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  if (word === '1' || word === 'true' || word === 'yes' || word === 'on') return true;
  if (word === '0' || word === 'false' || word === 'no' || word === 'off') return false;
  return undefined;
}

function switchFrom(env: Env, name: SwitchName): boolean {
  const raw = env[name]?.trim() ?? '';
  const on = raw === '' ? false : parseSwitch(raw);
  if (on !== undefined) return on;
  throw new UsageError(`${name}="${env[name]}" is not a switch`, `set it to 1 (on) or 0 (off), or unset it`);
}
