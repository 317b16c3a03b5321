// Runs the built executable as a child process, the way credential_process and shells do.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN =
  process.env.SSOHELPER_BIN ?? join(ROOT, 'dist', process.platform === 'win32' ? 'ssohelper.exe' : 'ssohelper');

export function requireBinary(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`make build\` first (make test does)`);
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** An environment with nothing of the caller's AWS settings in it. */
export function cleanEnv(
  home: string,
  endpoint: string | undefined,
  extra: Record<string, string> = {},
): Record<string, string> {
  // No instance-metadata fallback: botocore would try a non-loopback address without credentials.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  if (endpoint) {
    env.AWS_ENDPOINT_URL_SSO = endpoint;
    env.AWS_ENDPOINT_URL_SSO_OIDC = endpoint;
    env.AWS_ENDPOINT_URL_STS = endpoint;
  }
  return { ...env, ...extra };
}

export function run(args: string[], env: Record<string, string>): Promise<RunResult> {
  return collect(spawnChild(args, env));
}

export function collect(child: ChildProcess): Promise<RunResult> {
  return new Promise<RunResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function spawnChild(args: string[], env: Record<string, string>) {
  return spawn(BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function describe(r: RunResult): string {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\nstdout: ${JSON.stringify(r.stdout)}\nstderr: ${r.stderr}`;
}

export interface ProcessCredentials {
  Version: number;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

/** A successful credential_process answer: exit 0 and one JSON document on stdout. */
export function processJson(r: RunResult): ProcessCredentials {
  assert.equal(r.code, 0, describe(r));
  return JSON.parse(r.stdout);
}

/** The shape every failure must have: its exit code, the message, empty stdout, no stack. */
export function expectFailure(r: RunResult, code: number, message: RegExp): void {
  assert.equal(r.code, code, describe(r));
  assert.equal(r.stdout, '', 'stdout must stay empty on failure');
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace without --debug');
}
