// What the current shell holds: keys that `env` or `use` put there, read back from the
// environment alone (no file, no clock but the one given), so `prompt`, `status` and `doctor`
// agree on it and `prompt` costs nothing beyond a bare start.
import type { Env } from '../config/files.ts';

/** Set by `env`, `use` and `exec`: the profile whose keys the environment holds. */
export const PROFILE_VARIABLE = 'SSOHELPER_PROFILE';
/** Set by `use`: the keys' expiry in epoch seconds, which a hook compares without a process. */
export const EXPIRES_VARIABLE = 'SSOHELPER_EXPIRES';

/**
 * A profile name goes into the marker only when every shell can take it unquoted: names made
 * by `sync` always can; anything else would need per-shell quoting that cmd cannot do safely.
 */
export const MARKABLE_NAME = /^[\w.@+=,:/-]{1,128}$/;

export interface HeldKeys {
  profile: string;
  /** Undefined when the keys carry no expiry (long-term keys). */
  expiresAt: Date | undefined;
}

/** The keys this shell holds from ssohelper, or undefined when it holds none of ours. */
export function heldKeys(env: Env): HeldKeys | undefined {
  const profile = env[PROFILE_VARIABLE];
  if (!profile || !MARKABLE_NAME.test(profile) || !env.AWS_ACCESS_KEY_ID) return undefined;
  return { profile, expiresAt: expiryOf(env) };
}

function expiryOf(env: Env): Date | undefined {
  const epoch = env[EXPIRES_VARIABLE];
  if (epoch !== undefined && /^\d{9,11}$/.test(epoch)) return new Date(Number(epoch) * 1000);
  const text = env.AWS_CREDENTIAL_EXPIRATION;
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

/** `52m`, `3h05m`, `expired`: short enough for a prompt. */
export function shortTimeLeft(expiresAt: Date | undefined, now: Date): string {
  if (!expiresAt) return '';
  const seconds = Math.floor((expiresAt.getTime() - now.getTime()) / 1000);
  if (seconds <= 0) return 'expired';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** The prompt segment: `dev 52m`, `dev expired`, or '' when the shell holds nothing of ours. */
export function promptSegment(env: Env, now: Date): string {
  const held = heldKeys(env);
  if (!held) return '';
  const left = shortTimeLeft(held.expiresAt, now);
  return left ? `${held.profile} ${left}` : held.profile;
}
