// `doctor` for a person: one line per check, ✓ / ✗ / !, with the fix indented below.
import type { Check } from './checks.ts';
import { marks } from '../terminal.ts';
import { count } from '../util/plural.ts';

/** `colour`: ✓ green, ✗ red, ! yellow (stdout is a terminal that wants colour). */
export function renderDoctor(checks: readonly Check[], colour = false): string {
  const { ok, bad, warn } = marks(colour);
  const mark = { ok, fail: bad, warn };
  const lines = checks.flatMap((c) => [
    `${mark[c.verdict]} ${c.message}`,
    ...(c.fix && c.verdict !== 'ok' ? [`    fix: ${c.fix}`] : []),
  ]);
  const failed = checks.filter((c) => c.verdict === 'fail').length;
  const warned = checks.filter((c) => c.verdict === 'warn').length;
  lines.push(
    '',
    failed === 0
      ? `No problems found${warned ? ` (${count(warned, 'warning')})` : ''}.`
      : `${count(failed, 'problem')} found${warned ? `, ${count(warned, 'warning')}` : ''}.`,
  );
  return `${lines.join('\n')}\n`;
}

/** The stable JSON form for scripts. */
export function doctorJson(checks: readonly Check[]): string {
  return `${JSON.stringify({ version: 1, ok: checks.every((c) => c.verdict !== 'fail'), checks: checks.map((c) => ({ area: c.area, status: c.verdict, message: c.message, fix: c.fix ?? null })) }, null, 2)}\n`;
}
