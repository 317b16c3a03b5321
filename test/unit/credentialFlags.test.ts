// The region options of every command go through one check, which names the option it read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chosenRegion, regionOption } from '../../src/commands/credentialFlags.ts';
import { UsageError } from '../../src/errors.ts';

const args = (flags: Record<string, string | boolean>) => ({ flags, positionals: [] });

test('regionOption: a region name passes, anything else is a usage error naming the option', () => {
  assert.equal(regionOption(args({ 'sso-region': 'eu-central-1' }), 'sso-region', 'init'), 'eu-central-1');
  assert.equal(regionOption(args({}), 'region', 'sync'), undefined);
  for (const [flag, command] of [
    ['region', 'sync'],
    ['sso-region', 'init'],
  ]) {
    assert.throws(
      () => regionOption(args({ [flag as string]: 'mars' }), flag as string, command as string),
      (e: unknown) =>
        e instanceof UsageError &&
        e.exitCode === 2 &&
        e.message === `${command}: --${flag} "mars" is not an AWS region name like us-east-1`,
    );
  }
});

test('chosenRegion: --region wins over the profile, --no-region drops it, both contradict', () => {
  assert.equal(chosenRegion(args({ region: 'us-west-2' }), 'env')('eu-west-1'), 'us-west-2');
  assert.equal(chosenRegion(args({}), 'env')('eu-west-1'), 'eu-west-1');
  assert.equal(chosenRegion(args({ 'no-region': true }), 'env')('eu-west-1'), undefined);
  assert.throws(
    () => chosenRegion(args({ region: 'us-west-2', 'no-region': true }), 'exec'),
    /exec: --region and --no-region contradict each other/,
  );
  assert.throws(
    () => chosenRegion(args({ region: 'moon' }), 'serve'),
    /serve: --region "moon" is not an AWS region name/,
  );
});
