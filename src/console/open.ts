// `console`: role credentials → a sign-in token from the federation endpoint → the console login
// URL, opened in the browser or printed. The URL signs anyone in: it never reaches --debug.
import { loadConfig } from '../config/load.ts';
import { profileNetwork } from '../config/network.ts';
import { type CredentialRequest, credentialSource } from '../credentials/profileSource.ts';
import { AccessDeniedError, ConfigError, ServiceError } from '../errors.ts';
import { httpClient, type Network, networkOf, requestTo } from '../net/client.ts';
import type { Runtime } from '../runtime.ts';
import { consoleDestination, federationUrl, loginUrl, parseSigninToken, signinTokenRequest } from './signin.ts';
import { lazy } from '../util/load.ts';

export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * A GET through the one network handler (proxy, CA trust, timeouts of src/net/), whose URL
 * carries secrets: failures name the host and the network setting, never the URL.
 */
export async function getText(network: Network, url: string): Promise<HttpAnswer> {
  const target = new URL(url);
  const [http, { describeNetworkFailure }] = await Promise.all([
    httpClient(network),
    lazy(() => import('../net/failure.ts')),
  ]);
  try {
    // The answer is a sign-in token of a few hundred bytes.
    const answer = await http.fetchText(requestTo(target, 'GET', { accept: 'application/json' }), 64 * 1024);
    return { status: answer.status, body: answer.text };
  } catch (err) {
    const failure = describeNetworkFailure(err);
    if (failure) throw new ServiceError(failure.message, failure.hint);
    throw new ServiceError(
      `cannot reach the sign-in endpoint ${target.host}: ${(err as Error).message.replace(target.search, '')}`,
      'check your network; AWS_ENDPOINT_URL_SIGNIN overrides the endpoint',
    );
  }
}

export async function signinToken(
  rt: Runtime,
  network: Network,
  federation: string,
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken: string },
): Promise<string> {
  const host = new URL(federation).host;
  rt.debug(`getSigninToken at ${host} (session credentials not shown)`);
  const answer = await getText(network, signinTokenRequest(federation, creds));
  rt.debug(`getSigninToken: HTTP ${answer.status}`);
  if (answer.status >= 400 && answer.status < 500) {
    throw new AccessDeniedError(
      `the sign-in endpoint ${host} refused the role credentials (HTTP ${answer.status})`,
      'try again with --refresh for new credentials; if it persists, the role may not allow console sign-in',
    );
  }
  if (answer.status !== 200)
    throw new ServiceError(`the sign-in endpoint ${host} answered HTTP ${answer.status}`, 'try again later');
  const token = parseSigninToken(answer.body);
  if (!token) throw new ServiceError(`the sign-in endpoint ${host} did not answer with a sign-in token`);
  return token;
}

export interface ConsoleRequest {
  credentials: CredentialRequest;
  refresh: boolean;
  /** A console URL or path; undefined: the console home of the profile's region. */
  destination: string | undefined;
  /** Print the sign-in URL instead of opening a browser. */
  print: boolean;
}

export async function runConsole(rt: Runtime, request: ConsoleRequest): Promise<string> {
  const source = await credentialSource(rt, request.credentials);
  const region = source.profile.region;
  const destination = consoleDestination(region, request.destination);
  const federation = federationUrl(region, rt.env);
  const creds = await source.credentials(request.refresh);
  const { sessionToken } = creds;
  if (sessionToken === undefined) {
    throw new ConfigError(
      `profile "${source.profile.profileName}" has long-term keys; the console sign-in needs temporary credentials (an SSO role or an assumed role)`,
      'use a profile with sso_role_name or role_arn',
    );
  }
  const network = networkOf(rt, profileNetwork(await loadConfig(rt.paths), source.profile.profileName));
  const url = loginUrl(federation, await signinToken(rt, network, federation, { ...creds, sessionToken }), destination);
  const who = `profile "${source.profile.profileName}"`;
  if (request.print) {
    rt.stderr(
      `ssohelper: warning: this URL signs whoever opens it in to the console as ${who}, for the next 15 minutes:\n` +
        '  treat it like a password; do not paste it into chats, tickets or shell history\n',
    );
    return `${url}\n`;
  }
  const [{ browserCommands, openBrowser }, { noBrowserReason }] = await Promise.all([
    lazy(() => import('../login/browser.ts')),
    lazy(() => import('../login/plan.ts')),
  ]);
  const surroundings = { platform: rt.platform, env: rt.env };
  const opened =
    noBrowserReason(surroundings) && !rt.env.BROWSER?.trim()
      ? undefined
      : await openBrowser(rt, browserCommands(url, surroundings));
  if (!opened) {
    throw new ConfigError(
      `could not open a browser for the console (${noBrowserReason(surroundings) ?? 'no opener worked'})`,
      `run: ssohelper console ${source.profile.profileName} --print   (and open the URL yourself; it is a secret)`,
    );
  }
  rt.stderr(`ssohelper: opened the AWS console as ${who} (${opened})\n`);
  return '';
}
