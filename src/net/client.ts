// The front door of src/net/: what a feature needs to make plain HTTP requests (the client of a
// network setting, a request built from a URL, a query string) without knowing the modules
// behind it. The client's code (http.ts, proxy.ts, trust.ts, settings.ts) is loaded only when a
// network call is due, so importing this module costs nothing.
import type { Env } from '../config/files.ts';
import type { ProfileNetwork } from '../config/network.ts';
import type { Runtime } from '../runtime.ts';
import { percentEncode } from '../util/percentEncode.ts';
import type { HttpClient, HttpRequest } from './http.ts';
import { cold } from '../util/load.ts';

/**
 * Who a request goes to, where that changes how it travels. The container credential endpoint
 * (ECS, EKS Pod Identity, `ssohelper serve`) is a link-local or loopback address that only this
 * host can reach, and its requests carry an authorization token and answer with keys: it is
 * never sent through HTTP(S)_PROXY, as botocore's and the JS SDK's container providers never
 * do. Instance metadata keeps botocore's behaviour (its IMDS fetcher takes the environment's
 * proxies, NO_PROXY applying), like every AWS service.
 */
export type EndpointKind = 'service' | 'container-credentials' | 'instance-metadata';

const USES_PROXY: Readonly<Record<EndpointKind, boolean>> = {
  service: true,
  'container-credentials': false,
  'instance-metadata': true,
};

/** Where the network settings of a call come from: the environment, the profile, the endpoint. */
export interface Network {
  env: Env;
  profile: ProfileNetwork | undefined;
  debug(message: string): void;
  /** Unset: an AWS service. */
  endpoint?: EndpointKind;
  /** Where TLS sessions are kept between runs (tlsSessions.ts); unset, none are. */
  stateDir?: string;
}

export function networkOf(
  rt: Runtime,
  profile: ProfileNetwork | undefined,
  endpoint: EndpointKind = 'service',
): Network {
  return { env: rt.env, profile, debug: rt.debug, endpoint, stateDir: rt.paths.stateDir };
}

// One client per distinct setting, so the calls of one command share connections.
const clients = new Map<string, Promise<HttpClient>>();
const SETTING_VARIABLES = [
  'https_proxy',
  'HTTPS_PROXY',
  'http_proxy',
  'HTTP_PROXY',
  'no_proxy',
  'NO_PROXY',
  'AWS_CA_BUNDLE',
  'SSOHELPER_USE_SYSTEM_CA',
  'NODE_USE_SYSTEM_CA',
];

/** The HTTP client for these settings; a bad setting throws ConfigError (exit 3). */
export function httpClient(network: Network): Promise<HttpClient> {
  const env = network.env;
  const useProxy = USES_PROXY[network.endpoint ?? 'service'];
  const key = JSON.stringify([
    network.profile ?? null,
    useProxy,
    network.stateDir ?? null,
    SETTING_VARIABLES.map((v) => env[v] ?? null),
  ]);
  let client = clients.get(key);
  if (!client) {
    client = (async () => {
      const [
        { HttpClient },
        { networkSettings },
        { trustedCertificates, trustIdentity },
        { checkProxyVariables },
        { tlsSessions },
      ] = await Promise.all([
        cold(() => import('./http.ts')),
        cold(() => import('./settings.ts')),
        cold(() => import('./trust.ts')),
        cold(() => import('./proxy.ts')),
        cold(() => import('./tlsSessions.ts')),
      ]);
      const settings = networkSettings(env, network.profile);
      checkProxyVariables(env);
      const ca = trustedCertificates(settings);
      network.debug(
        `network: CA ${settings.caBundle ? `${settings.caBundle.path} (${settings.caBundle.source})` : 'Node defaults'}${settings.useSystemCa ? ' + system store' : ''}, ` +
          `connect timeout ${settings.connectTimeoutMs / 1000}s, read timeout ${settings.readTimeoutMs / 1000}s` +
          (useProxy ? '' : `, no proxy (${network.endpoint} endpoint)`),
      );
      const sessions = network.stateDir
        ? tlsSessions(network.stateDir, trustIdentity(settings, env), network.debug)
        : undefined;
      return new HttpClient(env, settings, ca, network, useProxy, sessions);
    })();
    clients.set(key, client);
    client.catch(() => clients.delete(key));
  }
  return client;
}

/** The request as a URL would give it: protocol, host, port, encoded path and query. */
export function requestTo(url: URL, method: string, headers: Record<string, string> = {}): HttpRequest {
  return {
    method,
    protocol: url.protocol,
    host: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: `${url.pathname}${url.search}`,
    headers,
  };
}

/** The query as the SDK encodes it: keys sorted, RFC 3986 escaping, repeated keys for lists. */
export function queryString(query: Record<string, string | string[] | null | undefined>): string {
  const parts: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    if (Array.isArray(value)) for (const v of value) parts.push(`${percentEncode(key)}=${percentEncode(v)}`);
    else
      parts.push(
        value || typeof value === 'string' ? `${percentEncode(key)}=${percentEncode(value)}` : percentEncode(key),
      );
  }
  return parts.join('&');
}
