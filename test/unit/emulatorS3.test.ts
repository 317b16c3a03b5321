// The emulator's S3 (for Terraform's backend) checks SigV4 the way S3 does: requests are signed
// with @smithy/signature-v4 as the SDKs sign them, then tampered with.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { Emulator } from '../emulator/server.ts';
import { decodeBody } from '../emulator/s3.ts';

let emu: Emulator;
let creds: { accessKeyId: string; secretAccessKey: string; sessionToken: string };

before(async () => {
  emu = await Emulator.start();
  emu.createBucket('b');
  const session = emu.issueSession();
  const res = await fetch(`${emu.url}/federation/credentials?role_name=ReadOnly&account_id=111111111111`, { headers: { 'x-amz-sso_bearer_token': session.accessToken } });
  const rc = ((await res.json()) as { roleCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string } }).roleCredentials;
  creds = { accessKeyId: rc.accessKeyId, secretAccessKey: rc.secretAccessKey, sessionToken: rc.sessionToken };
});
after(() => emu.stop());

/** smithy's hash interface: an HMAC when constructed with a key. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key = secret === undefined || typeof secret === 'string' ? secret : secret instanceof ArrayBuffer ? Buffer.from(secret) : Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength);
    this.hash = key === undefined ? createHash('sha256') : createHmac('sha256', key);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : data instanceof ArrayBuffer ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

async function s3(method: string, path: string, body: string | undefined, secret = creds.secretAccessKey, tamper?: (h: Record<string, string>) => void) {
  const url = new URL(emu.url);
  const payload = body ?? '';
  const signer = new SignatureV4({ service: 's3', region: 'eu-central-1', credentials: { ...creds, secretAccessKey: secret }, sha256: Sha256, uriEscapePath: false, applyChecksum: true });
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path,
    query: {},
    headers: { host: url.host, 'x-amz-content-sha256': createHash('sha256').update(payload).digest('hex'), ...(body !== undefined && { 'content-length': String(Buffer.byteLength(payload)) }) },
    body: payload,
  });
  const headers = signed.headers as Record<string, string>;
  tamper?.(headers);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${emu.url}${path}`, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

test('signed PUT, GET and HEAD work; a key with a space is signed as sent', async () => {
  const put = await s3('PUT', '/b/dir/state%20file.json', '{"v":1}');
  assert.equal(put.status, 200, put.body);
  assert.deepEqual(emu.s3Object('b', 'dir/state file.json')?.toString(), '{"v":1}');
  const got = await s3('GET', '/b/dir/state%20file.json', undefined);
  assert.deepEqual(got, { status: 200, body: '{"v":1}' });
  assert.equal((await s3('HEAD', '/b/missing', undefined)).status, 404);
  const missing = await s3('GET', '/b/missing', undefined);
  assert.equal(missing.status, 404);
  assert.match(missing.body, /<Code>NoSuchKey<\/Code>/);
  assert.equal((await s3('GET', '/nobucket/x', undefined)).status, 404);
  assert.equal(emu.counters.PutObject, 1);
});

test('a wrong secret, an unknown key, a changed body or a missing token is refused', async () => {
  const wrong = await s3('PUT', '/b/k', 'x', 'not-the-secret');
  assert.equal(wrong.status, 403);
  assert.match(wrong.body, /<Code>SignatureDoesNotMatch<\/Code>/);
  const unknown = await s3('PUT', '/b/k', 'x', undefined, (h) => {
    h.authorization = (h.authorization as string).replace(creds.accessKeyId, 'ASIAUNKNOWNKEY000000');
  });
  assert.match(unknown.body, /<Code>InvalidAccessKeyId<\/Code>/);
  const noToken = await s3('PUT', '/b/k', 'x', undefined, (h) => {
    delete h['x-amz-security-token'];
  });
  assert.equal(noToken.status, 403);
  const body = await s3('PUT', '/b/k', 'x', undefined, (h) => {
    h['x-amz-content-sha256'] = createHash('sha256').update('y').digest('hex');
  });
  assert.equal(body.status, 403, 'the signed hash differs from the header now');
  assert.equal(emu.s3Object('b', 'k'), undefined);
});

test('aws-chunked bodies are decoded, with or without chunk signatures and trailers', () => {
  const req = (body: string, headers: Record<string, string>) => ({ method: 'PUT', path: '/b/k', rawQuery: '', query: new URLSearchParams(), headers, rawHeaders: [], body: Buffer.from(body) });
  const trailer = req('5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n', { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '11' });
  assert.equal(decodeBody(trailer).toString(), 'hello world');
  const signed = req('5;chunk-signature=ab\r\nhello\r\n0;chunk-signature=cd\r\n\r\n', { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' });
  assert.equal(decodeBody(signed).toString(), 'hello');
  assert.throws(() => decodeBody(req('5\r\nhello\r\n0\r\n\r\n', { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '4' })), /does not match/);
  assert.throws(() => decodeBody(req('5\r\nhel', { 'content-encoding': 'aws-chunked' })), /ends early|bad/);
});
