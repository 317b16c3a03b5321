// `doctor` for a person: one line per check, ✓ / ✗ / !, with the fix indented below.
import type { Check } from './checks.ts';

const MARK = { ok: '✓', fail: '✗', warn: '!' } as const;

export function renderDoctor(checks: readonly Check[]): string {
  const lines = checks.flatMap((c) => [`${MARK[c.verdict]} ${c.message}`, ...(c.fix && c.verdict !== 'ok' ? [`    fix: ${c.fix}`] : [])]);
  const failed = checks.filter((c) => c.verdict === 'fail').length;
  const warned = checks.filter((c) => c.verdict === 'warn').length;
  lines.push('', failed === 0 ? `No problems found${warned ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}.` : `${failed} problem${failed === 1 ? '' : 's'} found${warned ? `, ${warned} warning${warned === 1 ? '' : 's'}` : ''}.`);
  return `${lines.join('\n')}\n`;
}

/** The stable JSON form for scripts. */
export function doctorJson(checks: readonly Check[]): string {
  return `${JSON.stringify({ version: 1, ok: checks.every((c) => c.verdict !== 'fail'), checks: checks.map((c) => ({ area: c.area, status: c.verdict, message: c.message, fix: c.fix ?? null })) }, null, 2)}\n`;
}
