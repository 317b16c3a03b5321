// Every account and role a session can use, listed as fast as the portal allows and no faster.
// The portal limits listing calls per second per user; a few hundred accounts mean a few hundred
// calls. Calls go out from a small pool, spaced by a pacer (pacer.ts) that starts at the
// documented rate, steps down when the portal answers 429 and grows back while calls succeed, so
// a large organisation finishes near the portal's limit, and throttled calls are retried.
import type { Account } from '../sso/portal.ts';
import { onSuccess, onThrottle, type PaceState, startPace, takeSlot } from '../net/pacer.ts';

export interface Assignment {
  accountId: string;
  accountName: string | undefined;
  emailAddress: string | undefined;
  roles: string[];
}

export interface PortalLister {
  listAccounts(): Promise<Account[]>;
  listAccountRoles(accountId: string): Promise<string[]>;
}

/** Calls in flight at once: enough to hide latency, few enough to stay polite. */
export const LIST_PARALLELISM = 6;

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** One process's pacer (pacer.ts's arithmetic over a clock), shared by every worker of a listing. */
export class Pacer {
  private state: PaceState;
  private readonly clock: Clock;

  constructor(options: { callsPerSecond: number; clock?: Clock }) {
    this.clock = options.clock ?? realClock;
    this.state = startPace(options.callsPerSecond, this.clock.now());
  }

  get rate(): number {
    return this.state.rate;
  }

  /** Runs `attempt` in this caller's slot, and learns from how it ended. */
  async run<T>(attempt: () => Promise<T>, isThrottle: (err: unknown) => boolean): Promise<T> {
    const slot = takeSlot(this.state, this.clock.now());
    this.state = slot.state;
    const wait = slot.at - this.clock.now();
    if (wait > 0) await this.clock.sleep(wait);
    try {
      const result = await attempt();
      this.state = onSuccess(this.state, this.clock.now());
      return result;
    } catch (err) {
      if (isThrottle(err)) this.state = onThrottle(this.state, this.clock.now(), slot.at);
      throw err;
    }
  }
}

/** Runs `worker` over `items` with at most `parallel` at once; results keep the input order. */
export async function pool<T, R>(items: readonly T[], parallel: number, worker: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await worker(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, run));
  return results;
}

/** Accounts sorted by id, each with its roles sorted; accounts with no role are left out. */
/** Told how many accounts have had their roles listed, of how many (for a progress line). */
export type ListingProgress = (done: number, total: number) => void;

export async function listAssignments(
  portal: PortalLister,
  parallel = LIST_PARALLELISM,
  onProgress?: ListingProgress,
): Promise<Assignment[]> {
  const accounts = await portal.listAccounts();
  const unique = [...new Map(accounts.map((a) => [a.accountId, a])).values()].sort((a, b) =>
    a.accountId.localeCompare(b.accountId),
  );
  let done = 0;
  onProgress?.(done, unique.length);
  const roles = await pool(unique, parallel, async (a) => {
    const listed = await portal.listAccountRoles(a.accountId);
    onProgress?.(++done, unique.length);
    return listed;
  });
  return unique.map((a, i) => ({ ...a, roles: [...new Set(roles[i] ?? [])].sort() })).filter((a) => a.roles.length > 0);
}
