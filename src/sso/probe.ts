// The portal's clock, from the Date header of one cheap request (ListAccounts, one result). With
// a token that the portal no longer accepts, or none, the 401 answer carries the header too.
import type { Endpoint } from './clients.ts';
import { portalClient } from './clients.ts';

export async function portalDate(endpoint: Endpoint, accessToken: string | undefined): Promise<{ date: number | undefined; tokenAccepted: boolean | undefined; error?: string }> {
  const { client, sdk } = await portalClient(endpoint);
  let date: number | undefined;
  // Between the deserializer and the HTTP handler: sees the raw response, errors included.
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const header = (result.response as { headers?: Record<string, string> }).headers?.date;
      const parsed = header ? Date.parse(header) : Number.NaN;
      if (Number.isFinite(parsed)) date = parsed;
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'ssohelperPortalDate' },
  );
  try {
    await client.send(new sdk.ListAccountsCommand({ accessToken: accessToken ?? 'ssohelper-doctor-clock-probe', maxResults: 1 }));
    return { date, tokenAccepted: accessToken ? true : undefined };
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 401 || status === 403) return { date, tokenAccepted: accessToken ? false : undefined };
    return { date, tokenAccepted: undefined, error: (err as Error).message ?? String(err) };
  } finally {
    client.destroy();
  }
}
