// The pacer on a simulated clock, against the two limiter shapes a portal may have: a token
// bucket, and a window that counts every attempt, refused ones included. The ratios are
// simulated time over (calls / limit): no wall clock is involved.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_RATE, onSuccess, onThrottle, startPace, takeSlot } from '../../src/net/pacer.ts';
import { simulate, slidingWindow, tokenBucket } from '../helpers/paceSim.ts';

const START = 20;
const ratio = (r: { elapsedMs: number }, calls: number, limit: number) => r.elapsedMs / ((calls / limit) * 1000);

test('1,181 listing calls at a 20/s token bucket: within 1.2 times the floor', () => {
  const r = simulate({ calls: 1181, parallel: 6, latencyMs: 0, limiter: tokenBucket(20), startRate: START });
  assert.ok(ratio(r, 1181, 20) <= 1.2, `ratio ${ratio(r, 1181, 20)}`);
});

test('131 calls at 10/s under a limiter that counts every attempt: within 1.3 times the floor', () => {
  const r = simulate({ calls: 131, parallel: 6, latencyMs: 0, limiter: slidingWindow(10), startRate: START });
  assert.ok(ratio(r, 131, 10) <= 1.3, `ratio ${ratio(r, 131, 10)}`);
});

test('131 calls at a 10/s token bucket with 50 ms latency: within 1.2 times the floor', () => {
  const r = simulate({ calls: 131, parallel: 6, latencyMs: 50, limiter: tokenBucket(10), startRate: START });
  assert.ok(ratio(r, 131, 10) <= 1.2, `ratio ${ratio(r, 131, 10)}`);
});

test('a limit above the start is found: 600 calls at 40/s end faster than at the starting rate', () => {
  const r = simulate({ calls: 600, parallel: 6, latencyMs: 20, limiter: tokenBucket(40), startRate: START });
  assert.ok(r.elapsedMs < (600 / START) * 1000, `${r.elapsedMs} ms`);
  assert.ok(r.final.rate > START);
});

test('slots are spaced at the rate, in call order', () => {
  let s = startPace(10, 0);
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const slot = takeSlot(s, 0);
    s = slot.state;
    times.push(slot.at);
  }
  assert.deepEqual(times, [0, 100, 200]);
});

test('one decrease per overload: throttles of calls sent just after it are not counted again', () => {
  let s = startPace(20, 0);
  s = onThrottle(s, 500, 400);
  assert.equal(s.rate, 20 * 0.7);
  assert.equal(onThrottle(s, 700, 600).rate, s.rate, 'sent after the decrease, within the hold');
  assert.equal(onThrottle(s, 700, 300).rate, s.rate, 'sent before the decrease');
  assert.ok(onThrottle(s, 1600, 1550).rate < s.rate, 'still throttled a second later: down again');
});

test('after a second of calls, a throttle steps down to what got through, not by halves', () => {
  let s = startPace(20, 0);
  s = onSuccess(s, 1500);
  s = onThrottle(s, 1600, 1600);
  // One call got through in the last second: the curve's peak is 1/s, the rate 0.7 of it.
  assert.equal(s.peak, 1);
  assert.equal(s.rate, 0.7);
  for (let t = 1600; t < 60_000; t += 2000) s = onThrottle(s, t, t);
  assert.equal(s.rate, MIN_RATE, 'never below the floor');
});

test('the rate comes back to the peak, stays near it, then probes above; never more than twice what got through', () => {
  let s = onThrottle(onSuccess(startPace(10, 0), 0), 100, 100);
  const at = (t: number) => onSuccess(s, t).rate;
  assert.ok(at(200) < 10);
  // Enough successes in the last second that the cap does not bite.
  for (let t = 5_000; t < 6_000; t += 50) s = onSuccess(s, t);
  const plateau = s.rate;
  assert.ok(Math.abs(plateau - 10) < 1, `near the peak: ${plateau}`);
  for (let t = 6_000; t < 20_000; t += 50) s = onSuccess(s, t);
  assert.ok(s.rate > 12, `probing above: ${s.rate}`);
  // After a long pause the clock-driven curve is far up, but one success allows only 2/s.
  const lone = onSuccess({ ...s, recent: [] }, 200_000);
  assert.ok(lone.rate <= Math.max(2, s.rate), `${lone.rate}`);
});
