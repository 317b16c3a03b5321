// AWS Signature Version 4 verification (header form), recomputed from the request as
// received, so a client that signs anything differently from AWS fails here too.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from './http.ts';
import type { Request } from './http.ts';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60 * 1000;

export interface SignedRequest {
  accessKeyId: string;
  /** YYYYMMDD/region/service/aws4_request */
  scope: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
}

// RFC 3986 unreserved characters stay; everything else is %XX with uppercase hex.
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parses `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
export function parseAuthorization(req: Request): SignedRequest {
  const header = req.headers.authorization;
  if (header === undefined || header === '') {
    throw new ApiError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  }
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw new ApiError(400, 'IncompleteSignature', `Unsupported AWS 'algorithm': '${algorithm}'`);
  }
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) {
    throw new ApiError(
      400,
      'IncompleteSignature',
      'Authorization header requires Credential, SignedHeaders and Signature',
    );
  }
  const [accessKeyId = '', date = '', region = '', service = '', terminator = ''] = credential.split('/');
  if (!accessKeyId || !/^\d{8}$/.test(date) || !region || !service || terminator !== 'aws4_request') {
    throw new ApiError(400, 'IncompleteSignature', `Credential should be scoped to a valid region, not '${region}'`);
  }
  const dateHeader = req.headers['x-amz-date'];
  const amzDate = Array.isArray(dateHeader) ? (dateHeader[0] ?? '') : (dateHeader ?? '');
  if (!/^\d{8}T\d{6}Z$/.test(amzDate)) {
    throw new ApiError(
      400,
      'IncompleteSignature',
      "Authorization header requires existence of a valid 'X-Amz-Date' header",
    );
  }
  return {
    accessKeyId,
    scope: `${date}/${region}/${service}/aws4_request`,
    region,
    service,
    signedHeaders: signedHeaders.split(';'),
    signature,
    amzDate,
  };
}

// Non-S3 services sign a normalised path with each segment encoded once more.
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = path.endsWith('/') && segments.length > 0 ? '/' : '';
  return `/${segments.map(uriEncode).join('/')}${trailing}`;
}

function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs = rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      const key = eq < 0 ? p : p.slice(0, eq);
      const value = eq < 0 ? '' : p.slice(eq + 1);
      return [uriEncode(decode(key)), uriEncode(decode(value))] as const;
    });
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function canonicalHeaders(req: Request, names: string[]): string {
  const values = new Map<string, string[]>();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] ?? '').toLowerCase();
    const list = values.get(name) ?? [];
    list.push((req.rawHeaders[i + 1] ?? '').trim().replace(/\s+/g, ' '));
    values.set(name, list);
  }
  return names.map((n) => `${n}:${(values.get(n) ?? []).join(',')}\n`).join('');
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

/** The signature AWS would compute for this request with the given secret key. */
export function expectedSignature(req: Request, signed: SignedRequest, secret: string): string {
  const payloadHeader = req.headers['x-amz-content-sha256'];
  const payloadHash = typeof payloadHeader === 'string' && payloadHeader !== '' ? payloadHeader : sha256Hex(req.body);
  const canonicalRequest = [
    req.method,
    // S3 signs the path exactly as sent: no normalising, no second encoding.
    signed.service === 's3' ? req.path : canonicalPath(req.path),
    canonicalQuery(req.rawQuery),
    canonicalHeaders(req, signed.signedHeaders),
    signed.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const stringToSign = [ALGORITHM, signed.amzDate, signed.scope, sha256Hex(canonicalRequest)].join('\n');
  const [date = ''] = signed.scope.split('/');
  return createHmac('sha256', signingKey(secret, date, signed.region, signed.service))
    .update(stringToSign)
    .digest('hex');
}

/**
 * Checks the parts of a signature that do not depend on the secret: signed headers must
 * include host and x-amz-date, the scope date must match, and the clock skew must be small.
 * `wallClock` is the real time: clients sign with their real clock even if the emulator's
 * token clock is simulated.
 */
export function checkSignatureShape(signed: SignedRequest, expectedService: string, wallClock: number): void {
  const sorted = [...signed.signedHeaders].sort();
  if (signed.signedHeaders.some((h, i) => h !== h.toLowerCase() || h !== sorted[i])) {
    throw new ApiError(403, 'SignatureDoesNotMatch', 'SignedHeaders must be lowercase and sorted');
  }
  for (const required of ['host', 'x-amz-date']) {
    if (!signed.signedHeaders.includes(required)) {
      throw new ApiError(403, 'SignatureDoesNotMatch', `'${required}' must be a signed header`);
    }
  }
  if (signed.service !== expectedService) {
    throw new ApiError(
      403,
      'SignatureDoesNotMatch',
      `Credential should be scoped to correct service: '${expectedService}'.`,
    );
  }
  if (!signed.scope.startsWith(signed.amzDate.slice(0, 8))) {
    throw new ApiError(403, 'SignatureDoesNotMatch', 'Credential should be scoped to the date of X-Amz-Date');
  }
  const d = signed.amzDate;
  const signedAt = Date.UTC(
    +d.slice(0, 4),
    +d.slice(4, 6) - 1,
    +d.slice(6, 8),
    +d.slice(9, 11),
    +d.slice(11, 13),
    +d.slice(13, 15),
  );
  if (Math.abs(wallClock - signedAt) > MAX_SKEW_MS) {
    throw new ApiError(
      403,
      'SignatureDoesNotMatch',
      `Signature expired: ${d} is now outside the allowed 15 minute window`,
    );
  }
}

export function signaturesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
