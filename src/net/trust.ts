// The certificate authorities AWS calls trust. A CA bundle replaces Node's default roots, as the
// AWS CLI's does (NODE_EXTRA_CA_CERTS then no longer applies: Node drops it when `ca` is given);
// the operating system's store is added only when asked for.
import { readFileSync, statSync } from 'node:fs';
import type { Env } from '../config/files.ts';
import { ConfigError } from '../errors.ts';
import type { NetworkSettings } from './settings.ts';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
// Nobody's bundle is this large; a bigger "bundle" is the wrong file.
const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

/**
 * The `ca` option for TLS: undefined keeps Node's defaults (plus NODE_EXTRA_CA_CERTS). http.ts
 * gives the same list to the TLS of an https:// proxy, so the proxy is checked against the same
 * authorities as AWS.
 */
export function trustedCertificates(settings: NetworkSettings): string[] | undefined {
  const bundle = settings.caBundle ? readBundle(settings.caBundle.path, settings.caBundle.source) : undefined;
  if (!bundle && !settings.useSystemCa) return undefined;
  // node:tls only when there is something to trust: an http:// endpoint never needs it.
  const tls = process.getBuiltinModule('node:tls') as Partial<typeof import('node:tls')>;
  // Node 20 (the npm package's oldest) cannot read the system store.
  if (settings.useSystemCa && typeof tls.getCACertificates !== 'function') {
    throw new ConfigError(
      `the operating system's trust store was asked for (SSOHELPER_USE_SYSTEM_CA, ssohelper_use_system_ca or NODE_USE_SYSTEM_CA), which the Node.js ${process.version} running ssohelper cannot read`,
      'use the ssohelper executable (it brings its own Node.js), run the npm package on Node.js 24 or later, or point AWS_CA_BUNDLE at a PEM file instead',
    );
  }
  return settings.useSystemCa && tls.getCACertificates
    ? [...(bundle ?? tls.getCACertificates('default')), ...tls.getCACertificates('system')]
    : bundle;
}

/**
 * What decided which certificates a TLS session was checked against, as one string: a session
 * made under one trust must never be resumed under another (tlsSessions.ts). Files are named by
 * path, size, change time and inode (hashing a bundle of hundreds of certificates would cost a
 * first call more than resumption saves).
 */
export function trustIdentity(settings: NetworkSettings, env: Env): string {
  const file = (path: string | undefined) => {
    if (!path) return '-';
    try {
      const s = statSync(path);
      return `${path}:${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.ino}`;
    } catch {
      return `${path}:absent`;
    }
  };
  return [
    settings.caBundle ? `bundle ${file(settings.caBundle.path)}` : 'node roots',
    settings.useSystemCa ? 'system store' : '',
    // Node reads it at start and adds it to its own roots when no bundle replaces them.
    `extra ${file(env.NODE_EXTRA_CA_CERTS)}`,
    process.version,
  ].join('\0');
}

export function readBundle(path: string, source: string): string[] {
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_BUNDLE_BYTES) throw Object.assign(new Error('file too large'), { code: 'EFBIG' });
    text = bytes.toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : code === 'EISDIR'
            ? 'is a directory'
            : code === 'EFBIG'
              ? 'is larger than 16 MiB'
              : `cannot be read (${code ?? String(err)})`;
    throw new ConfigError(
      `the CA bundle ${path} (from ${source}) ${why}`,
      `point ${source.split(' ')[0]} at a PEM file of your CA certificates, or unset it`,
      { cause: err },
    );
  }
  const certificates = text.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) {
    throw new ConfigError(
      `the CA bundle ${path} (from ${source}) holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
      'convert a DER file with: openssl x509 -inform der -in FILE -out FILE.pem',
    );
  }
  return certificates;
}
