import { stringFlag } from '../cli/args.ts';
import { UsageError } from '../errors.ts';
import type { Command } from './command.ts';

export const status: Command = {
  name: 'status',
  summary: 'show SSO sessions and cached credentials, and when a login is due',
  usage: 'ssohelper status [PROFILE] [--output json]',
  description: [
    'Lists every SSO session in the token cache (~/.aws/sso/cache) and every sso-session in the',
    'config: start URL, SSO region, time left, whether it renews itself, and when the next login',
    'is needed; then the cached role credentials (~/.aws/cli/cache) with their time left.',
    'With PROFILE, only that profile\'s session and credentials. Reads only: nothing is refreshed,',
    'written or locked. --output json prints the same as a stable JSON document.',
  ].join('\n'),
  examples: ['ssohelper status', 'ssohelper status dev --output json | jq .sessions[0].secondsLeft'],
  flags: [{ name: 'output', type: 'string', valueName: 'FORMAT', description: 'text (default) or json' }],
  maxPositionals: 1,
  async run(rt, args) {
    const output = stringFlag(args, 'output') ?? 'text';
    if (output !== 'text' && output !== 'json') throw new UsageError(`status: unknown output "${output}"; choose text or json`);
    const { statusReport } = await import('../status/collect.ts');
    const report = await statusReport(rt, args.positionals[0]);
    if (output === 'json') return `${JSON.stringify(report, null, 2)}\n`;
    const { renderStatus } = await import('../format/status.ts');
    return renderStatus(report);
  },
};
