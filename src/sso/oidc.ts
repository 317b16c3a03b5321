// The SSO OIDC API calls ssohelper makes to log in and to keep a session alive.
import { type Endpoint, oidcClient } from './clients.ts';

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
  refreshToken: string | undefined;
}

export async function refreshAccessToken(
  endpoint: Endpoint,
  registration: { clientId: string; clientSecret: string },
  refreshToken: string,
): Promise<IssuedToken> {
  const { client, sdk } = await oidcClient(endpoint);
  const reply = await client.send(
    new sdk.CreateTokenCommand({ ...registration, grantType: 'refresh_token', refreshToken }),
  );
  return issued(reply);
}

export function issued(reply: { accessToken?: string; expiresIn?: number; refreshToken?: string }): IssuedToken {
  if (!reply.accessToken || typeof reply.expiresIn !== 'number' || reply.expiresIn <= 0) {
    throw new Error('CreateToken returned no access token or lifetime');
  }
  return { accessToken: reply.accessToken, expiresInSeconds: reply.expiresIn, refreshToken: reply.refreshToken };
}

export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  /** clientSecretExpiresAt, epoch seconds. */
  expiresAtSeconds: number;
}

export async function registerClient(
  endpoint: Endpoint,
  request: { clientName: string; scopes?: string[]; grantTypes?: string[]; redirectUris?: string[]; issuerUrl?: string },
): Promise<RegisteredClient> {
  const { client, sdk } = await oidcClient(endpoint);
  const reply = await client.send(new sdk.RegisterClientCommand({ ...request, clientType: 'public' }));
  if (!reply.clientId || !reply.clientSecret || typeof reply.clientSecretExpiresAt !== 'number') {
    throw new Error('RegisterClient returned no client id, secret or expiry');
  }
  return { clientId: reply.clientId, clientSecret: reply.clientSecret, expiresAtSeconds: reply.clientSecretExpiresAt };
}

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  expiresInSeconds: number;
  /** Seconds between polls; undefined when the service does not say (RFC 8628: then 5). */
  intervalSeconds: number | undefined;
}

export async function startDeviceAuthorization(
  endpoint: Endpoint,
  registration: { clientId: string; clientSecret: string },
  startUrl: string,
): Promise<DeviceAuthorization> {
  const { client, sdk } = await oidcClient(endpoint);
  const reply = await client.send(new sdk.StartDeviceAuthorizationCommand({ clientId: registration.clientId, clientSecret: registration.clientSecret, startUrl }));
  if (!reply.deviceCode || !reply.userCode || !reply.verificationUri || typeof reply.expiresIn !== 'number') {
    throw new Error('StartDeviceAuthorization returned no device code, user code, URL or lifetime');
  }
  return {
    deviceCode: reply.deviceCode,
    userCode: reply.userCode,
    verificationUri: reply.verificationUri,
    verificationUriComplete: reply.verificationUriComplete ?? reply.verificationUri,
    expiresInSeconds: reply.expiresIn,
    intervalSeconds: typeof reply.interval === 'number' && reply.interval > 0 ? reply.interval : undefined,
  };
}

export async function createTokenWithDeviceCode(
  endpoint: Endpoint,
  registration: { clientId: string; clientSecret: string },
  deviceCode: string,
): Promise<IssuedToken> {
  const { client, sdk } = await oidcClient(endpoint);
  const reply = await client.send(
    new sdk.CreateTokenCommand({
      clientId: registration.clientId,
      clientSecret: registration.clientSecret,
      grantType: 'urn:ietf:params:oauth:grant-type:device_code',
      deviceCode,
    }),
  );
  return issued(reply);
}

export async function createTokenWithAuthorizationCode(
  endpoint: Endpoint,
  registration: { clientId: string; clientSecret: string },
  grant: { code: string; codeVerifier: string; redirectUri: string },
): Promise<IssuedToken> {
  const { client, sdk } = await oidcClient(endpoint);
  const reply = await client.send(
    new sdk.CreateTokenCommand({ clientId: registration.clientId, clientSecret: registration.clientSecret, grantType: 'authorization_code', ...grant }),
  );
  return issued(reply);
}
