// What a failed request means for the user: which host or proxy, what went wrong, whether a
// retry can help, and the setting that fixes it. Pure: the handler labels each error with where
// it happened (attachContext) and this reads the label and Node's error codes.

import { proxySecrets } from './proxy.ts';

export interface HttpTarget {
  host: string;
  port: number;
  protocol: string;
}

export interface NetContext {
  target: HttpTarget;
  proxy: { display: string; source: string; hasCredentials: boolean } | undefined;
  /** The setting that named the CA bundle in use, if one is. */
  caSource: string | undefined;
  useSystemCa: boolean;
  connectTimeoutMs: number;
  readTimeoutMs: number;
}

export type NetworkFailureKind =
  | 'proxyAuth'
  | 'proxyUnreachable'
  | 'proxyTunnel'
  | 'dns'
  | 'certificate'
  | 'tls'
  | 'timeout'
  | 'refused'
  | 'connection';

export interface NetworkFailure {
  kind: NetworkFailureKind;
  /**
   * False for what waiting cannot fix: a name that does not resolve, a refused connection, a
   * refused proxy, TLS. Such a failure gets at most a few quick tries (sso/call.ts), never the
   * retry budget: a credential_process caller would hang for nothing.
   */
  retryable: boolean;
  message: string;
  hint: string;
}

export const PROXY_AUTH_CODE = 'SSOHELPER_PROXY_AUTH';
const CONTEXT = Symbol.for('ssohelper.net');

/**
 * Labels an error with where it happened, and removes the proxy URL's credentials from its
 * message and stack (--debug prints the stack).
 */
export function attachContext(err: unknown, context: NetContext, proxyUrl: string | undefined): unknown {
  if (typeof err !== 'object' || err === null) return err;
  const e = err as { message?: unknown; stack?: unknown; [CONTEXT]?: NetContext };
  const secrets = proxyUrl ? proxySecrets(proxyUrl) : [];
  if (typeof e.message === 'string') e.message = scrub(e.message, secrets);
  if (typeof e.stack === 'string') e.stack = scrub(e.stack, secrets);
  e[CONTEXT] ??= context;
  return err;
}

// Node's advice for an untrusted certificate names a flag that users of the executable cannot
// pass; our own message names the settings that work.
const NODE_CA_ADVICE = /; if the root CA is installed locally, try running Node\.js with --use-system-ca/g;

function scrub(text: string, secrets: string[]): string {
  return secrets.reduce((t, s) => t.split(s).join('****'), text.replace(NODE_CA_ADVICE, ''));
}

