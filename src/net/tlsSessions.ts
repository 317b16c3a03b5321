// TLS sessions kept between runs, so that a process's first call to an endpoint resumes the
// session an earlier run made instead of doing a full handshake (measured here: a bare Node TLS
// request costs 34 ms over an empty start fresh, 25 ms resumed).
//
// A session is as trusted as the certificate check that made it: resuming one skips that check.
// So each is kept per endpoint and per trust setting (the CA bundle file, the system store,
// NODE_EXTRA_CA_CERTS, the Node version and its roots), in a 0600 file under our state
// directory, read only when it is ours and nobody else can write it (readCacheFile), and only
// for a day: an old ticket would be refused by the server anyway. A session holds no key to past
// traffic (TLS 1.3 resumes with a fresh key exchange) and nothing that lets anyone act as us:
// that is the bearer token's job, in the file beside it.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { readCacheFile, removeFile, writeFileAtomic } from '../fs/files.ts';
import { parseJsonObject } from '../util/pyjson.ts';
import { sha1Hex } from '../util/sha1.ts';

/** Sessions older than this are not offered (servers' tickets last hours, rarely more than a day). */
export const SESSION_MAX_AGE_MS = 24 * 3600_000;
/** A serialized session is one to two kilobytes; anything much larger is not one. */
const MAX_FILE_BYTES = 16 * 1024;

export interface TlsSessions {
  /** The kept session for this endpoint, if any fits. */
  load(host: string, port: number): Promise<Buffer | undefined>;
  /** Keeps the session the server just gave (fire and forget: a failure only costs a handshake). */
  save(host: string, port: number, session: Buffer): void;
  /** Forgets a session the TLS layer could not use. */
  drop(host: string, port: number): void;
}

/** `trust` names everything that decided which certificates were accepted (trust.ts). */
export function tlsSessions(stateDir: string, trust: string, debug: (message: string) => void): TlsSessions {
  const fileOf = (host: string, port: number) =>
    join(stateDir, 'tls', `${sha1Hex(`${host.toLowerCase()}\0${port}\0${trust}`)}.json`);
  return {
    async load(host, port) {
      const path = fileOf(host, port);
      try {
        const stat = lstatSync(path);
        if (!stat.isFile() || stat.size > MAX_FILE_BYTES || Date.now() - stat.mtimeMs > SESSION_MAX_AGE_MS)
          return undefined;
      } catch {
        return undefined;
      }
      const text = await readCacheFile(path, 'TLS session', (line) => debug(line)).catch(() => undefined);
      return text === undefined ? undefined : parseSessionFile(text);
    },
    save(host, port, session) {
      if (session.length > MAX_FILE_BYTES / 2) return;
      const text = `${JSON.stringify({ version: 1, session: session.toString('base64') })}\n`;
      writeFileAtomic(fileOf(host, port), text, { durable: false }).catch((err: Error) =>
        debug(`TLS session for ${host}:${port} not kept: ${err.message}`),
      );
    },
    drop(host, port) {
      removeFile(fileOf(host, port)).catch(() => undefined);
    },
  };
}

/** Hostile-file reading: a JSON object with version 1 and base64 session bytes, or nothing. */
export function parseSessionFile(text: string): Buffer | undefined {
  const doc = parseJsonObject(text);
  if (!doc || doc.version !== 1 || typeof doc.session !== 'string') return undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(doc.session)) return undefined;
  const bytes = Buffer.from(doc.session, 'base64');
  return bytes.length > 0 ? bytes : undefined;
}
