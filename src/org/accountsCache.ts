// The portal listing of a session, kept for a day under ~/.aws/ssohelper/accounts/ so that
// `list --remote`, shell completion and the profile picker answer at once. The file is ours
// alone (0600, written atomically, refused when someone else could have written it), and what
// it holds is checked as strictly as the portal's own answer: it ends up on a terminal.
import { lazy } from '../util/load.ts';
import { listingPath } from '../cache/listing.ts';
import { readCacheFile, writeFileAtomic } from '../fs/files.ts';
import type { Runtime } from '../runtime.ts';
import type { SessionRef } from '../session/ref.ts';
import type { Assignment } from './listing.ts';

/** How long a listing is used before the portal is asked again. */
export const LISTING_MAX_AGE_MS = 24 * 3_600_000;
const VERSION = 1;

export interface CachedListing {
  listedAt: number;
  assignments: Assignment[];
}

/** The file's text for `assignments`, listed at `now`. */
export function serializeListing(session: SessionRef, assignments: Assignment[], now: number): string {
  const doc = {
    version: VERSION,
    startUrl: session.startUrl,
    sessionName: session.sessionName ?? null,
    listedAt: new Date(now).toISOString(),
    accounts: assignments,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const ACCOUNT_ID = /^\d{12}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
// Account names and e-mail addresses are shown as they are: nothing that moves a cursor.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const PRINTABLE = /^[^\x00-\x1f\x7f-\x9f\u2028\u2029]{0,256}$/;

function optionalText(value: unknown): string | undefined | false {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' && PRINTABLE.test(value) ? value : false;
}

/**
 * The listing in `text` when it is for this session, no older than `maxAgeMs` and not from the
 * future; undefined for anything else (the portal is then asked again).
 */
export function parseListing(
  text: string,
  session: { startUrl: string },
  now: number,
  maxAgeMs = LISTING_MAX_AGE_MS,
): CachedListing | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const d = doc as Record<string, unknown>;
  if (
    d.version !== VERSION ||
    d.startUrl !== session.startUrl ||
    typeof d.listedAt !== 'string' ||
    !Array.isArray(d.accounts)
  )
    return undefined;
  const listedAt = Date.parse(d.listedAt);
  // A minute of clock skew between processes is fine; a listing dated further ahead is not.
  if (!Number.isFinite(listedAt) || listedAt > now + 60_000 || now - listedAt > maxAgeMs) return undefined;
  const assignments: Assignment[] = [];
  for (const entry of d.accounts as unknown[]) {
    if (typeof entry !== 'object' || entry === null) return undefined;
    const a = entry as Record<string, unknown>;
    const accountName = optionalText(a.accountName);
    const emailAddress = optionalText(a.emailAddress);
    if (
      typeof a.accountId !== 'string' ||
      !ACCOUNT_ID.test(a.accountId) ||
      accountName === false ||
      emailAddress === false
    )
      return undefined;
    if (!Array.isArray(a.roles) || !a.roles.every((r) => typeof r === 'string' && ROLE_NAME.test(r))) return undefined;
    assignments.push({ accountId: a.accountId, accountName, emailAddress, roles: a.roles as string[] });
  }
  return { listedAt, assignments };
}

export async function readListing(
  rt: Runtime,
  session: SessionRef,
  maxAgeMs = LISTING_MAX_AGE_MS,
): Promise<CachedListing | undefined> {
  const path = listingPath(rt, session);
  const text = await readCacheFile(path, 'account listing', (line) => rt.stderr(`ssohelper: warning: ${line}\n`)).catch(
    (err) => {
      rt.debug(`account listing ${path} unreadable: ${err instanceof Error ? err.message : err}`);
      return undefined;
    },
  );
  const listing = text === undefined ? undefined : parseListing(text, session, rt.now(), maxAgeMs);
  rt.debug(
    `account listing ${path}: ${listing ? `${listing.assignments.length} accounts from ${new Date(listing.listedAt).toISOString()}` : 'none usable'}`,
  );
  return listing;
}

/** Best effort: a listing we cannot save only costs the next caller a fresh listing. */
export async function writeListing(rt: Runtime, session: SessionRef, assignments: Assignment[]): Promise<void> {
  await writeFileAtomic(listingPath(rt, session), serializeListing(session, assignments, rt.now())).catch((err) => {
    rt.debug(`could not save the account listing: ${err instanceof Error ? err.message : err}`);
  });
}

export interface SessionAccounts {
  assignments: Assignment[];
  listedAt: number;
  fromCache: boolean;
}

/**
 * The accounts and roles of `session` as far as this machine knows them, without asking the
 * portal: for shell completion and the profile picker, which must answer at once.
 */
export async function cachedAccounts(rt: Runtime, session: SessionRef): Promise<SessionAccounts | undefined> {
  const cached = await readListing(rt, session);
  return cached && { ...cached, fromCache: true };
}

/**
 * The accounts and roles of `session`: from the day-old listing when there is one (unless
 * `refresh`), else from the portal with a progress line on a terminal, then kept.
 */
export async function sessionAccounts(
  rt: Runtime,
  session: SessionRef,
  options: { refresh?: boolean } = {},
): Promise<SessionAccounts> {
  const cached = options.refresh ? undefined : await cachedAccounts(rt, session);
  if (cached) return cached;
  return { assignments: await listAndKeep(rt, session), listedAt: rt.now(), fromCache: false };
}

/** A fresh portal listing (with its progress line on a terminal), kept for the next day. */
export async function listAndKeep(rt: Runtime, session: SessionRef): Promise<Assignment[]> {
  const { listSessionAssignments } = await lazy(() => import('./sync.ts'));
  const assignments = await listSessionAssignments(rt, session);
  await writeListing(rt, session, assignments);
  return assignments;
}
