// Sorts whatever the AWS SDK or the network threw into the few cases our logic cares about.

export type FailureKind =
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'throttled'
  | 'server'
  | 'network'
  | 'invalidGrant'
  | 'invalidClient'
  | 'pending'
  | 'slowDown'
  | 'denied'
  | 'expired'
  | 'other';

export interface Classified {
  kind: FailureKind;
  name: string;
  status: number | undefined;
  message: string;
}

const BY_NAME: Record<string, FailureKind> = {
  UnauthorizedException: 'unauthorized',
  ForbiddenException: 'forbidden',
  ResourceNotFoundException: 'notFound',
  TooManyRequestsException: 'throttled',
  ThrottlingException: 'throttled',
  InvalidGrantException: 'invalidGrant',
  InvalidClientException: 'invalidClient',
  UnauthorizedClientException: 'invalidClient',
  AuthorizationPendingException: 'pending',
  SlowDownException: 'slowDown',
  AccessDeniedException: 'denied',
  ExpiredTokenException: 'expired',
  InternalServerException: 'server',
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

export function classify(err: unknown): Classified {
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode;
  const message = e?.message ?? String(err);
  let kind: FailureKind = BY_NAME[name] ?? 'other';
  if (kind === 'other') {
    if (status === 429) kind = 'throttled';
    else if (status !== undefined && status >= 500) kind = 'server';
    else if (status === 401) kind = 'unauthorized';
    else if (status === 403) kind = 'forbidden';
    else if ((e?.code && NETWORK_CODES.has(e.code)) || name === 'TimeoutError' || name === 'RequestTimeout' || /socket hang up|ECONN|EAI_AGAIN|ETIMEDOUT/.test(message)) {
      kind = 'network';
    }
  }
  return { kind, name, status, message };
}

export function isRetryable(c: Classified): boolean {
  return c.kind === 'throttled' || c.kind === 'server' || c.kind === 'network';
}
