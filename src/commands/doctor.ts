import { stringFlag } from '../cli/args.ts';
import type { Command } from '../cli/command.ts';
import { OUTPUT_FLAG } from './credentialFlags.ts';
import { lazy } from '../util/load.ts';

export const doctor: Command = {
  name: 'doctor',
  summary: 'check the set-up and say exactly what is wrong and how to fix it',
  usage: 'ssohelper doctor [PROFILE] [--output json]',
  description: [
    'Checks, one line each (✓ fine, ✗ a problem, with the fix below, ! worth a look):',
    '  the config and credentials files parse, with no duplicate sections;',
    '  static keys in ~/.aws/credentials or AWS_ACCESS_KEY_ID that shadow SSO profiles;',
    '  every SSO profile is complete and consistent; source_profile chains end;',
    '  each sso-session: logged in, time left, renews itself, the login command;',
    '  cache directories and files are private to you;',
    "  this computer's clock is within 5 minutes of the portal's (one request to it);",
    "  the AWS CLI on PATH (v1 or v2) and whether it shares ssohelper's caches;",
    '  proxy and CA settings in effect (names and hosts, never credentials).',
    'With PROFILE, only that profile and its session. Exits 0 when nothing is wrong (warnings',
    'allowed), 1 when something is. --output json prints the checks for scripts.',
  ].join('\n'),
  examples: [
    'ssohelper doctor',
    'ssohelper doctor dev',
    'ssohelper doctor --output json | jq \'.checks[] | select(.status == "fail")\'',
  ],
  flags: [OUTPUT_FLAG],
  maxPositionals: 1,
  async run(rt, args) {
    const output = stringFlag(args, 'output') ?? 'text';
    const [{ runChecks }, { doctorJson, renderDoctor }] = await Promise.all([
      lazy(() => import('../doctor/collect.ts')),
      lazy(() => import('../doctor/render.ts')),
    ]);
    const checks = await runChecks(rt, args.positionals[0]);
    const failed = checks.some((c) => c.verdict === 'fail');
    return {
      stdout: output === 'json' ? doctorJson(checks) : renderDoctor(checks, rt.terminal.colour('stdout')),
      exitCode: failed ? 1 : 0,
    };
  },
};
