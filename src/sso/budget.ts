// One budget for every ssohelper process that calls one operation of one portal. Terraform with
// a provider per account starts a dozen `get`s at once; each on its own retries a 429 on its own
// guess, and the portal's limit goes to whoever guesses luckiest. Here the first throttled caller
// leaves a note in the state directory: the pacer's state (pacer.ts), rate and next free slot.
// While the note is fresh, every caller takes its slot from it under a short lock, waits for
// that slot, and reports how the call went, so all of them share one rate that finds the
// portal's limit. Without a note (nobody was throttled lately) a call costs one failed stat.
import { parseJsonObject } from '../util/pyjson.ts';
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withLock } from '../cache/lock.ts';
import { removeFile, writeFileAtomic } from '../fs/files.ts';
import { onSuccess, onThrottle, type PaceState, startPace, takeSlot } from '../net/pacer.ts';
import type { Runtime } from '../runtime.ts';
import { sha1Hex } from '../util/sha1.ts';

/**
 * The note's first rate, before the first throttle's decrease. Its callers are separate
 * processes of one call each: nothing tells how many got through before the note existed, and
 * a burst that was throttled is usually many callers at once. Starting low and growing back
 * (twice what got through at most, pacer.ts) costs a few seconds where the limit is high; 64
 * callers of 8 roles at 3/s got 16 throttled attempts starting at the portal's 20/s.
 */
const FIRST_RATE = 3;
/** The portal's documented rate, times the pacer's probing room. */
const CEILING = 80;
/** A note untouched for this long is history: the portal has long forgotten that burst. */
const NOTE_TTL_MS = 5 * 60_000;
/** Nobody's note is bigger; a larger file is not ours. */
const MAX_NOTE_BYTES = 64 * 1024;
/** Waiting for the note's lock longer than this means something is wrong with it: go without. */
const NOTE_LOCK_MS = 2_000;
/** Longer than any queue of honest callers at the slowest rate: a note asking for more is broken. */
const MAX_SLOT_WAIT_MS = 120_000;

export interface SharedBudget {
  pace<T>(attempt: () => Promise<T>): Promise<T>;
}

/** The budget of `operation` at `endpointUrl`; `isThrottle` tells a 429 from other failures. */
export function sharedBudget(
  rt: Runtime,
  endpointUrl: string,
  operation: string,
  isThrottle: (err: unknown) => boolean,
): SharedBudget {
  const key = sha1Hex(`${new URL(endpointUrl).host} ${operation}`);
  const path = join(rt.paths.stateDir, `throttle-${key}.json`);
  const lockName = `throttle-${key}`;
  const update = <R>(
    change: (state: PaceState | undefined, now: number) => { state: PaceState | undefined; result: R },
  ): Promise<R | undefined> =>
    withLock(
      rt,
      lockName,
      'updating the shared throttle note',
      async () => {
        const now = rt.now();
        const { state, result } = change(readNote(path, now), now);
        if (state) await writeFileAtomic(path, `${JSON.stringify(state)}\n`);
        return result;
      },
      NOTE_LOCK_MS,
    ).catch((err) => {
      // The note is an optimisation: a caller that cannot use it calls as if there were none.
      rt.debug(`throttle note ${path}: ${(err as Error).message}`);
      return undefined;
    });

  return {
    async pace(attempt) {
      let sentAt = rt.now();
      if (noteExists(path)) {
        const slot = await update((state, now) => {
          if (!state) return { state: undefined, result: now };
          const taken = takeSlot(state, now);
          return { state: taken.state, result: taken.at };
        });
        if (slot !== undefined && slot - rt.now() > MAX_SLOT_WAIT_MS) {
          rt.debug(`throttle note ${path} asks for a wait of ${Math.round((slot - rt.now()) / 1000)}s: removed`);
          await removeFile(path).catch(() => undefined);
        } else if (slot !== undefined && slot > rt.now()) {
          rt.debug(`throttle note: waiting ${Math.round(slot - rt.now())}ms for the shared slot`);
          await new Promise((r) => setTimeout(r, slot - rt.now()));
        }
        sentAt = Math.max(sentAt, Math.min(slot ?? sentAt, rt.now()));
      }
      try {
        const result = await attempt();
        if (noteExists(path))
          await update((state, now) => ({ state: state && onSuccess(state, now), result: undefined }));
        return result;
      } catch (err) {
        if (isThrottle(err)) {
          await update((state, now) => ({
            state: onThrottle(state ?? startPace(FIRST_RATE, sentAt, CEILING), now, sentAt),
            result: undefined,
          }));
        }
        throw err;
      }
    },
  };
}

function noteExists(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

/** The note's state, or undefined when there is none, it is stale, or it is not one of ours. */
function readNote(path: string, now: number): PaceState | undefined {
  let text: string;
  try {
    const stat = lstatSync(path);
    if (!stat.isFile() || stat.size > MAX_NOTE_BYTES || now - stat.mtimeMs > NOTE_TTL_MS) {
      void removeFile(path).catch(() => undefined);
      return undefined;
    }
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return parseNote(text);
}

/** Hostile-file reading: every field a finite number in range, or no note at all. */
export function parseNote(text: string): PaceState | undefined {
  const n = parseJsonObject(text);
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (!n) return undefined;
  if (![n.rate, n.peak, n.throttledAt, n.next, n.since, n.ceiling].every(finite)) return undefined;
  if (!Array.isArray(n.recent) || n.recent.length > 1000 || !n.recent.every(finite)) return undefined;
  const [rate, peak, ceiling] = [n.rate, n.peak, n.ceiling] as number[];
  if (!(rate > 0 && peak > 0 && ceiling > 0 && rate <= ceiling && ceiling <= 10_000)) return undefined;
  return {
    rate,
    peak,
    ceiling,
    throttledAt: n.throttledAt as number,
    next: n.next as number,
    since: n.since as number,
    recent: n.recent as number[],
  };
}
