// The SSO OIDC API calls ssohelper makes to log in and to keep a session alive. Every request
// goes through ssoCall, so callers get retries and only our own errors.
import { isPlainToken } from '../cache/token.ts';
import { ServiceError } from '../errors.ts';
import { type SsoApi, ssoCall } from './call.ts';
import { oidcClient } from './clients.ts';

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
  refreshToken: string | undefined;
}

export async function refreshAccessToken(
  api: SsoApi,
  registration: { clientId: string; clientSecret: string },
  refreshToken: string,
): Promise<IssuedToken> {
  const { client, sdk } = await oidcClient(api.endpoint);
  const reply = await ssoCall(api, 'refreshing the SSO token (CreateToken)', (abortSignal) =>
    client.send(new sdk.CreateTokenCommand({ ...registration, grantType: 'refresh_token', refreshToken }), {
      abortSignal,
    }),
  );
  return issued(reply);
}

/** IAM Identity Center sessions last 90 days at most; a longer token lifetime is not genuine. */
const MAX_TOKEN_LIFETIME_S = 90 * 24 * 3600;

export function issued(reply: { accessToken?: string; expiresIn?: number; refreshToken?: string }): IssuedToken {
  if (
    !reply.accessToken ||
    !isPlainToken(reply.accessToken) ||
    (reply.refreshToken !== undefined && !isPlainToken(reply.refreshToken))
  ) {
    throw new ServiceError('CreateToken returned no usable access token; nothing was saved');
  }
  const ttl = reply.expiresIn;
  if (typeof ttl !== 'number' || !(ttl > 0 && ttl <= MAX_TOKEN_LIFETIME_S)) {
    throw new ServiceError(
      `CreateToken returned an impossible token lifetime (${JSON.stringify(ttl)} seconds); nothing was saved`,
    );
  }
  return { accessToken: reply.accessToken, expiresInSeconds: ttl, refreshToken: reply.refreshToken };
}

export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  /** clientSecretExpiresAt, epoch seconds. */
  expiresAtSeconds: number;
}

export async function registerClient(
  api: SsoApi,
  request: {
    clientName: string;
    scopes?: string[];
    grantTypes?: string[];
    redirectUris?: string[];
    issuerUrl?: string;
  },
): Promise<RegisteredClient> {
  const { client, sdk } = await oidcClient(api.endpoint);
  const reply = await ssoCall(
    api,
    `registering ssohelper with IAM Identity Center at ${api.endpoint.url} (RegisterClient)`,
    () => client.send(new sdk.RegisterClientCommand({ ...request, clientType: 'public' })),
  );
  const expires = reply.clientSecretExpiresAt;
  if (
    !reply.clientId ||
    !reply.clientSecret ||
    typeof expires !== 'number' ||
    !Number.isFinite(new Date(expires * 1000).getTime()) ||
    expires * 1000 <= api.rt.now()
  ) {
    throw new ServiceError(
      `RegisterClient returned no client id or secret, or an impossible expiry (${JSON.stringify(expires)}); nothing was saved`,
    );
  }
  return { clientId: reply.clientId, clientSecret: reply.clientSecret, expiresAtSeconds: expires };
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
  api: SsoApi,
  registration: { clientId: string; clientSecret: string },
  startUrl: string,
): Promise<DeviceAuthorization> {
  const { client, sdk } = await oidcClient(api.endpoint);
  const reply = await ssoCall(api, 'StartDeviceAuthorization', () =>
    client.send(
      new sdk.StartDeviceAuthorizationCommand({
        clientId: registration.clientId,
        clientSecret: registration.clientSecret,
        startUrl,
      }),
    ),
  );
  if (!reply.deviceCode || !reply.userCode || !reply.verificationUri || typeof reply.expiresIn !== 'number') {
    throw new ServiceError('StartDeviceAuthorization returned no device code, user code, URL or lifetime');
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
  api: SsoApi,
  registration: { clientId: string; clientSecret: string },
  deviceCode: string,
): Promise<IssuedToken> {
  const { client, sdk } = await oidcClient(api.endpoint);
  const reply = await ssoCall(api, 'CreateToken', () =>
    client.send(
      new sdk.CreateTokenCommand({
        clientId: registration.clientId,
        clientSecret: registration.clientSecret,
        grantType: 'urn:ietf:params:oauth:grant-type:device_code',
        deviceCode,
      }),
    ),
  );
  return issued(reply);
}

export async function createTokenWithAuthorizationCode(
  api: SsoApi,
  registration: { clientId: string; clientSecret: string },
  grant: { code: string; codeVerifier: string; redirectUri: string },
): Promise<IssuedToken> {
  const { client, sdk } = await oidcClient(api.endpoint);
  const reply = await ssoCall(api, 'CreateToken', () =>
    client.send(
      new sdk.CreateTokenCommand({
        clientId: registration.clientId,
        clientSecret: registration.clientSecret,
        grantType: 'authorization_code',
        ...grant,
      }),
    ),
  );
  return issued(reply);
}
