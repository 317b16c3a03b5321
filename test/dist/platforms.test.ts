// The release archives, unpacked and run on every system that can run them: this machine's own
// (natively), linux-arm64 under qemu-user on a Linux x64 machine (`make test-dist` installs it),
// and on the hosted CI runners macOS arm64 and x64 and Windows (.github/workflows/ci.yml runs this
// file there against the archives the Linux job built). For each: `--version`, a first `get`
// over the network to the emulator, the cached path (no request), `env --format powershell`
// (run through PowerShell's Invoke-Expression where PowerShell exists), and on macOS
// `codesign --verify` of the ad-hoc signature.
//
// SSOHELPER_RELEASE: the folder holding the archives (default dist/release).
// SSOHELPER_EXE: instead, one executable for this system (the CI runners' own build).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Emulator } from '../emulator/server.ts';
import { makeHome, seedToken } from '../helpers/home.ts';
import { cleanEnv, collect, describe as describeRun, processJson, ROOT } from '../helpers/run.ts';
import { tempDir } from '../helpers/temp.ts';

const RELEASE = process.env.SSOHELPER_RELEASE ?? join(ROOT, 'dist', 'release');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const QEMU = '/usr/bin/qemu-aarch64-static';
const ARM64_LOADER = '/lib/ld-linux-aarch64.so.1';

interface Runnable {
  platform: string;
  /** Programs put in front of the executable: an emulator, or none. */
  runner: string[];
  /** An executable given as it is; otherwise the one in the platform's archive. */
  exe?: string;
}

function hostPlatform(): string {
  const os = { linux: 'linux', darwin: 'darwin', win32: 'windows' }[process.platform as string];
  return `${os ?? process.platform}-${process.arch}`;
}

