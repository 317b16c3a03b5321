// The portal's clock, from the Date header of one cheap request (ListAccounts, one result). With
// a token that the portal no longer accepts, or none, the 401 answer carries the header too.
import type { Endpoint } from './clients.ts';
import { portalRequest } from './portal.ts';

export async function portalDate(
  endpoint: Endpoint,
  accessToken: string | undefined,
): Promise<{ date: number | undefined; tokenAccepted: boolean | undefined; error?: string }> {
  const dateOf = (headers: Record<string, string> | undefined) => {
    const parsed = headers?.date ? Date.parse(headers.date) : Number.NaN;
    return Number.isFinite(parsed) ? parsed : undefined;
  };
  try {
    const { headers } = await portalRequest(
      endpoint,
      'GET',
      '/assignment/accounts',
      { max_result: '1' },
      accessToken ?? 'ssohelper-doctor-clock-probe',
    );
    return { date: dateOf(headers), tokenAccepted: accessToken ? true : undefined };
  } catch (err) {
    const e = err as {
      $metadata?: { httpStatusCode?: number };
      $response?: { headers?: Record<string, string> };
      message?: string;
    };
    const date = dateOf(e.$response?.headers);
    const status = e.$metadata?.httpStatusCode;
    if (status === 401 || status === 403) return { date, tokenAccepted: accessToken ? false : undefined };
    return { date, tokenAccepted: undefined, error: e.message ?? String(err) };
  }
}
