// V8 code caches for the embedded scripts, trained by running each on what it serves.
import { fail } from './common.ts';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { COLD_FILE, type EMBEDDED, FULL_FILE, HOT_FILE, SDK_FILE, wrapScript } from '../../src/boot/embedded.ts';
import { FIXTURE, roleCacheFile, writeConfig, writeSsoToken } from '../fixture.ts';
import { tempDir } from './temp.ts';

const TRAINER = join(import.meta.dirname, 'trainers', 'hot.cjs');

/**
 * A trained V8 code cache: `node` (the Node that the SEA embeds, on this platform only) compiles
 * exactly the text src/boot/embedded.ts compiles, runs it as `ssohelper <args>` for each entry of
 * `runs` in turn in one process, in `env`, and writes the cache once the last exits 0. V8
 * compiles functions lazily, so a cache made right after compiling (what Node's own useCodeCache
 * does) holds little beyond the top level; this one holds every function the runs needed.
 * `beside` are files the runs find next to the script (the cold script, for the hot bundle).
 */
export async function trainedCodeCache(
  node: string,
  code: string,
  filename: string,
  work: string,
  runs: string[][] | 'compile',
  env: Record<string, string>,
  beside: Record<string, string> = {},
): Promise<Buffer> {
  const dir = join(work, `${filename}.training`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(beside)) writeFileSync(join(dir, name), text);
  const src = join(dir, `${filename}.wrapped.js`);
  const out = join(dir, `${filename}.cache`);
  writeFileSync(src, wrapScript(code));
  const what = `${filename} (${runs === 'compile' ? runs : runs.map((r) => r.join(' ')).join('; ')})`;
  return runTrainer(
    node,
    TRAINER,
    {
      ...env,
      TRAIN_SOURCE: src,
      TRAIN_OUT: out,
      TRAIN_FILENAME: filename,
      TRAIN_DIR: dir,
      TRAIN_ARGS: runs === 'compile' ? runs : JSON.stringify(runs),
    },
    out,
    what,
  );
}

/** Runs a trainer program in a child `node` (async: the stub server here must answer it) and reads the cache it wrote. */
/** Runs a trainer program file (scripts/lib/trainers/) in `node`; the cache it wrote. */
export async function runTrainer(
  node: string,
  program: string,
  env: Record<string, string>,
  out: string,
  what: string,
): Promise<Buffer> {
  const child = spawn(node, [program], { env: { ...env, PATH: '/nonexistent' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const status = await new Promise<number | null>((ok) => child.on('close', ok));
  if (status !== 0 || !existsSync(out))
    fail(`the code-cache training run of ${what} failed with exit ${status}:\n${output}`);
  return readFileSync(out);
}

/** The embedded scripts' code, by role. */
export type Scripts = Record<keyof typeof EMBEDDED, string>;

/**
 * Trains the cold script's cache: runs the hot bundle (a file, beside the cold script) as
 * `ssohelper <args>`, compiling the cold script with exactly the text embedded.ts compiles when
 * the hot bundle asks for it, and writes that script's cache once the run exits 0.
 */
const COLD_TRAINER = join(import.meta.dirname, 'trainers', 'cold.cjs');

export async function trainedColdCache(
  node: string,
  scripts: Scripts,
  work: string,
  args: string[],
  env: Record<string, string>,
): Promise<Buffer> {
  const dir = join(work, 'cold-training');
  mkdirSync(dir, { recursive: true });
  const hot = join(dir, HOT_FILE);
  const cold = join(dir, COLD_FILE);
  const src = join(dir, `${COLD_FILE}.wrapped.js`);
  const out = join(dir, `${COLD_FILE}.cache`);
  writeFileSync(hot, scripts.hot);
  writeFileSync(cold, scripts.cold);
  writeFileSync(src, wrapScript(scripts.cold));
  const trainerEnv = {
    ...env,
    TRAIN_HOT: hot,
    TRAIN_COLD: cold,
    TRAIN_SOURCE: src,
    TRAIN_OUT: out,
    TRAIN_FILENAME: COLD_FILE,
    TRAIN_ARGS: JSON.stringify(args),
  };
  return runTrainer(node, COLD_TRAINER, trainerEnv, out, `${COLD_FILE} (${args.join(' ')})`);
}

/**
 * The four caches, trained against a stub portal here. The hot bundle's on a first `get` (what
 * of it runs in the hot bundle: the miss, the write, the output) followed by a cached one; the
 * cold script's on a first `get`, which the hot entry runs with it; the full bundle's on a first
 * `get` run by the full program alone (a --debug run, or after a hand-over: the lock, the token,
 * the request and the write are the same). The SDK bundle's holds what compiling it gives (its
 * users, login and refresh, vary too much to train on one run).
 */
export async function codeCaches(node: string, scripts: Scripts, work: string): Promise<Record<keyof Scripts, Buffer>> {
  const home = tempDir('ssohelper-train-');
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        roleCredentials: {
          accessKeyId: 'ASIATRAININGEXAMPLE0',
          secretAccessKey: 'trainingSecretAccessKeyEXAMPLE',
          sessionToken: 'trainingSessionTokenEXAMPLE',
          expiration: Date.now() + 3600_000,
        },
      }),
    );
  });
  try {
    writeConfig(home);
    await writeSsoToken(home, { accessToken: 'trainingAccessToken', expiresAt: new Date(Date.now() + 3600_000) });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const env = { HOME: home, AWS_ENDPOINT_URL_SSO: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    const get = ['get', FIXTURE.profile];
    const cold = await trainedColdCache(node, scripts, work, get, env);
    rmSync(roleCacheFile(home));
    const full = await trainedCodeCache(node, scripts.full, FULL_FILE, work, [get], env);
    rmSync(roleCacheFile(home));
    // A first get (the hot bundle's part of it: the miss, the write, the output), then a cached
    // one from the entry it wrote.
    const hot = await trainedCodeCache(node, scripts.hot, HOT_FILE, work, [get, get], env, {
      [COLD_FILE]: scripts.cold,
    });
    const sdk = await trainedCodeCache(node, scripts.sdk, SDK_FILE, work, 'compile', {});
    return { hot, full, sdk, cold };
  } finally {
    server.close();
    rmSync(home, { recursive: true, force: true });
  }
}
