// Start-to-exit cost of the hot path (a warm role-credential cache), side by side in one run:
//   ssohelper   dist/ssohelper get bench
//   bare-node   the same Node 24 binary running nothing (node -e 0): the floor for any Node CLI
//   aws         /usr/bin/aws configure export-credentials --profile bench (AWS CLI v2), if present
//
//   node_modules/.bin/node scripts/bench.ts [--runs N] [--warmup N] [--json] [--exe PATH]
//
// Runs are interleaved, in rotating order (abc, bca, cab, ...), so a noisy neighbour on this
// shared 2-core machine hurts every contender alike; compare the figures only within one run.
// Each child is started and reaped by a small python3 driver with os.wait4, which gives the
// child's own peak RSS and a wall time free of Node's spawn overhead. The SEA's RSS counts the
// pages of its 120 MB file that page-cache fault-around maps: two byte-identical copies of the
// binary were seen 12 MB apart, so read RSS differences under ~15 MB as noise.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '40' },
    warmup: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
    exe: { type: 'string', default: join(root, 'dist/ssohelper') },
  },
  strict: true,
});
const runs = Number(opts.runs);
const warmup = Number(opts.warmup);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(warmup) || warmup < 0) {
  throw new Error(`--runs and --warmup take whole numbers (got ${opts.runs}, ${opts.warmup})`);
}
const exe = resolve(opts.exe);
// build.ts writes the bundle beside the binary; it is the code the SEA embeds.
const bundle = `${exe}.cjs`;
const node = realpathSync(join(root, 'node_modules/.bin/node'));
// `aws` on PATH is an unrelated AWS CLI v1 (pyenv); the Debian package's v2 is /usr/bin/aws.
const aws = '/usr/bin/aws';
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function note(msg: string): void {
  process.stderr.write(`bench: ${msg}\n`);
}

if (!existsSync(exe)) {
  note(`${exe} does not exist: run make build`);
  process.exit(1);
}

// ---- fixture: a temp HOME with an SSO profile and a warm AWS CLI role-credential cache entry

const ACCOUNT = '111111111111';
const ROLE = 'ReadOnly';
const SESSION = 'bench-session';
const home = mkdtempSync(join(tmpdir(), 'ssohelper-bench-'));
process.on('exit', () => rmSync(home, { recursive: true, force: true }));
const accessKeyId = 'ASIABENCHEXAMPLE0001';

function writeFixture(): void {
  mkdirSync(join(home, '.aws/cli/cache'), { recursive: true });
  writeFileSync(
    join(home, '.aws/config'),
    [
      '[profile bench]',
      `sso_session = ${SESSION}`,
      `sso_account_id = ${ACCOUNT}`,
      `sso_role_name = ${ROLE}`,
      'region = eu-west-1',
      '',
      `[sso-session ${SESSION}]`,
      'sso_start_url = https://example.awsapps.com/start',
      'sso_region = eu-west-1',
      '',
    ].join('\n'),
  );
  // The AWS CLI names the file after the sha1 of its compact, key-sorted cache-key JSON.
  const key = JSON.stringify({ accountId: ACCOUNT, roleName: ROLE, sessionName: SESSION });
  const name = `${createHash('sha1').update(key).digest('hex')}.json`;
  const expiration = `${new Date(Date.now() + 2 * 3600_000).toISOString().slice(0, 19)}Z`;
  // One line, no trailing newline, ", " and ": " separators: byte for byte what botocore writes.
  const body =
    `{"ProviderType": "sso", "Credentials": {"AccessKeyId": "${accessKeyId}", ` +
    `"SecretAccessKey": "benchSecretAccessKeyEXAMPLEEXAMPLEEXAMPLE", "SessionToken": "benchSessionTokenEXAMPLE", ` +
    `"Expiration": "${expiration}", "AccountId": "${ACCOUNT}"}}`;
  writeFileSync(join(home, '.aws/cli/cache', name), body);
}

function childEnv(endpoint: string): Record<string, string> {
  return {
    HOME: home,
    PATH: '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    AWS_PAGER: '',
    // Any network attempt on the hot path must fail loudly rather than reach AWS.
    AWS_ENDPOINT_URL_SSO: endpoint,
    AWS_ENDPOINT_URL_SSO_OIDC: endpoint,
    AWS_ENDPOINT_URL: endpoint,
  };
}

// ---- driver: one long-lived python3 that runs a child per request line and reports rusage

