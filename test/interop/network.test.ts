// The AWS CLI 2.9.19 and ssohelper given the same network settings (proxy, CA bundle from the
// environment or the profile) behind the same private CA and proxy: they succeed and fail
// together, so a set-up that works for one works for the other.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, before, beforeEach, test } from 'node:test';
import { Emulator } from '../emulator/server.ts';
import { AWS } from '../helpers/fixture.ts';
import { type Home, makeHome, seedToken, standardConfig } from '../helpers/home.ts';
import { TestProxy } from '../helpers/proxy.ts';
import { describe, requireBinary, run } from '../helpers/run.ts';
import { makeTestCa, type TestCa } from '../helpers/tls.ts';
import { awsCliEnv, makeAwsDataPath } from './awsData.ts';
import { tempDir } from '../helpers/temp.ts';

const NAME = 'sso.emulator.invalid';
let ca: TestCa;
let otherCa: TestCa;
let emu: Emulator;
let proxy: TestProxy;
let dataPath: string;
let home: Home;
const homes: Home[] = [];

before(async () => {
  requireBinary();
  ca = makeTestCa();
  otherCa = makeTestCa();
  emu = await Emulator.start({ tls: { key: ca.key, cert: ca.cert, host: NAME } });
  proxy = await TestProxy.start({ hosts: { [NAME]: '127.0.0.1' } });
  dataPath = await makeAwsDataPath(tempDir('aws-data-'), emu.url);
});

after(async () => {
  await Promise.all([emu?.stop(), proxy?.stop()]);
  for (const dir of [ca?.dir, otherCa?.dir, dataPath, ...homes.map((h) => h.dir)])
    if (dir) rmSync(dir, { recursive: true, force: true });
});

async function useHome(devExtra = ''): Promise<void> {
  home = makeHome(standardConfig().replace('[profile dev]\n', `[profile dev]\n${devExtra}`));
  homes.push(home);
  await seedToken(home, emu.issueSession());
}

beforeEach(() => useHome());

/** Whether each tool got credentials for profile dev (the AWS CLI also calls STS with them). */
async function both(extra: Record<string, string>): Promise<{ aws: boolean; ours: boolean; detail: string }> {
  const env = { ...awsCliEnv(home.dir, emu.url, dataPath), ...extra };
  const cli = await new Promise<{ ok: boolean; err: string }>((resolve) =>
    execFile(AWS, ['sts', 'get-caller-identity', '--profile', 'dev'], { env }, (e, _out, err) =>
      resolve({ ok: !e, err }),
    ),
  );
  const r = await run(['get', 'dev', '--refresh'], env);
  return {
    aws: cli.ok,
    ours: r.code === 0,
    detail: `aws: ${cli.err.trim().split('\n').pop()}\nssohelper: ${describe(r)}`,
  };
}

test('HTTPS_PROXY with AWS_CA_BUNDLE: both reach the emulator through the proxy', async () => {
  const r = await both({ HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: ca.caFile });
  assert.deepEqual([r.aws, r.ours], [true, true], r.detail);
  assert.ok(proxy.counters.connect >= 2);
  assert.ok(proxy.counters.targets.every((t) => t === `${NAME}:${emu.port}`));
});

test('the private CA untrusted: both refuse', async () => {
  const r = await both({ HTTPS_PROXY: proxy.url });
  assert.deepEqual([r.aws, r.ours], [false, false], r.detail);
});

test('the profile’s ca_bundle: both trust it; AWS_CA_BUNDLE naming another CA wins over it in both', async () => {
  await useHome(`ca_bundle = ${ca.caFile}\n`);
  const fromProfile = await both({ HTTPS_PROXY: proxy.url });
  assert.deepEqual([fromProfile.aws, fromProfile.ours], [true, true], fromProfile.detail);
  await useHome(`ca_bundle = ${ca.caFile}\n`);
  const overridden = await both({ HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: otherCa.caFile });
  assert.deepEqual([overridden.aws, overridden.ours], [false, false], overridden.detail);
});
