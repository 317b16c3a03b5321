// Request/reply plumbing shared by every emulated service, and the single place where
// errors are rendered, so each service only throws ApiError and never formats one itself.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Which wire format an error must be rendered in. */
export type Protocol = 'portal' | 'oidc' | 'sts' | 'control' | 'browser' | 's3' | 'signin';

export interface Request {
  method: string;
  /** The path exactly as sent (still percent-encoded): SigV4 signs that form. */
  path: string;
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Alternating names and values, as Node received them (needed for SigV4). */
  rawHeaders: string[];
  body: Buffer;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** A binary body (an S3 object), sent instead of `body`. */
  rawBody?: Buffer;
  /** Set on error replies, for the request log (STS carries it only inside its XML). */
  errorType?: string;
}

export class ApiError extends Error {
  readonly status: number;
  /** AWS error name, e.g. `UnauthorizedException` or STS `SignatureDoesNotMatch`. */
  readonly type: string;
  override readonly name = 'ApiError';
  /** The sign-in service's `error` member (TOKEN_EXPIRED, …). */
  readonly reason: string | undefined;

  constructor(status: number, type: string, message: string, reason?: string) {
    super(message);
    this.status = status;
    this.type = type;
    this.reason = reason;
  }
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function readRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'RequestEntityTooLargeException', 'Request body too large');
    chunks.push(chunk);
  }
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const rawQuery = q < 0 ? '' : target.slice(q + 1);
  return {
    method: req.method ?? 'GET',
    path: q < 0 ? target : target.slice(0, q),
    rawQuery,
    query: new URLSearchParams(rawQuery),
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    body: Buffer.concat(chunks),
  };
}

/** Parses a JSON object body; anything else is the client's fault, as on AWS. */
export function jsonBody(req: Request): Record<string, unknown> {
  const text = req.body.toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'InvalidRequestException', 'Request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ApiError(400, 'InvalidRequestException', 'Request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

export function json(status: number, value: unknown): Reply {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

export function empty(status: number): Reply {
  return { status, headers: {}, body: '' };
}

export function xml(status: number, body: string): Reply {
  return { status, headers: { 'content-type': 'text/xml' }, body };
}

export function html(status: number, text: string): Reply {
  const page = `<!doctype html><html><body><p>${escapeXml(text)}</p></body></html>`;
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page };
}

export function redirect(location: string): Reply {
  return { status: 302, headers: { location }, body: '' };
}

export function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => `&${({ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' } as Record<string, string>)[c]};`,
  );
}

// The OAuth `error` member that goes with each OIDC exception (RFC 6749 / 8628 names).
const OAUTH_ERROR: Record<string, string> = {
  AuthorizationPendingException: 'authorization_pending',
  SlowDownException: 'slow_down',
  AccessDeniedException: 'access_denied',
  ExpiredTokenException: 'expired_token',
  InvalidGrantException: 'invalid_grant',
  InvalidClientException: 'invalid_client',
  InvalidRequestException: 'invalid_request',
  InvalidScopeException: 'invalid_scope',
  UnauthorizedClientException: 'unauthorized_client',
  UnsupportedGrantTypeException: 'unsupported_grant_type',
  InvalidClientMetadataException: 'invalid_client_metadata',
  InvalidRedirectUriException: 'invalid_redirect_uri',
  InternalServerException: 'server_error',
};

/** The error name a bare injected status gets in each protocol (failNext without a type). */
export function defaultErrorType(protocol: Protocol, status: number): string {
  if (protocol === 'sts') {
    const sts: Record<number, string> = {
      400: 'InvalidParameterValue',
      403: 'AccessDenied',
      429: 'Throttling',
      503: 'ServiceUnavailable',
    };
    return sts[status] ?? (status >= 500 ? 'InternalFailure' : 'InvalidParameterValue');
  }
  const common: Record<number, string> = {
    400: 'InvalidRequestException',
    401: protocol === 'oidc' ? 'InvalidClientException' : 'UnauthorizedException',
    403: protocol === 'oidc' ? 'AccessDeniedException' : 'ForbiddenException',
    404: 'ResourceNotFoundException',
    429: 'TooManyRequestsException',
    503: 'ServiceUnavailableException',
  };
  return common[status] ?? (status >= 500 ? 'InternalServerException' : 'InvalidRequestException');
}

export function errorReply(protocol: Protocol, err: ApiError): Reply {
  return { ...renderError(protocol, err), errorType: err.type };
}

function renderError(protocol: Protocol, err: ApiError): Reply {
  const requestId = randomUUID();
  if (protocol === 'sts') {
    const kind = err.status >= 500 ? 'Receiver' : 'Sender';
    const body =
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n` +
      `  <Error>\n    <Type>${kind}</Type>\n    <Code>${escapeXml(err.type)}</Code>\n` +
      `    <Message>${escapeXml(err.message)}</Message>\n  </Error>\n` +
      `  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
    const reply = xml(err.status, body);
    reply.headers['x-amzn-requestid'] = requestId;
    return reply;
  }
  if (protocol === 's3') {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(err.type)}</Code><Message>${escapeXml(err.message)}</Message><RequestId>${requestId}</RequestId></Error>`;
    return { status: err.status, headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId }, body };
  }
  if (protocol === 'browser') {
    const reply = html(err.status, `${err.type}: ${err.message}`);
    reply.headers['x-amzn-errortype'] = err.type;
    return reply;
  }
  let payload: unknown;
  if (protocol === 'oidc') {
    payload = { error: OAUTH_ERROR[err.type] ?? 'invalid_request', error_description: err.message };
  } else if (protocol === 'signin') {
    payload = { error: err.reason ?? (err.status >= 500 ? 'server' : 'client'), message: err.message };
  } else if (protocol === 'control') {
    payload = { error: err.type, message: err.message };
  } else {
    payload = { message: err.message };
  }
  const reply = json(err.status, payload);
  reply.headers['x-amzn-errortype'] = err.type;
  reply.headers['x-amzn-requestid'] = requestId;
  return reply;
}

// Small typed readers for JSON members; a wrong type is a 400 like on AWS, never a crash.
export function optString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ApiError(400, 'InvalidRequestException', `${key} must be a string`);
  return v;
}

export function reqString(body: Record<string, unknown>, key: string): string {
  const v = optString(body, key);
  if (v === undefined || v === '') throw new ApiError(400, 'InvalidRequestException', `${key} is required`);
  return v;
}

export function optStringList(body: Record<string, unknown>, key: string): string[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new ApiError(400, 'InvalidRequestException', `${key} must be a list of strings`);
  }
  return v as string[];
}
