// Just enough S3 for Terraform's s3 backend: path-style buckets and objects (HEAD/GET/PUT/DELETE,
// ListObjectsV2), authenticated with SigV4 (S3's rules) against credentials the emulator issued.
// A request is S3 when its signature is scoped to the `s3` service, so STS keeps the root path.
import { createHash } from 'node:crypto';
import { ApiError, escapeXml } from './http.ts';
import type { Reply, Request } from './http.ts';
import type { State } from './state.ts';
import { authenticate } from './sts.ts';

export interface S3Object {
  body: Buffer;
  etag: string;
  lastModified: Date;
  contentType: string;
}

/** Whether the request is signed for S3 (the scope in its Authorization header). */
export function isS3Request(req: Request): boolean {
  return /Credential=[^/,]+\/\d{8}\/[^/,]+\/s3\/aws4_request/.test(req.headers.authorization ?? '');
}

function target(req: Request): { bucket: string; key: string } {
  const [, bucket = '', ...rest] = req.path.split('/');
  return { bucket: decodeURIComponent(bucket), key: decodeURIComponent(rest.join('/')) };
}

/** The counter name of an S3 request. */
export function s3Operation(req: Request): string {
  const { key } = target(req);
  if (key === '') {
    if (req.method === 'HEAD') return 'HeadBucket';
    if (req.method === 'GET' && req.query.get('list-type') === '2') return 'ListObjectsV2';
    return `s3:${req.method}Bucket`;
  }
  return (
    { GET: 'GetObject', HEAD: 'HeadObject', PUT: 'PutObject', DELETE: 'DeleteObject' }[req.method] ??
    `s3:${req.method}Object`
  );
}

/**
 * The body as sent, without aws-chunked framing (`<hex size>[;chunk-signature=…]\r\n<data>\r\n`
 * up to a zero-size chunk, then optional trailers such as x-amz-checksum-crc32).
 */
export function decodeBody(req: Request): Buffer {
  const encoding = String(req.headers['content-encoding'] ?? '');
  const sha = String(req.headers['x-amz-content-sha256'] ?? '');
  if (!encoding.includes('aws-chunked') && !sha.startsWith('STREAMING-')) return req.body;
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = req.body.indexOf('\r\n', at);
    if (eol < 0) throw new ApiError(400, 'IncompleteBody', 'aws-chunked body ends early');
    const size = Number.parseInt(req.body.subarray(at, eol).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size)) throw new ApiError(400, 'InvalidRequest', 'bad aws-chunked chunk header');
    if (size === 0) break;
    parts.push(req.body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  const body = Buffer.concat(parts);
  const declared = req.headers['x-amz-decoded-content-length'];
  if (declared !== undefined && Number(declared) !== body.length)
    throw new ApiError(400, 'IncompleteBody', 'x-amz-decoded-content-length does not match the body');
  return body;
}

function checkPayloadHash(req: Request): void {
  const sha = String(req.headers['x-amz-content-sha256'] ?? '');
  if (sha === '')
    throw new ApiError(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  if (sha === 'UNSIGNED-PAYLOAD' || sha.startsWith('STREAMING-')) return;
  if (createHash('sha256').update(req.body).digest('hex') !== sha) {
    throw new ApiError(
      400,
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
}

function xmlReply(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/xml', ...headers },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
  };
}

function objectHeaders(o: S3Object): Record<string, string> {
  return { etag: o.etag, 'last-modified': o.lastModified.toUTCString(), 'content-type': o.contentType };
}

export function handleS3(state: State, req: Request): Reply {
  try {
    authenticate(state, req, 's3');
  } catch (err) {
    if (err instanceof ApiError && err.type === 'InvalidClientTokenId')
      throw new ApiError(
        403,
        'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.',
      );
    throw err;
  }
  checkPayloadHash(req);
  const { bucket, key } = target(req);
  const objects = state.s3Buckets.get(bucket);
  if (!objects) throw new ApiError(404, 'NoSuchBucket', 'The specified bucket does not exist');
  if (key === '') {
    if (req.method === 'HEAD') return { status: 200, headers: {}, body: '' };
    if (req.method === 'GET' && req.query.get('list-type') === '2') {
      const prefix = req.query.get('prefix') ?? '';
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
      const contents = keys
        .map((k) => {
          const o = objects.get(k) as S3Object;
          return `<Contents><Key>${escapeXml(k)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${escapeXml(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
        })
        .join('');
      return xmlReply(
        200,
        `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
      );
    }
    throw new ApiError(501, 'NotImplemented', 'This bucket operation is not emulated');
  }
  const existing = objects.get(key);
  switch (req.method) {
    case 'GET':
    case 'HEAD': {
      if (!existing) {
        if (req.method === 'HEAD') return { status: 404, headers: {}, body: '', errorType: 'NotFound' };
        throw new ApiError(404, 'NoSuchKey', 'The specified key does not exist.');
      }
      const headers = objectHeaders(existing);
      if (req.method === 'HEAD')
        return { status: 200, headers: { ...headers, 'content-length': String(existing.body.length) }, body: '' };
      return { status: 200, headers, body: '', rawBody: existing.body };
    }
    case 'PUT': {
      if (req.headers['if-none-match'] === '*' && existing)
        throw new ApiError(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
      const body = decodeBody(req);
      const etag = `"${createHash('md5').update(body).digest('hex')}"`;
      objects.set(key, {
        body,
        etag,
        lastModified: new Date(),
        contentType: String(req.headers['content-type'] ?? 'binary/octet-stream'),
      });
      return { status: 200, headers: { etag }, body: '' };
    }
    case 'DELETE':
      objects.delete(key);
      return { status: 204, headers: {}, body: '' };
    default:
      throw new ApiError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  }
}
