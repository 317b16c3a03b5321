// A private certificate authority for the TLS tests, made with openssl the way a corporate
// network's would be: a CA certificate (what users put in AWS_CA_BUNDLE) and a server
// certificate it signed for the names the tests use.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp.ts';

export interface TestCa {
  dir: string;
  /** PEM file holding the CA certificate only. */
  caFile: string;
  /** The server's key and certificate (PEM), for https.createServer. */
  key: string;
  cert: string;
  /** A certificate for the same key and names that expired yesterday. */
  expiredCert: string;
  remove(): void;
}

/** The names the server certificate is valid for. */
export const TLS_NAMES = ['sso.emulator.invalid', 'localhost'];

export function makeTestCa(): TestCa {
  const dir = tempDir('ssohelper-ca-');
  const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  ossl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    '/CN=ssohelper test CA',
  );
  ossl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    `/CN=${TLS_NAMES[0]}`,
  );
  writeFileSync(join(dir, 'san.ext'), `subjectAltName=${TLS_NAMES.map((n) => `DNS:${n}`).join(',')},IP:127.0.0.1\n`);
  // The server certificate, and one for the same key and names that expired yesterday.
  const sign = (out: string, days: string) =>
    ossl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      out,
      '-days',
      days,
      '-extfile',
      'san.ext',
    );
  sign('server.pem', '30');
  sign('expired.pem', '-1');
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    key: readFileSync(join(dir, 'server.key'), 'utf8'),
    cert: readFileSync(join(dir, 'server.pem'), 'utf8'),
    expiredCert: readFileSync(join(dir, 'expired.pem'), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
