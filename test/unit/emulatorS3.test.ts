// The emulator's S3 (for Terraform's backend) against an independent client: botocore's S3
// client signs as S3 expects (path as sent, payload hash or aws-chunked with checksums), and
// what AWS refuses is refused.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { Emulator } from '../emulator/server.ts';
import { decodeBody } from '../emulator/s3.ts';
import { ROOT } from '../helpers/run.ts';

let emu: Emulator;
before(async () => {
  emu = await Emulator.start();
});
after(() => emu.stop());

test('botocore: put, get, head, list; a missing key or bucket, a wrong secret, an unknown key', async () => {
  emu.createBucket('b');
  const session = emu.issueSession();
  const res = await fetch(`${emu.url}/federation/credentials?role_name=ReadOnly&account_id=111111111111`, {
    headers: { 'x-amz-sso_bearer_token': session.accessToken },
  });
  const c = (
    (await res.json()) as { roleCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string } }
  ).roleCredentials;
  // Asynchronously: the emulator in this process must keep answering.
  const { stdout } = await promisify(execFile)(
    'python3',
    [join(ROOT, 'test', 'helpers', 'children', 'botoS3.py'), emu.url, c.accessKeyId, c.secretAccessKey, c.sessionToken],
    {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' },
    },
  );
  assert.deepEqual(JSON.parse(stdout), {
    get: '{"v":1}',
    head: 7,
    list: ['dir/state file.json'],
    missing: 'NoSuchKey',
    noBucket: 'NoSuchBucket',
    wrongSecret: 'SignatureDoesNotMatch',
    unknownKey: 'InvalidAccessKeyId',
  });
  assert.equal(emu.s3Object('b', 'dir/state file.json')?.toString(), '{"v":1}');
  assert.equal(emu.s3Object('b', 'k'), undefined);
});

test('aws-chunked bodies are decoded, with or without chunk signatures and trailers', () => {
  const req = (body: string, headers: Record<string, string>) => ({
    method: 'PUT',
    path: '/b/k',
    rawQuery: '',
    query: new URLSearchParams(),
    headers,
    rawHeaders: [],
    body: Buffer.from(body),
  });
  const trailer = req('5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n', {
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '11',
  });
  assert.equal(decodeBody(trailer).toString(), 'hello world');
  const signed = req('5;chunk-signature=ab\r\nhello\r\n0;chunk-signature=cd\r\n\r\n', {
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  });
  assert.equal(decodeBody(signed).toString(), 'hello');
  assert.throws(
    () =>
      decodeBody(
        req('5\r\nhello\r\n0\r\n\r\n', { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '4' }),
      ),
    /does not match/,
  );
  assert.throws(() => decodeBody(req('5\r\nhel', { 'content-encoding': 'aws-chunked' })), /ends early|bad/);
});
