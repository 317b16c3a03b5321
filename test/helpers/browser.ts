// A scripted "browser" for login tests: ssohelper runs it through BROWSER with the URL, and it
// does what a user's browser would against the emulator: GET /authorize and follow the redirect
// to ssohelper's loopback listener, or GET the device verification page (which approves).
// Every URL it is given is appended to a log file, so tests can check what was opened, and how
// often.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './run.ts';

const NODE = join(ROOT, 'node_modules', '.bin', 'node');

// BROWSER_MODE: follow (default) | wrong-state (tamper with state on the way back) | ignore.
const SCRIPT = `
import { appendFileSync } from 'node:fs';
const url = process.argv[2];
appendFileSync(process.env.BROWSER_LOG, url + '\\n');
const mode = process.env.BROWSER_MODE || 'follow';
if (mode === 'ignore') process.exit(0);
const first = await fetch(url, { redirect: 'manual' });
await first.text();
let location = first.headers.get('location');
if (!location) process.exit(first.ok ? 0 : 1);
if (mode === 'wrong-state') {
  const u = new URL(location);
  u.searchParams.set('state', 'not-the-state-we-were-given');
  location = u.toString();
}
const back = await fetch(location);
await back.text();
process.exit(0);
`;

export interface ScriptedBrowser {
  /** The value for BROWSER. */
  command: string;
  log: string;
  /** URLs opened so far. */
  opened(): string[];
  env(mode?: 'follow' | 'wrong-state' | 'ignore'): Record<string, string>;
}

export function scriptedBrowser(dir: string): ScriptedBrowser {
  const script = join(dir, 'browser.mjs');
  const command = join(dir, 'browser.sh');
  const log = join(dir, 'browser.log');
  writeFileSync(script, SCRIPT);
  writeFileSync(command, `#!/bin/sh\nexec '${NODE}' '${script}' "$1"\n`);
  chmodSync(command, 0o755);
  return {
    command,
    log,
    opened: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    env: (mode = 'follow') => ({ BROWSER: command, BROWSER_LOG: log, BROWSER_MODE: mode }),
  };
}