const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
]);
const CERTIFICATE_PROBLEMS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet (check the clock)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for a different host name',
  CERT_REVOKED: 'its certificate has been revoked',
  HOSTNAME_MISMATCH: 'its certificate is for a different host name',
};
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', ...DNS_CODES]);
const REFUSED_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/** The network failure behind an SDK error, or undefined when it is not one (an API error). */
export function describeNetworkFailure(err: unknown): NetworkFailure | undefined {
  const e = err as
    | { name?: string; code?: string; message?: string; statusCode?: number; [CONTEXT]?: NetContext }
    | undefined;
  const context = e?.[CONTEXT];
  if (!e || !context) return undefined;
  const code = e.code ?? '';
  const message = e.message ?? '';
  const where = `${context.target.host}:${context.target.port}`;
  const proxy = context.proxy;
  const viaProxy = proxy ? ` through the proxy ${proxy.display} (${proxy.source})` : '';

  if (proxy && (code === PROXY_AUTH_CODE || (code === 'ERR_PROXY_TUNNEL' && e.statusCode === 407))) {
    return {
      kind: 'proxyAuth',
      retryable: false,
      message: `the proxy ${proxy.display} (from ${proxy.source}) refused the request: proxy authentication required (HTTP 407)`,
      hint: proxy.hasCredentials
        ? `check the user name and password in ${proxy.source} (percent-encode special characters: @ as %40, : as %3A)`
        : `put the proxy credentials in the URL: ${proxy.source}=http://USER:PASSWORD@host:port`,
    };
  }
  if (proxy && code === 'ERR_PROXY_TUNNEL') {
    const status = e.statusCode;
    return {
      kind: 'proxyTunnel',
      retryable: status === undefined || status >= 500,
      message: `the proxy ${proxy.display} (from ${proxy.source}) would not connect to ${where}${status ? ` (HTTP ${status})` : ''}`,
      hint: `check that the proxy allows ${context.target.host}, or add it to NO_PROXY to connect directly`,
    };
  }
  // Through a proxy, the target's name is resolved by the proxy: a refusal or an unknown name
  // here is about the proxy itself.
  if (proxy && UNREACHABLE_CODES.has(code)) {
    const why = DNS_CODES.has(code)
      ? `its host name ${proxy.display.replace(/^[a-z]+:\/\/([^@]*@)?/i, '').replace(/:\d+$/, '')} does not resolve`
      : code === 'ECONNREFUSED'
        ? 'the connection was refused'
        : `it is unreachable (${code})`;
    return {
      kind: 'proxyUnreachable',
      retryable: false,
      message: `cannot connect to the proxy ${proxy.display} (from ${proxy.source}): ${why}`,
      hint: `check ${proxy.source}, or unset it (or add ${context.target.host} to NO_PROXY) to connect directly`,
    };
  }
  if (DNS_CODES.has(code)) {
    return {
      kind: 'dns',
      retryable: false,
      message: `cannot resolve the host name ${context.target.host}${code === 'EAI_AGAIN' ? ' (DNS did not answer)' : ''}`,
      hint: 'check your network connection and the endpoint (sso_region, AWS_ENDPOINT_URL_*); if your network needs a proxy, set HTTPS_PROXY',
    };
  }
  if (UNKNOWN_AUTHORITY.has(code) || code in CERTIFICATE_PROBLEMS) {
    const problem = CERTIFICATE_PROBLEMS[code] ?? 'its certificate was issued by an authority that is not trusted';
    const trust = context.caSource ? `the CA bundle from ${context.caSource}` : 'the default trusted authorities';
    return {
      kind: 'certificate',
      retryable: false,
      message: `TLS certificate check failed for ${where}${proxy?.display.startsWith('https:') ? ` or for the https proxy ${proxy.display} (${proxy.source})` : viaProxy}: ${problem} (${code}; trusting ${trust}${context.useSystemCa ? ' and the system store' : ''})`,
      hint:
        code in CERTIFICATE_PROBLEMS && !UNKNOWN_AUTHORITY.has(code)
          ? `check the endpoint URL${proxy ? ' and whether the proxy inspects TLS' : ''}; if your network's TLS inspection presents this certificate, ask for its CA certificate`
          : context.caSource
            ? `add the certificate of the CA that signed it to that bundle (a PEM file), or set SSOHELPER_USE_SYSTEM_CA=1 to also trust the operating system's store`
            : `if your network inspects TLS, point AWS_CA_BUNDLE (or ca_bundle in the profile) at your CA's PEM file, or set SSOHELPER_USE_SYSTEM_CA=1 to trust the operating system's store`,
    };
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return {
      kind: 'tls',
      retryable: false,
      message: `TLS connection to ${where}${viaProxy} failed: ${message}`,
      hint: 'check that the endpoint URL is https:// on an https port, and that nothing on the way alters TLS',
    };
  }
  if (e.name === 'TimeoutError' && /SSOHELPER_REQUEST_TIMEOUT/.test(message)) {
    // Bytes kept coming, too slowly or without end: waiting longer or asking again will not help.
    return {
      kind: 'timeout',
      retryable: false,
      message: `${where}${viaProxy} did not finish its answer within the request time limit`,
      hint: 'the limit is SSOHELPER_REQUEST_TIMEOUT (seconds, default 60); check the endpoint and any proxy on the way',
    };
  }
  if (e.name === 'TimeoutError' || code === 'ETIMEDOUT') {
    const connecting = /establish a connection/.test(message);
    const limit = connecting ? context.connectTimeoutMs : context.readTimeoutMs;
    return {
      kind: 'timeout',
      retryable: true,
      message: connecting
        ? `could not connect to ${where}${viaProxy} within ${limit / 1000} s`
        : `${where}${viaProxy} did not answer within ${limit / 1000} s`,
      hint: `check your network${proxy ? ' and the proxy' : ''}; the limit is ${connecting ? 'cli_connect_timeout' : 'cli_read_timeout'} in the profile (seconds, default 60)`,
    };
  }
  // Nothing listens there, or no route leads there: a server that is restarting is back within
  // the quick tries; anything else (a wrong endpoint, a port of a stopped tunnel) is not.
  if (REFUSED_CODES.has(code)) {
    return {
      kind: 'refused',
      retryable: false,
      message: `cannot connect to ${where}: ${code === 'ECONNREFUSED' ? 'the connection was refused' : `the host is unreachable (${code})`}`,
      hint: 'check the endpoint (sso_region, AWS_ENDPOINT_URL_*) and your network connection; if your network needs a proxy, set HTTPS_PROXY',
    };
  }
  if (CONNECTION_CODES.has(code) || /socket hang up/.test(message)) {
    return {
      kind: 'connection',
      retryable: true,
      message: `the connection to ${where}${viaProxy} failed: ${message}`,
      hint: proxy
        ? `check the proxy ${proxy.display} (${proxy.source})`
        : 'check your network connection; if your network needs a proxy, set HTTPS_PROXY',
    };
  }
  return undefined;
}
