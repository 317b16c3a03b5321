// Every failure the user can meet is one of these classes, and describeFailure (below) maps
// them to exit codes in one place for both entries (src/main.ts and the hot entry,
// src/boot/hot.ts), so scripts can rely on the numbers documented in docs/reference.md and --help.

export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  config: 3,
  loginRequired: 4,
  accessDenied: 5,
  service: 6,
  lockTimeout: 7,
  /** exec: the command exists but cannot be run (as shells report it). */
  cannotExecute: 126,
  /** exec: no such command (as shells report it). */
  commandNotFound: 127,
  /** Ended by SIGHUP (a closed terminal or SSH session), as shells report it (128 + 1). */
  hangup: 129,
  interrupted: 130,
  /** Ended by SIGTERM, as shells report it (128 + 15). */
  terminated: 143,
} as const;

export const EXIT_DESCRIPTIONS: ReadonlyArray<readonly [number, string]> = [
  [EXIT.ok, 'success'],
  [EXIT.internal, 'internal error (a bug: please report it with --debug output)'],
  [EXIT.usage, 'usage error: unknown command, flag or bad flag value'],
  [
    EXIT.config,
    'configuration error: profile, sso-session or a local file is missing or invalid, or a credential_process loops',
  ],
  [EXIT.loginRequired, 'login required: the SSO session is missing, expired or revoked'],
  [EXIT.accessDenied, 'access denied: no access to that account or role'],
  [EXIT.service, 'service or network error, including throttling that outlasted the retries'],
  [EXIT.lockTimeout, 'timed out waiting for another ssohelper process holding a lock'],
  [EXIT.cannotExecute, 'exec: the command cannot be run (not executable, or a directory)'],
  [EXIT.commandNotFound, 'exec: the command was not found'],
  [EXIT.hangup, 'hung up (SIGHUP: the terminal or SSH session closed)'],
  [EXIT.interrupted, 'interrupted (Ctrl-C)'],
  [EXIT.terminated, 'terminated (SIGTERM)'],
];

/** Each code in a word or two, for the list at the end of every command's help. */
export const EXIT_LABELS: Readonly<Record<number, string>> = {
  [EXIT.ok]: 'ok',
  [EXIT.internal]: 'internal error',
  [EXIT.usage]: 'usage',
  [EXIT.config]: 'configuration',
  [EXIT.loginRequired]: 'login required',
  [EXIT.accessDenied]: 'access denied',
  [EXIT.service]: 'service or network',
  [EXIT.lockTimeout]: 'lock timeout',
  [EXIT.cannotExecute]: 'cannot execute',
  [EXIT.commandNotFound]: 'command not found',
  [EXIT.hangup]: 'hung up',
  [EXIT.interrupted]: 'interrupted',
  [EXIT.terminated]: 'terminated',
};

/** Codes that only one command can return; every other code applies to every command. */
export const EXIT_ONLY_FOR: Readonly<Record<number, string>> = {
  [EXIT.cannotExecute]: 'exec',
  [EXIT.commandNotFound]: 'exec',
};

export class SsoHelperError extends Error {
  readonly exitCode: number;
  /** One line telling the user what to do, e.g. "run: ssohelper login --sso-session corp". */
  readonly hint: string | undefined;
  constructor(exitCode: number, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

export class UsageError extends SsoHelperError {
  /** Without a hint, points at the help of the command the message starts with ("env: …"). */
  constructor(message: string, hint?: string) {
    const command = /^([a-z][a-z-]*): /.exec(message)?.[1];
    super(EXIT.usage, message, hint ?? `see: ssohelper ${command ? `${command} ` : ''}--help`);
  }
}

export class ConfigError extends SsoHelperError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(EXIT.config, message, hint, options);
  }
}

export class LoginRequiredError extends SsoHelperError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(EXIT.loginRequired, message, hint, options);
  }
}

export class AccessDeniedError extends SsoHelperError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(EXIT.accessDenied, message, hint, options);
  }
}

export class ServiceError extends SsoHelperError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(EXIT.service, message, hint, options);
  }
}

export class LockTimeoutError extends SsoHelperError {
  constructor(message: string, hint?: string) {
    super(EXIT.lockTimeout, message, hint);
  }
}

/** exec could not start the command: 127 (not found) or 126 (cannot be executed). */
export class CommandStartError extends SsoHelperError {
  constructor(exitCode: typeof EXIT.cannotExecute | typeof EXIT.commandNotFound, message: string) {
    super(exitCode, message);
  }
}

/** The signals that stop a command, and the exit status each gives (128 + N, as shells report it). */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** SIGHUP (a closed terminal or SSH session) is handled like SIGTERM, with its own code. */
export function exitCodeOfSignal(signal: unknown): number {
  if (signal === 'SIGTERM') return EXIT.terminated;
  if (signal === 'SIGHUP') return EXIT.hangup;
  return EXIT.interrupted;
}

export class InterruptedError extends SsoHelperError {
  /** `signal`: what stopped the command (the runtime signal's reason); it decides the exit code. */
  constructor(message = 'interrupted', signal?: unknown) {
    super(exitCodeOfSignal(signal), message);
  }
}

/**
 * What an ssohelper run as another ssohelper's credential_process (SSOHELPER_PROCESS_CHAIN is
 * set) prints on stdout when it fails for a configuration reason, so that the parent ends with
 * the configuration exit code too instead of "the credential_process failed" (a service error).
 * Only our own processes set that variable, so no other caller ever sees it.
 */
export const CHAIN_CONFIG_FAILURE = '{"ssohelper":"configuration error"}\n';

/** Renders any thrown value as the lines we print on stderr, and picks the exit code. */
export function describeFailure(err: unknown, debug: boolean): { exitCode: number; text: string } {
  if (err instanceof SsoHelperError) {
    let text = `ssohelper: ${oneLine(err.message)}\n`;
    // A hint may list several commands, one a line; each line is still made safe.
    if (err.hint) text += `  ${err.hint.split('\n').map(oneLine).join('\n')}\n`;
    if (debug && err.cause instanceof Error && err.cause.stack) text += `${err.cause.stack}\n`;
    return { exitCode: err.exitCode, text };
  }
  const message = err instanceof Error ? err.message : String(err);
  let text = `ssohelper: internal error: ${oneLine(message)}\n`;
  text +=
    debug && err instanceof Error && err.stack
      ? `${err.stack}\n`
      : '  run again with --debug for details, and please report it\n';
  return { exitCode: EXIT.internal, text };
}

/**
 * A message is one line and the hint the next, whatever a config value or a server put in
 * them: line breaks, other control characters (terminal escapes) and Unicode line separators
 * are shown escaped, as JSON writes them.
 */
const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
  return text.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return ESCAPES[ch] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`);
  });
}
