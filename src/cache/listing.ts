// Where a session's kept portal listing lives (org/accountsCache.ts reads and writes it): named
// as the session's token file is (its hash), so a logout finds it from the token alone.
import { join } from 'node:path';
import { removeFile } from '../fs/files.ts';
import type { Runtime } from '../runtime.ts';
import { tokenCacheHash } from './token.ts';

export function listingPath(rt: Runtime, session: { sessionName: string | undefined; startUrl: string }): string {
  return listingPathOf(rt, tokenCacheHash(session));
}

export function listingPathOf(rt: Runtime, tokenHash: string): string {
  return join(rt.paths.accountsDir, `${tokenHash}.json`);
}

/**
 * A login may bring other roles (the next listing asks the portal); a logout leaves nothing of
 * the session. By the hash of the session's token file.
 */
export async function forgetListing(rt: Runtime, tokenHash: string): Promise<void> {
  await removeFile(listingPathOf(rt, tokenHash)).catch(() => undefined);
}
