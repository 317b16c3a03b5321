// What a script loads when it runs (builtins and files), and the check that a cached `get` loads
// nothing heavy: used by the build, the bench and the hot-path test.
import { HEAVY_BUILTINS, fail, hostNode } from './common.ts';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { COLD_FILE, FULL_FILE, HOT_FILE } from '../../src/boot/embedded.ts';
import { FIXTURE, hasFixtureKey, writeConfig, writeFreshRoleCache } from '../fixture.ts';
import { tempDir } from './temp.ts';

export const PROBE = `process.on('exit',()=>{const m=process.getBuiltinModule('module');process.getBuiltinModule('fs').writeSync(3,JSON.stringify({builtins:process.moduleLoadList,files:Object.keys(m.Module._cache)}))})`;

/** Node's arguments that run `script` with the probe: it writes what was loaded to fd 3 at exit. */
export function probedArgs(script: string, args: string[]): string[] {
  return ['--import', `data:text/javascript,${encodeURIComponent(PROBE)}`, script, ...args];
}

/** What the probe wrote: the builtins (without the "NativeModule " prefix) and the files loaded. */
export function probeReport(raw: string): { builtins: string[]; files: string[] } {
  const seen = raw ? (JSON.parse(raw) as { builtins: string[]; files: string[] }) : { builtins: [], files: [] };
  return {
    builtins: seen.builtins.filter((b) => b.startsWith('NativeModule ')).map((b) => b.slice('NativeModule '.length)),
    files: seen.files,
  };
}

/** Runs a bundle under node and lists the builtins and files it loaded. */
export function loadedBy(
  nodeBin: string,
  script: string,
  args: string[],
  env: Record<string, string>,
): { status: number | null; stdout: string; stderr: string; builtins: string[]; files: string[] } {
  const r = spawnSync(nodeBin, probedArgs(script, args), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    env,
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ...probeReport(String(r.output[3] ?? '')) };
}

/**
 * The run-time half of the hot-path check: a cached `get` from the hot bundle under this Node
 * must answer without loading the full bundle or any network builtin.
 */
export function checkHotPath(outdir: string): string[] {
  const home = tempDir('ssohelper-build-');
  try {
    writeConfig(home);
    writeFreshRoleCache(home);
    const env = { HOME: home, PATH: '/nonexistent', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
    const r = loadedBy(hostNode, join(outdir, HOT_FILE), ['get', FIXTURE.profile], env);
    if (r.status !== 0 || !hasFixtureKey(r.stdout))
      fail(`a cached 'get' from ${HOT_FILE} failed (exit ${r.status}): ${r.stdout}${r.stderr}`);
    if (r.files.some((f) => f.endsWith(FULL_FILE)))
      fail(`a cached 'get' loaded ${FULL_FILE}: something on the hot path handed over to the full program`);
    if (r.files.some((f) => f.endsWith(COLD_FILE)))
      fail(`a cached 'get' loaded ${COLD_FILE}: the cold script is for a cache miss`);
    const heavy = HEAVY_BUILTINS.filter((m) => r.builtins.includes(m));
    if (heavy.length > 0) fail(`a cached 'get' loads node:${heavy.join(', node:')}`);
    // And the other way round: a command the hot bundle does not know must reach the full one.
    const v = loadedBy(hostNode, join(outdir, HOT_FILE), ['--version'], env);
    if (v.status !== 0 || !v.files.some((f) => f.endsWith(FULL_FILE)))
      fail(`'--version' did not run the full program (exit ${v.status}): ${v.stderr}`);
    const vHeavy = HEAVY_BUILTINS.filter((m) => v.builtins.includes(m));
    if (vHeavy.length > 0)
      fail(`'--version' loads node:${vHeavy.join(', node:')}: some SDK or network code runs at start`);
    return r.builtins;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
