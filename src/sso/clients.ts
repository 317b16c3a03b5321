// The AWS SDK is loaded only here and only when a network call is due: it costs tens of
// milliseconds to load, and the cached-credential path must not pay for it.
import type { SSOClient } from '@aws-sdk/client-sso';
import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';

export interface Endpoint {
  url: string;
  region: string;
}

// Bounded so a black-holed network fails within the retry budget instead of hanging.
const requestHandler = { connectionTimeout: 5_000, requestTimeout: 20_000 };

export async function portalClient(endpoint: Endpoint): Promise<{ client: SSOClient; sdk: typeof import('@aws-sdk/client-sso') }> {
  const sdk = await import('@aws-sdk/client-sso');
  return { sdk, client: new sdk.SSOClient({ region: endpoint.region, endpoint: endpoint.url, maxAttempts: 1, requestHandler }) };
}

export async function oidcClient(endpoint: Endpoint): Promise<{ client: SSOOIDCClient; sdk: typeof import('@aws-sdk/client-sso-oidc') }> {
  const sdk = await import('@aws-sdk/client-sso-oidc');
  return { sdk, client: new sdk.SSOOIDCClient({ region: endpoint.region, endpoint: endpoint.url, maxAttempts: 1, requestHandler }) };
}
