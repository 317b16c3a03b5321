// What ssohelper remembers about refreshing a session's token, beside the shared caches (the
// AWS CLI and botocore never see these files; deleting them loses nothing but a cooldown):
// - <hash>.refresh-failed: a refresh just failed while the token was still valid. For a short
//   while (the JS SDK waits 30 s too) callers use the old token without trying again, so an
//   unreachable OIDC endpoint costs one attempt, not one per call.
// - <hash>.refresh-lost: a refresh succeeded but the new token could not be saved; the service
//   has already rotated the refresh token on disk into a dead one. Holds the sha1 of that dead
//   refresh token, so `status` can say the session no longer renews itself until the next login.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { readTextFile, removeFile, writeFileAtomic } from '../fs/files.ts';
import { sha1Hex } from '../util/sha1.ts';

export const REFRESH_COOLDOWN_MS = 30_000;

function failedPath(stateDir: string, tokenHash: string): string {
  return join(stateDir, `${tokenHash}.refresh-failed`);
}

function lostPath(stateDir: string, tokenHash: string): string {
  return join(stateDir, `${tokenHash}.refresh-lost`);
}

/** True while a refresh failure noted at most REFRESH_COOLDOWN_MS ago stands. */
export async function inRefreshCooldown(stateDir: string, tokenHash: string, now: number): Promise<boolean> {
  const stat = await fsp.lstat(failedPath(stateDir, tokenHash)).catch(() => undefined);
  if (!stat?.isFile()) return false;
  const age = now - stat.mtimeMs;
  return age >= 0 && age < REFRESH_COOLDOWN_MS;
}

/** Best effort: a marker we cannot write only costs the next caller one more attempt. */
export async function noteRefreshFailure(stateDir: string, tokenHash: string, reason: string): Promise<void> {
  await writeFileAtomic(failedPath(stateDir, tokenHash), `${reason.replace(/\s+/g, ' ')}\n`).catch(() => undefined);
}

export async function clearRefreshFailure(stateDir: string, tokenHash: string): Promise<void> {
  await removeFile(failedPath(stateDir, tokenHash)).catch(() => undefined);
}

export async function noteLostRefresh(stateDir: string, tokenHash: string, deadRefreshToken: string): Promise<boolean> {
  return writeFileAtomic(lostPath(stateDir, tokenHash), `${sha1Hex(deadRefreshToken)}\n`).then(
    () => true,
    () => false,
  );
}

/** Whether `refreshToken` (the one in the token file) is known to have been used up. */
export async function isLostRefresh(
  stateDir: string,
  tokenHash: string,
  refreshToken: string | undefined,
): Promise<boolean> {
  if (!refreshToken) return false;
  const text = await readTextFile(lostPath(stateDir, tokenHash), 'ssohelper state file').catch(() => undefined);
  return text?.trim() === sha1Hex(refreshToken);
}
