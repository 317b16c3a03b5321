// The set-up most test files share: one emulator for the file, and for every test a fresh HOME,
// zeroed counters, default knobs and an environment pointing ssohelper (or, with `aws`, the
// AWS CLI and botocore) at the emulator.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, beforeEach } from 'node:test';
import { Emulator } from '../emulator/server.ts';
import { awsCliEnv, makeAwsDataPath } from '../interop/awsData.ts';
import { type Home, makeHome } from './home.ts';
import { cleanEnv, requireBinary } from './run.ts';
import { tempDir } from './temp.ts';

export const AWS = '/usr/bin/aws';

export interface Fixture {
  emu: Emulator;
  home: Home;
  env: Record<string, string>;
}

export interface FixtureOptions {
  /** Account/role pairs to assign beyond the emulator's default directory. */
  assign?: ReadonlyArray<readonly [string, string]>;
  /** Config file text for each test's HOME (default: the standard profiles). */
  config?: () => string;
  /** Environment for the real AWS CLI and botocore instead of ssohelper alone. */
  aws?: boolean;
}

export function useEmulator(options: FixtureOptions = {}): Fixture {
  const fixture = {} as Fixture;
  let dataPath = '';
  before(async () => {
    requireBinary();
    if (options.aws)
      assert.ok(existsSync(AWS), `${AWS} is missing: apt-get install -y awscli (make test and .ci/run do)`);
    fixture.emu = await Emulator.start();
    for (const [accountId, roleName] of options.assign ?? []) fixture.emu.assign(accountId, roleName);
    if (options.aws) dataPath = await makeAwsDataPath(tempDir('aws-data-'), fixture.emu.url);
  });
  after(() => fixture.emu.stop());
  beforeEach(() => {
    fixture.emu.resetCounters();
    fixture.emu.resetKnobs();
    fixture.home = options.config ? makeHome(options.config()) : makeHome();
    fixture.env = options.aws
      ? awsCliEnv(fixture.home.dir, fixture.emu.url, dataPath)
      : cleanEnv(fixture.home.dir, fixture.emu.url);
  });
  return fixture;
}