function works(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** What this machine can run, and how. */
export function runnables(): Runnable[] {
  const host = hostPlatform();
  if (process.env.SSOHELPER_EXE) return [{ platform: host, runner: [], exe: process.env.SSOHELPER_EXE }];
  const list: Runnable[] = [{ platform: host, runner: [] }];
  if (host === 'linux-x64') {
    assert.ok(
      existsSync(QEMU) && existsSync(ARM64_LOADER),
      `${QEMU} or ${ARM64_LOADER} is missing: make test-dist installs qemu-user-static and the arm64 C library`,
    );
    list.push({ platform: 'linux-arm64', runner: [QEMU] });
  }
  // Apple Silicon runs the x64 build under Rosetta 2 when it is installed.
  if (host === 'darwin-arm64' && works('/usr/bin/arch', ['-x86_64', '/usr/bin/true']))
    list.push({ platform: 'darwin-x64', runner: ['/usr/bin/arch', '-x86_64'] });
  return list;
}

function archiveOf(platform: string): string {
  const name = `ssohelper-${VERSION}-${platform}${platform.startsWith('windows') ? '.zip' : '.tar.xz'}`;
  const path = join(RELEASE, name);
  assert.ok(existsSync(path), `${path} is missing (have: ${readdirSync(RELEASE).join(', ')}): run \`make dist\``);
  return path;
}

/** Unpacks as a user would on that system: tar on Linux and macOS, Expand-Archive on Windows. */
function unpack(platform: string, into: string): string {
  const archive = archiveOf(platform);
  mkdirSync(into, { recursive: true });
  const r = platform.startsWith('windows')
    ? spawnSync('pwsh', ['-NoProfile', '-Command', `Expand-Archive -LiteralPath '${archive}' -DestinationPath '${into}'`], {
        encoding: 'utf8',
      })
    : spawnSync('tar', ['-xJf', archive, '-C', into], { encoding: 'utf8' });
  assert.equal(r.status, 0, `unpacking ${archive}: ${r.stdout}${r.stderr}`);
  const exe = join(
    into,
    `ssohelper-${VERSION}-${platform}`,
    platform.startsWith('windows') ? 'ssohelper.exe' : 'ssohelper',
  );
  assert.ok(existsSync(exe), `${exe} is not in the archive`);
  return exe;
}

let emu: Emulator;
before(async () => {
  emu = await Emulator.start();
});
after(() => emu?.stop());

for (const { platform, runner, exe: given } of runnables()) {
  const what = given ? `the ${platform} executable ${given}` : `the ${platform} archive`;
  describe(`${what}${runner.length ? ` (under ${runner.join(' ')})` : ''}`, () => {
    let exe = '';
    let env: Record<string, string> = {};
    const home = makeHome();
    const runExe = (args: string[]) => {
      const [file, ...pre] = [...runner, exe];
      return collect(spawn(file!, [...pre, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
    };

    before(async () => {
      exe = given ?? unpack(platform, tempDir(`ssohelper-${platform}-`));
      env = { ...cleanEnv(home.dir, emu.url), USERPROFILE: home.dir };
      if (process.platform === 'win32') env.SystemRoot = process.env.SystemRoot ?? 'C:\\Windows';
      emu.resetCounters();
      await seedToken(home, emu.issueSession({ ttlSeconds: 3600, refreshable: true }));
    });

    test('--version names the release', async () => {
      const r = await runExe(['--version']);
      assert.equal(r.code, 0, describeRun(r));
      assert.match(r.stdout, new RegExp(`\\b${VERSION.replaceAll('.', '\\.')}\\b`));
      if (given) return;
      // The release's own version, not a development build's (0.1.0+commit).
      assert.match(r.stdout, new RegExp(`^ssohelper ${VERSION.replaceAll('.', '\\.')}\\s*$`));
    });

    test('a first get fetches over the network; the second is served from the cache', async () => {
      const first = await runExe(['get', 'dev']);
      const doc = processJson(first);
      assert.match(doc.AccessKeyId, /^ASIA/);
      assert.equal(emu.counters.GetRoleCredentials, 1);
      const again = await runExe(['get', 'dev']);
      assert.equal(processJson(again).AccessKeyId, doc.AccessKeyId);
      assert.equal(emu.counters.GetRoleCredentials, 1, 'cached: no second request');
    });

    test('env --format powershell from the cache sets the variables', async () => {
      const r = await runExe(['env', 'dev', '--format', 'powershell']);
      assert.equal(r.code, 0, describeRun(r));
      assert.match(r.stdout, /^\$Env:AWS_ACCESS_KEY_ID="ASIA[A-Z0-9]+"$/m);
      assert.match(r.stdout, /^\$Env:AWS_SESSION_TOKEN="[A-Za-z0-9+/=]+"$/m);
      assert.equal(emu.counters.GetRoleCredentials, 1);
      const pwsh = runner.length === 0 && works('pwsh', ['-NoProfile', '-Command', 'exit 0']);
      if (!pwsh) return;
      // What a Windows user types: the output piped into Invoke-Expression changes the session.
      const ps = spawnSync(
        'pwsh',
        [
          '-NoProfile',
          '-Command',
          `& '${exe}' env dev --format powershell | Invoke-Expression; Write-Output "key=$env:AWS_ACCESS_KEY_ID"`,
        ],
        { env, encoding: 'utf8' },
      );
      assert.equal(ps.status, 0, `${ps.stdout}${ps.stderr}`);
      assert.match(ps.stdout, /^key=ASIA[A-Z0-9]+\s*$/m);
    });

    if (platform.startsWith('darwin') && process.platform === 'darwin') {
      test('codesign accepts the ad-hoc signature', () => {
        const r = spawnSync('codesign', ['--verify', '--strict', '--verbose=2', exe], { encoding: 'utf8' });
        assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
        const info = spawnSync('codesign', ['--display', '--verbose=2', exe], { encoding: 'utf8' });
        assert.match(`${info.stdout}${info.stderr}`, /Signature=adhoc/);
      });
    }
  });
}
