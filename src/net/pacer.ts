// How fast to call a rate-limited API: a rate (calls a second) that drops multiplicatively when
// the service answers 429 and grows back along a cubic curve while calls succeed, the shape of
// the AWS SDKs' adaptive retry mode (TCP CUBIC applied to request rates): quick to come back to
// the rate that last worked, careful around it, probing above it after a while. Pure: the state
// is a plain object, so the same arithmetic paces one `sync` in memory and many processes
// through a note on disk (src/sso/budget.ts).

/** The rate kept after a throttle, as a fraction of the rate that was throttled (the SDKs' 0.7). */
const BETA = 0.7;
/**
 * How steeply the rate grows back, in calls/s per s³. The SDKs use 0.4; against a limiter that
 * counts refused calls too, every probe above the limit shuts it for a second, so ours probes
 * twenty times more gently: 125 calls at 10/s went from 1.6 to 1.3 times the floor (simulated,
 * test/unit/pacer.test.ts), at the cost of finding a limit far above the start more slowly.
 */
const SCALE = 0.02;
/** Never slower than one call every two seconds (the SDKs' floor). */
export const MIN_RATE = 0.5;
/**
 * After a decrease, throttles of calls sent within this long are not news: a limiter that counts
 * refused calls too stays shut for up to a second after an overload, whatever the new rate.
 */
const HOLD_MS = 1000;
/** How far above its starting rate the pacer may probe. */
const MAX_FACTOR = 4;

export interface PaceState {
  /** Calls a second allowed now. */
  rate: number;
  /** The rate the curve returns to (the one throttled last), and when that happened (ms). */
  peak: number;
  throttledAt: number;
  /** Earliest time (ms) of the next call. */
  next: number;
  /** When the first call went out: the measured rate means something after a second of calls. */
  since: number;
  /** Times (ms) of the calls that succeeded within the last second. */
  recent: number[];
  /** Upper bound for the rate. */
  ceiling: number;
}

/** Seconds the curve takes from just after a throttle back to the peak. */
function plateau(peak: number): number {
  return Math.cbrt((peak * (1 - BETA)) / SCALE);
}

/**
 * A pacer at `rate`, as if it had just come back to it: it stays near the rate for a while, then
 * probes above it, slowly at first.
 */
export function startPace(rate: number, now: number, ceiling = rate * MAX_FACTOR): PaceState {
  return { rate, peak: rate, throttledAt: now - plateau(rate) * 1000, next: now, since: now, recent: [], ceiling };
}

/** The time of the caller's call, and the state with that slot taken. Slots go out in call order. */
export function takeSlot(s: PaceState, now: number): { state: PaceState; at: number } {
  const at = Math.max(now, s.next);
  return { state: { ...s, next: at + 1000 / s.rate }, at };
}

/**
 * A call sent at `sentAt` was throttled. One decrease per overload: calls sent before the last
 * decrease are answers to the rate already left behind. The new rate is the lower of the old one
 * times BETA and the rate that actually got through in the last second (many callers at once
 * find the limit in one step instead of halving towards it).
 */
export function onThrottle(s: PaceState, now: number, sentAt: number): PaceState {
  if (sentAt < s.throttledAt + HOLD_MS) return s;
  // Nothing through in the last second is a limiter still shut, not a rate to keep.
  const through = recentOf(s, now).length;
  const measured = now - s.since >= 1000 && through > 0 ? through : Number.POSITIVE_INFINITY;
  // The curve comes back to what got through (not to the rate that was too much), from BETA of it.
  const peak = Math.max(MIN_RATE, Math.min(s.rate, measured));
  const rate = Math.max(MIN_RATE, peak * BETA);
  return { ...s, rate, peak, throttledAt: now, next: Math.max(s.next, now + 1000 / rate) };
}

/**
 * A call succeeded: the rate follows the cubic curve since the last throttle, but never above
 * twice what got through in the last second (the curve runs on the clock: after a long pause it
 * would jump far beyond anything tried).
 */
export function onSuccess(s: PaceState, now: number): PaceState {
  const recent = [...recentOf(s, now), now];
  const t = (now - s.throttledAt) / 1000 - plateau(s.peak);
  const rate = Math.min(
    s.ceiling,
    2 * Math.max(recent.length, s.rate / 2),
    Math.max(MIN_RATE, SCALE * t ** 3 + s.peak),
  );
  return { ...s, rate, recent };
}

function recentOf(s: PaceState, now: number): number[] {
  return s.recent.filter((t) => now - t < 1000);
}