const DRIVER = `
import json, os, sys, tempfile, time
fd, errpath = tempfile.mkstemp(prefix='bench-stderr-')
os.close(fd)
for line in sys.stdin:
    req = json.loads(line)
    r, w = os.pipe()
    fa = [(os.POSIX_SPAWN_DUP2, w, 1), (os.POSIX_SPAWN_CLOSE, r),
          (os.POSIX_SPAWN_OPEN, 0, '/dev/null', os.O_RDONLY, 0),
          (os.POSIX_SPAWN_OPEN, 2, errpath, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)]
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(req['argv'][0], req['argv'], req['env'], file_actions=fa)
    os.close(w)
    chunks = []
    while True:
        b = os.read(r, 65536)
        if not b: break
        chunks.append(b)
    os.close(r)
    _, status, ru = os.wait4(pid, 0)
    t1 = time.perf_counter_ns()
    with open(errpath, 'rb') as f: err = f.read()
    print(json.dumps({'wallNs': t1 - t0, 'maxRssKb': ru.ru_maxrss, 'status': os.waitstatus_to_exitcode(status),
                      'stdout': b''.join(chunks).decode('utf-8', 'replace'), 'stderr': err.decode('utf-8', 'replace')}), flush=True)
os.unlink(errpath)
`;

interface RunResult {
  wallNs: number;
  maxRssKb: number;
  status: number;
  stdout: string;
  stderr: string;
}

const driver = spawn(python, ['-c', DRIVER], { stdio: ['pipe', 'pipe', 'inherit'] });
driver.on('error', (e) => {
  note(`cannot start ${python} (needed to measure each child's rusage): ${e.message}`);
  process.exit(1);
});
const driverLines = createInterface({ input: driver.stdout })[Symbol.asyncIterator]();

async function run(argv: string[], env: Record<string, string>): Promise<RunResult> {
  driver.stdin.write(`${JSON.stringify({ argv, env })}\n`);
  const next = await driverLines.next();
  if (next.done) throw new Error(`the ${python} driver exited`);
  return JSON.parse(next.value) as RunResult;
}

interface Contender {
  name: string;
  argv: string[];
  // Whether stdout is the fixture's credentials (a bench that times an error is worthless).
  check?: (stdout: string) => boolean;
}

const hasKey = (stdout: string) => {
  try {
    return (JSON.parse(stdout) as { AccessKeyId?: string }).AccessKeyId === accessKeyId;
  } catch {
    return false;
  }
};

const contenders: Contender[] = [
  { name: 'ssohelper', argv: [exe, 'get', 'bench'], check: hasKey },
  { name: 'bare-node', argv: [node, '-e', '0'] },
];
if (existsSync(aws)) {
  contenders.push({
    name: 'aws',
    argv: [aws, 'configure', 'export-credentials', '--profile', 'bench', '--format', 'process'],
    check: hasKey,
  });
} else {
  note(`${aws} not found: AWS CLI v2 left out (apt-get install awscli)`);
}

