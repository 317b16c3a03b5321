// Sorts whatever an AWS call (the SDK's or portal.ts's) or the network threw into the few cases
// our logic cares about.
import { describeNetworkFailure, type NetworkFailure } from '../net/failure.ts';

export type FailureKind =
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'throttled'
  | 'server'
  | 'network'
  /** The network failed in a way retrying cannot fix (see networkFailure). */
  | 'unreachable'
  /** Nothing answers at the endpoint's address: worth a quick second look, not the budget. */
  | 'refused'
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
  /** For failures on the way (proxy, DNS, TLS, timeout): what happened, where, and the fix. */
  network?: NetworkFailure;
}

const BY_NAME: Record<string, FailureKind> = {
  UnauthorizedException: 'unauthorized',
  ForbiddenException: 'forbidden',
  ResourceNotFoundException: 'notFound',
  TooManyRequestsException: 'throttled',
  ThrottlingException: 'throttled',
  // STS (query protocol) names.
  Throttling: 'throttled',
  RequestLimitExceeded: 'throttled',
  AccessDenied: 'denied',
  ExpiredToken: 'expired',
  InvalidGrantException: 'invalidGrant',
  InvalidClientException: 'invalidClient',
  UnauthorizedClientException: 'invalidClient',
  AuthorizationPendingException: 'pending',
  SlowDownException: 'slowDown',
  AccessDeniedException: 'denied',
  ExpiredTokenException: 'expired',
  InternalServerException: 'server',
};

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

export function classify(err: unknown): Classified {
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode;
  const message = e?.message ?? String(err);
  const network = describeNetworkFailure(err);
  if (network)
    return {
      kind: network.retryable ? 'network' : network.kind === 'refused' ? 'refused' : 'unreachable',
      name,
      status,
      message: network.message,
      network,
    };
  let kind: FailureKind = BY_NAME[name] ?? 'other';
  if (kind === 'other') {
    if (status === 429) kind = 'throttled';
    else if (status !== undefined && status >= 500) kind = 'server';
    else if (status === 401) kind = 'unauthorized';
    else if (status === 403) kind = 'forbidden';
    else kind = networkFailure(e, name, message) ?? 'other';
  }
  return { kind, name, status, message };
}

/**
 * The hook for network failures: 'network' is retried within the budget, 'unreachable' is
 * reported at once (a name that does not resolve, a TLS certificate we do not trust, a proxy
 * that refuses us: a second try would only fail the same way). Undefined: not a network failure.
 */
export function networkFailure(
  e: { code?: string } | undefined,
  name: string,
  message: string,
): 'network' | 'refused' | undefined {
  if (e?.code === 'ECONNREFUSED') return 'refused';
  if (
    (e?.code && NETWORK_CODES.has(e.code)) ||
    name === 'TimeoutError' ||
    name === 'RequestTimeout' ||
    /socket hang up|ECONN|EAI_AGAIN|ETIMEDOUT/.test(message)
  ) {
    return 'network';
  }
  return undefined;
}

export function isRetryable(c: Classified): boolean {
  return c.kind === 'throttled' || c.kind === 'server' || c.kind === 'network';
}
