// A console session (`aws login`) in a test HOME: the emulator issues it, this writes the cache
// file where the SDKs and ssohelper look for it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loginCachePath } from '../../src/cache/login.ts';
import type { ConsoleSessionFile } from '../emulator/signin.ts';
import type { Home } from './home.ts';

export const CONSOLE_SESSION = 'arn:aws:iam::111111111111:user/alice';

export function consoleProfile(name = 'console', extra = ''): string {
  return `[profile ${name}]\nlogin_session = ${CONSOLE_SESSION}\nregion = eu-west-1\n${extra}`;
}

export function consoleSessionPath(home: Home, session = CONSOLE_SESSION): string {
  return loginCachePath(join(home.dir, '.aws', 'login', 'cache'), session);
}

/** Writes the session as `aws login` would; `expiresInSeconds` overrides how long its keys last. */
export function seedConsoleSession(
  home: Home,
  file: ConsoleSessionFile,
  options: { expiresInSeconds?: number; extra?: Record<string, unknown> } = {},
): string {
  const path = consoleSessionPath(home);
  mkdirSync(join(home.dir, '.aws', 'login', 'cache'), { recursive: true, mode: 0o700 });
  const doc: Record<string, unknown> = { ...file, ...options.extra };
  if (options.expiresInSeconds !== undefined) {
    doc.accessToken = {
      ...file.accessToken,
      expiresAt: new Date(Date.now() + options.expiresInSeconds * 1000).toISOString(),
    };
  }
  writeFileSync(path, JSON.stringify(doc, null, 2), { mode: 0o600 });
  return path;
}

export function readConsoleSession(home: Home): ConsoleSessionFile & Record<string, unknown> {
  return JSON.parse(readFileSync(consoleSessionPath(home), 'utf8'));
}