// A listener that counts connections and drops them at once, so a stray network call shows up
// as a count and fails fast instead of hanging.
async function countConnections(c: Contender): Promise<number> {
  let count = 0;
  const server = createServer((s) => {
    count++;
    s.destroy();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  await run(c.argv, childEnv(`http://127.0.0.1:${port}`));
  await new Promise((ok) => setTimeout(ok, 50));
  await new Promise((ok) => server.close(ok));
  return count;
}

// The bundle is the SEA's exact code; run under plain node it can list the builtins it loaded.
function heavyModulesOnHotPath(): string[] | null {
  if (!existsSync(bundle)) return null;
  const probe = `process.on('exit',()=>{process.getBuiltinModule('fs').writeSync(3,JSON.stringify(process.moduleLoadList))})`;
  const r = spawnSync(node, ['--import', `data:text/javascript,${encodeURIComponent(probe)}`, bundle, 'get', 'bench'], {
    env: childEnv('http://127.0.0.1:9'),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const loaded = String(r.output[3] ?? '');
  if (r.status !== 0 || loaded === '') return null;
  const list = JSON.parse(loaded) as string[];
  return ['http', 'https', 'http2', 'tls', 'zlib'].filter((m) => list.includes(`NativeModule ${m}`));
}

function stats(xs: number[]): { median: number; p90: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => {
    const i = (s.length - 1) * q;
    const lo = Math.floor(i);
    const hi = Math.ceil(i);
    return s[lo]! + (s[hi]! - s[lo]!) * (i - lo);
  };
  return { median: at(0.5), p90: at(0.9), min: s[0]!, max: s[s.length - 1]! };
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function main(): Promise<number> {
  writeFixture();
  const env = childEnv('http://127.0.0.1:9');

  for (const c of contenders) {
    const r = await run(c.argv, env);
    if (r.status !== 0 || (c.check && !c.check(r.stdout))) {
      note(`${c.name} does not succeed on the fixture (exit ${r.status}):\n${r.stdout}${r.stderr}`);
      return 1;
    }
  }

  const network: Record<string, number> = {};
  for (const c of contenders) if (c.name !== 'bare-node') network[c.name] = await countConnections(c);
  const heavy = heavyModulesOnHotPath();

  const load0 = loadavg()[0]!;
  for (let i = 0; i < warmup; i++) for (const c of contenders) await run(c.argv, env);
  const samples = new Map<string, RunResult[]>(contenders.map((c) => [c.name, []]));
  for (let i = 0; i < runs; i++) {
    // Rotating the order keeps any "runs right after X" effect from landing on one contender.
    for (let j = 0; j < contenders.length; j++) {
      const c = contenders[(i + j) % contenders.length]!;
      const r = await run(c.argv, env);
      if (r.status !== 0) {
        note(`${c.name} failed on run ${i + 1} (exit ${r.status}): ${r.stderr}`);
        return 1;
      }
      samples.get(c.name)!.push(r);
    }
  }
  const load1 = loadavg()[0]!;
  driver.stdin.end();

  const results = contenders.map((c) => {
    const rs = samples.get(c.name)!;
    const wall = stats(rs.map((r) => r.wallNs / 1e6));
    const rss = stats(rs.map((r) => r.maxRssKb / 1024));
    return {
      name: c.name,
      command: c.argv.map((a) => a.replace(`${root}/`, '')).join(' '),
      runs: rs.length,
      wallMs: { median: round(wall.median, 2), p90: round(wall.p90, 2), min: round(wall.min, 2) },
      peakRssMiB: { median: round(rss.median), max: round(rss.max) },
      networkConnections: network[c.name] ?? null,
    };
  });
  const med = (n: string) => results.find((r) => r.name === n)?.wallMs.median;
  const ratio = (a?: number, b?: number) => (a !== undefined && b !== undefined ? round(a / b, 2) : null);
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, loadavg1m: { start: round(load0, 2), end: round(load1, 2) } },
    node: process.version,
    warmup,
    results,
    ratios: {
      ssohelperOverBareNode: ratio(med('ssohelper'), med('bare-node')),
      awsOverSsohelper: ratio(med('aws'), med('ssohelper')),
    },
    hotPath: {
      networkConnections: network.ssohelper ?? null,
      heavyBuiltinsLoaded: heavy,
    },
  };

  if (opts.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const pad = (s: string | number, n: number) => String(s).padStart(n);
    const out = [
      `hot path, warm cache: ${runs} interleaved runs each after ${warmup} warm-up runs; ${cpus().length} cpus, load ${report.machine.loadavg1m.start} -> ${report.machine.loadavg1m.end}`,
      `${'contender'.padEnd(10)} ${pad('median ms', 10)} ${pad('p90 ms', 8)} ${pad('min ms', 8)} ${pad('RSS MiB', 8)} ${pad('peak', 6)}  command`,
      ...results.map(
        (r) =>
          `${r.name.padEnd(10)} ${pad(r.wallMs.median.toFixed(1), 10)} ${pad(r.wallMs.p90.toFixed(1), 8)} ${pad(r.wallMs.min.toFixed(1), 8)} ${pad(r.peakRssMiB.median.toFixed(1), 8)} ${pad(r.peakRssMiB.max.toFixed(1), 6)}  ${r.command}`,
      ),
      `ssohelper / bare-node: ${report.ratios.ssohelperOverBareNode ?? 'n/a'}x   aws / ssohelper: ${report.ratios.awsOverSsohelper ?? 'n/a'}x`,
      `network connections on the hot path: ${Object.entries(network)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
      `heavy builtins loaded on the hot path (bundle under node): ${heavy === null ? 'n/a' : heavy.length === 0 ? 'none' : heavy.join(', ')}`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  }
  return network.ssohelper === 0 ? 0 : 1;
}

process.exitCode = await main();
driver.stdin.end();
