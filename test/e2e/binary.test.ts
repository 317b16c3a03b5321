// The shipped artifact itself: dist/ssohelper must run on a machine with no Node at all, and
// nothing from the user's Node setup (NODE_OPTIONS) may reach it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'dist', 'ssohelper');
const BUNDLE = join(ROOT, 'dist', 'ssohelper.cjs');
const skip = existsSync(BIN) ? false : `${BIN} is missing: run \`make build\` (make test does)`;
const pkgVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
// scripts/build.ts defines __SSOHELPER_VERSION__ as "<package version>+<commit>[.dirty]", or the
// bare package version outside a git checkout.
const versionLine = new RegExp(`^ssohelper ${pkgVersion.replaceAll('.', '\\.')}(\\+[0-9a-f]{7,40}(\\.dirty)?)?\\n$`);

function runBin(args: string[], env: Record<string, string>, cwd = '/') {
  return spawnSync(BIN, args, { env, cwd, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('dist/ssohelper (single executable)', { skip }, () => {
  test('runs with no node on PATH and prints the injected version', () => {
    const r = runBin(['--version'], { PATH: '/nonexistent' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, versionLine);
    // disableExperimentalSEAWarning: stderr stays clean for credential_process callers.
    assert.equal(r.stderr, '');
  });

  test('runs with an empty environment', () => {
    const r = runBin(['--version'], {});
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, versionLine);
  });

  test('ignores NODE_OPTIONS (execArgvExtension: none)', () => {
    const r = runBin(['--version'], { PATH: '/nonexistent', NODE_OPTIONS: '--require=/nonexistent/preload.js' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, versionLine);
    assert.equal(r.stderr, '');
  });

  test('is the application, not a plain node binary', () => {
    // A plain node (a failed injection, or `strip` after it) would evaluate this and print x.
    const r = runBin(['-e', 'process.stdout.write("x")'], { PATH: '/nonexistent' });
    assert.notEqual(r.stdout, 'x');
    assert.ok(readFileSync(BIN).includes('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1'), 'SEA fuse not flipped');
  });

  test('is executable by everyone and not a stub', () => {
    const st = statSync(BIN);
    assert.equal(st.mode & 0o777, 0o755);
    assert.ok(st.size > 50 * 1024 * 1024, `only ${st.size} bytes`);
  });

  test('--version loads no SDK or network code (the bundle it embeds, under node)', {
    skip: !existsSync(BUNDLE) && 'dist/ssohelper.cjs is missing',
  }, () => {
    const probe = `process.on('exit',()=>{process.getBuiltinModule('fs').writeSync(3,JSON.stringify(process.moduleLoadList))})`;
    const r = spawnSync(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(probe)}`, BUNDLE, '--version'],
      {
        env: { PATH: '/nonexistent' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
        timeout: 30_000,
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const loaded = JSON.parse(String(r.output[3])) as string[];
    for (const m of ['http', 'https', 'http2', 'tls', 'zlib'])
      assert.ok(!loaded.includes(`NativeModule ${m}`), `node:${m} loaded at start`);
  });
});
