// Timestamps in the caches come from several writers (AWS CLI, botocore, the JS SDK, us), each
// with its own ISO-8601 flavour; we read them all and write exactly what the AWS CLI writes.

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;

/** Parses any ISO-8601 date-time the AWS tools write; undefined when it is not one. */
export function parseTimestamp(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ISO.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone && /^[+-]/.test(zone)) {
    const digits = zone.replace(':', '');
    const offset = (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000;
    t -= digits[0] === '-' ? -offset : offset;
  }
  // Date.UTC silently rolls over out-of-range fields (month 13), so check the round trip.
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23) {
    return undefined;
  }
  return Number.isFinite(t) ? new Date(t) : undefined;
}

/** `2026-11-22T04:26:17Z`: the AWS CLI's cache format (seconds, no fraction). */
export function formatCacheTimestamp(date: Date): string {
  return `${isoString(date).slice(0, 19)}Z`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * What Date.prototype.toISOString returns, without its cost: V8's looks up the host time zone
 * (ICU) on first use though the result is UTC, about 0.4 ms of every run that prints a time.
 */
export function isoString(date: Date): string {
  const year = date.getUTCFullYear();
  // Invalid dates (toISOString throws) and years it writes with six digits: its own answer.
  if (!(year >= 0 && year <= 9999)) return date.toISOString();
  return `${pad(year, 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}Z`;
}

/** Python's `datetime.isoformat()` of an aware UTC time, as `aws configure export-credentials` prints it. */
export function formatPythonIsoformat(date: Date): string {
  const base = isoString(date).slice(0, 19);
  const ms = date.getUTCMilliseconds();
  const fraction = ms === 0 ? '' : `.${String(ms).padStart(3, '0')}000`;
  return `${base}${fraction}+00:00`;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `90s`, `15m`, `1h30m`, `2h`, or a bare number of seconds. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/^(\d+[smhd])+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, n, unit] of trimmed.matchAll(/(\d+)([smhd])/g)) total += Number(n) * (UNIT_MS[unit as string] ?? 0);
  return total;
}

/** A short human duration for messages: `1h 05m`, `12m 30s`, `45s`, `expired 3m ago`. */
export function humanDuration(ms: number): string {
  if (ms < 0) return `expired ${humanDuration(-ms)} ago`;
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${String(h).padStart(2, '0')}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}
