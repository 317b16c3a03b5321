// The SSO OIDC API calls ssohelper makes to keep a session alive.
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
