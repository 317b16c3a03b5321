// A rate-limited service and its callers on a simulated clock, for the pacer's tests and the
// bench's reasoning: each caller takes a slot from the pacer, its call reaches the limiter after
// half the latency and its answer comes back after the other half; a throttled call is sent
// again through the pacer. Events run in time order, so the figures do not depend on the machine.
import { onSuccess, onThrottle, type PaceState, startPace, takeSlot } from '../../src/net/pacer.ts';

export interface Limiter {
  /** True when a call arriving at `t` (ms) is let through. */
  admit(t: number): boolean;
}

/** A bucket of one second's worth of calls, refilled at `rate` a second (the emulator's default shape). */
export function tokenBucket(rate: number): Limiter {
  let tokens = Math.max(1, rate);
  let at = 0;
  return {
    admit(t) {
      tokens = Math.min(Math.max(1, rate), tokens + ((t - at) / 1000) * rate);
      at = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

/** At most `rate` calls in any second, refused ones counted too: hammering keeps the door shut. */
export function slidingWindow(rate: number): Limiter {
  const seen: number[] = [];
  return {
    admit(t) {
      while (seen.length > 0 && (seen[0] as number) <= t - 1000) seen.shift();
      const ok = seen.length < rate;
      seen.push(t);
      return ok;
    },
  };
}

export interface SimResult {
  elapsedMs: number;
  throttled: number;
  final: PaceState;
}

export function simulate(o: {
  calls: number;
  parallel: number;
  latencyMs: number;
  limiter: Limiter;
  startRate: number;
}): SimResult {
  let state = startPace(o.startRate, 0);
  let left = o.calls;
  let throttled = 0;
  let end = 0;
  type Event = { time: number; run: () => void };
  const queue: Event[] = [];
  const schedule = (time: number, run: () => void) => {
    let i = queue.length;
    while (i > 0 && (queue[i - 1] as Event).time > time) i--;
    queue.splice(i, 0, { time, run });
  };
  const send = (now: number) => {
    const slot = takeSlot(state, now);
    state = slot.state;
    schedule(slot.at + o.latencyMs / 2, () => {
      const ok = o.limiter.admit(slot.at + o.latencyMs / 2);
      schedule(slot.at + o.latencyMs, () => {
        const t = slot.at + o.latencyMs;
        end = Math.max(end, t);
        if (ok) {
          state = onSuccess(state, t);
          next(t);
        } else {
          throttled++;
          state = onThrottle(state, t, slot.at);
          send(t);
        }
      });
    });
  };
  const next = (now: number) => {
    if (left === 0) return;
    left--;
    send(now);
  };
  for (let i = 0; i < o.parallel; i++) next(0);
  while (queue.length > 0) (queue.shift() as Event).run();
  return { elapsedMs: end, throttled, final: state };
}
