// Every account and role a session can use, listed as fast as the portal allows and no faster.
// The portal limits listing calls per second per user; a few hundred accounts mean a few hundred
// calls. Calls go out from a small pool, spaced by a pacer that starts near the documented rate,
// backs off when the portal answers 429 and creeps back up while calls succeed, so a large
// organisation finishes with few throttled calls, and the ones that happen are retried.
import type { Account } from '../sso/portal.ts';

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

/**
 * Spaces calls at least `intervalMs` apart (additive decrease of the interval on success,
 * doubling on a throttle), shared by every worker.
 */
export class Pacer {
  intervalMs: number;
  private readonly floorMs: number;
  private readonly ceilingMs: number;
  private next = 0;
  private readonly clock: Clock;

  constructor(options: { callsPerSecond: number; ceilingMs?: number; clock?: Clock }) {
    this.floorMs = 1000 / options.callsPerSecond;
    this.intervalMs = this.floorMs;
    this.ceilingMs = options.ceilingMs ?? 2_000;
    this.clock = options.clock ?? realClock;
  }

  /** Waits for this caller's slot. Slots are handed out in call order. */
  async slot(): Promise<void> {
    const now = this.clock.now();
    const at = Math.max(now, this.next);
    this.next = at + this.intervalMs;
    if (at > now) await this.clock.sleep(at - now);
  }

  throttled(): void {
    this.intervalMs = Math.min(this.ceilingMs, this.intervalMs * 2);
  }

  succeeded(): void {
    this.intervalMs = Math.max(this.floorMs, this.intervalMs - this.floorMs / 10);
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

export async function listAssignments(portal: PortalLister, parallel = LIST_PARALLELISM, onProgress?: ListingProgress): Promise<Assignment[]> {
  const accounts = await portal.listAccounts();
  const unique = [...new Map(accounts.map((a) => [a.accountId, a])).values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
  let done = 0;
  onProgress?.(done, unique.length);
  const roles = await pool(unique, parallel, async (a) => {
    const listed = await portal.listAccountRoles(a.accountId);
    onProgress?.(++done, unique.length);
    return listed;
  });
  return unique
    .map((a, i) => ({ ...a, roles: [...new Set(roles[i] ?? [])].sort() }))
    .filter((a) => a.roles.length > 0);
}
