// `make build`: the four bundles and the single executable, as a thin command over scripts/lib/:
//   bundle.ts     the bundles (dist/ssohelper.cjs from src/boot/hot.ts, the cold script, the full
//                 program from src/main.ts, the AWS SDK) and the check that the full one holds no SDK
//   probe.ts      what a run loads, and the check that a cached `get` loads nothing heavy
//   codeCache.ts  V8 code caches trained by the programs in trainers/
//   sea.ts        the Node single executable (hot bundle as main script, the other three as assets
//                 with their code caches) and its smoke check
//
//   node_modules/.bin/node scripts/build.ts [--outdir dist] [--bundle-only] [--force]
//       [--version-string X] [--skip-checks]
//
// The SEA step takes seconds and ~1 GB of memory (postject), so it is skipped when its inputs
// are the same as last time (dist/.sea-stamp).
import { BuildError, fail, hostNode, log, root, seconds, versionString } from './lib/common.ts';
import { bundle, checkFullBundle } from './lib/bundle.ts';
import { checkHotPath } from './lib/probe.ts';
import { baseFor, finishFor, makeSea, postjectArgsFor, smoke, type TargetOs } from './lib/sea.ts';
import { tempDir } from './lib/temp.ts';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { COLD_FILE, FULL_FILE, SDK_FILE } from '../src/boot/embedded.ts';

async function main(): Promise<void> {
  const { values: opts } = parseArgs({
    options: {
      outdir: { type: 'string', default: 'dist' },
      'bundle-only': { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      'version-string': { type: 'string' },
      'skip-checks': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (process.versions.node.split('.')[0] !== '24')
    fail(`run this with node_modules/.bin/node (Node 24), not ${process.execPath} ${process.version}`);
  const outdir = resolve(root, opts.outdir);
  const t0 = performance.now();
  const version = opts['version-string'] ?? versionString();
  log(`version: ${version} (esbuild define __SSOHELPER_VERSION__)`);
  const { hot, full, sdk, cold } = await bundle(outdir, version);
  if (!opts['skip-checks']) {
    const wrapped = checkFullBundle(full, sdk);
    const builtins = checkHotPath(outdir);
    log(
      `lazy: no SDK code in ${FULL_FILE}, ${wrapped} SDK modules wrapped in ${SDK_FILE}; a cached 'get' loads ${builtins.length} builtins, no package, neither ${COLD_FILE} nor ${FULL_FILE}`,
    );
  }
  if (!opts['bundle-only']) {
    // This machine's own executable; on macOS and Windows (the CI runners) finished as the
    // release's are: signed ad hoc, or with its Authenticode signature removed and checksum set.
    const os = process.platform as TargetOs;
    const exe = join(outdir, os === 'win32' ? 'ssohelper.exe' : 'ssohelper');
    const work = tempDir('.base-', outdir);
    const made = await makeSea({
      node: hostNode,
      baseBinary: baseFor(os, hostNode, work),
      out: exe,
      scripts: { hot: hot.code, full: full.code, sdk: sdk.code, cold: cold.code },
      codeCache: true,
      postjectArgs: postjectArgsFor(os),
      force: opts.force,
    });
    rmSync(work, { recursive: true, force: true });
    if (made) finishFor(os, exe);
    smoke(exe, version);
  }
  log(`done in ${seconds(t0)}`);
}

if (import.meta.main) {
  await main().catch((err: unknown) => {
    log(`error: ${err instanceof BuildError ? err.message : (err as Error).stack}`);
    process.exit(1);
  });
}
