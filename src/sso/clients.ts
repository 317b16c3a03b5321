// Every AWS SDK client ssohelper uses is built here and only here (test/unit/clients.test.ts
// checks): each gets the HTTP client of src/net/client.ts (proxy, CA trust, connect and read
// timeouts) and a logger that writes to --debug, never to our stderr. The SDK is loaded only for
// the services that use it (OIDC, STS): the SSO portal calls go without it. Also the endpoints
// of a session's portal and OIDC service.
import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import type { STSClient } from '@aws-sdk/client-sts';
import type { Service } from '../config/endpoints.ts';
import type { ProfileNetwork } from '../config/network.ts';
import { httpClient, type Network, networkOf } from '../net/client.ts';
import type { Runtime } from '../runtime.ts';
import { awsSdk, fullProgram } from '../util/load.ts';

export interface Endpoint {
  url: string;
  region: string;
  network: Network;
  /** Which service's settings named the URL: failure messages say which setting to check. */
  service: Service;
}

/** The endpoint of a session's portal (`sso`) or OIDC service, with the runtime's network. */
export function endpointFor(
  rt: Runtime,
  s: { endpoints: { sso: string; oidc: string }; ssoRegion: string; network: ProfileNetwork | undefined },
  service: 'sso' | 'oidc',
): Endpoint {
  return {
    url: s.endpoints[service],
    region: s.ssoRegion,
    network: networkOf(rt, s.network),
    service: service === 'sso' ? 'sso' : 'sso-oidc',
  };
}

/** What every client gets besides its endpoint. */
async function common(network: Network) {
  // The SDK logs whole requests as objects (inputs whose secrets depend on the service model's
  // marking): only its plain-text warnings are kept; failures are reported by us.
  const debug = (m: unknown) => {
    if (typeof m === 'string') network.debug(`aws-sdk: ${m}`);
  };
  const [{ NetworkHandler }, http] = await Promise.all([
    fullProgram(() => import('../net/handler.ts')),
    httpClient(network),
  ]);
  silenceConsole(network.debug);
  return {
    maxAttempts: 1,
    requestHandler: new NetworkHandler(http),
    logger: { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: debug, error: debug },
  };
}

export async function oidcClient(
  endpoint: Endpoint,
): Promise<{ client: SSOOIDCClient; sdk: typeof import('@aws-sdk/client-sso-oidc') }> {
  const [sdk, config] = await Promise.all([awsSdk(() => import('@aws-sdk/client-sso-oidc')), common(endpoint.network)]);
  return { sdk, client: new sdk.SSOOIDCClient({ region: endpoint.region, endpoint: endpoint.url, ...config }) };
}

/**
 * STS for role chains; without `url` the SDK picks the regional endpoint (AWS_ENDPOINT_URL_STS
 * applies). `credentials` sign the call (the source hop's); without them the SDK's default chain.
 */
export async function stsClient(
  endpoint: { region: string; url?: string | undefined; network: Network },
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
): Promise<{ client: STSClient; sdk: typeof import('@aws-sdk/client-sts') }> {
  const [sdk, config] = await Promise.all([awsSdk(() => import('@aws-sdk/client-sts')), common(endpoint.network)]);
  return {
    sdk,
    client: new sdk.STSClient({
      region: endpoint.region,
      ...(endpoint.url && { endpoint: endpoint.url }),
      ...(credentials && { credentials }),
      ...config,
    }),
  };
}

/**
 * A few SDK code paths call console.warn directly, bypassing the client's logger. ssohelper
 * itself never uses console (main.ts writes to the file descriptors), so once the SDK is loaded
 * console output becomes --debug output: stdout carries only the product, stderr only our words.
 */
function silenceConsole(debug: (message: string) => void): void {
  const sink = (...args: unknown[]) =>
    debug(`console: ${args.map((a) => (typeof a === 'string' ? a : String(a))).join(' ')}`);
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) console[method] = sink;
}
