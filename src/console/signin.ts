// The AWS sign-in federation endpoint, as pure URL building: where it is for a region (or the
// AWS_ENDPOINT_URL_SIGNIN override), the getSigninToken request, and the console login URL.
import type { Env } from '../config/files.ts';
import { ConfigError, UsageError } from '../errors.ts';

export interface Partition {
  signin: string;
  console: string;
}

/** The sign-in and console hosts of each partition, by region prefix. */
export function partitionOf(region: string | undefined): Partition {
  if (region?.startsWith('cn-'))
    return { signin: 'https://signin.amazonaws.cn', console: 'https://console.amazonaws.cn' };
  if (region?.startsWith('us-gov-'))
    return { signin: 'https://signin.amazonaws-us-gov.com', console: 'https://console.amazonaws-us-gov.com' };
  if (!region) return { signin: 'https://signin.aws.amazon.com', console: 'https://console.aws.amazon.com' };
  return { signin: `https://${region}.signin.aws.amazon.com`, console: `https://${region}.console.aws.amazon.com` };
}

/**
 * The federation endpoint: `<sign-in base>/federation`. AWS_ENDPOINT_URL_SIGNIN names the base
 * (the AWS Sign-In service's id in the SDKs), as AWS_ENDPOINT_URL_SSO does for the portal.
 */
export function federationUrl(region: string | undefined, env: Env): string {
  const override =
    env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.trim().toLowerCase() === 'true'
      ? undefined
      : env.AWS_ENDPOINT_URL_SIGNIN?.trim();
  if (override) {
    let url: URL;
    try {
      url = new URL(override);
    } catch {
      throw new ConfigError(
        `the endpoint URL "${override}" from the AWS_ENDPOINT_URL_SIGNIN variable is not a valid URL`,
        'fix it, or unset it to use the AWS default',
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new ConfigError(
        `the endpoint URL "${override}" from the AWS_ENDPOINT_URL_SIGNIN variable must start with https:// or http://`,
      );
    return `${override.replace(/\/+$/, '')}/federation`;
  }
  return `${partitionOf(region).signin}/federation`;
}

/** Where the browser lands: --destination (a console URL, or a path on the console), else the console home of the region. */
export function consoleDestination(region: string | undefined, destination: string | undefined): string {
  const base = partitionOf(region).console;
  if (destination === undefined)
    return region ? `${base}/console/home?region=${encodeURIComponent(region)}` : `${base}/console/home`;
  if (destination.startsWith('/')) return `${base}${destination}`;
  let url: URL | undefined;
  try {
    url = new URL(destination);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:') {
    throw new UsageError(
      `console: --destination "${destination}" is neither an https:// URL nor a path on the console`,
      'e.g. --destination /s3/home or --destination https://console.aws.amazon.com/ec2/home',
    );
  }
  return destination;
}

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/**
 * The request for a sign-in token. No SessionDuration: the endpoint accepts it only for
 * GetFederationToken credentials; a role session's console session follows the role session.
 */
export function signinTokenRequest(federation: string, c: SessionCredentials): string {
  const session = JSON.stringify({
    sessionId: c.accessKeyId,
    sessionKey: c.secretAccessKey,
    sessionToken: c.sessionToken,
  });
  return `${federation}?Action=getSigninToken&Session=${encodeURIComponent(session)}`;
}

/** The console login URL: a bearer secret for as long as the sign-in token lives (15 minutes). */
export function loginUrl(federation: string, signinToken: string, destination: string): string {
  return `${federation}?Action=login&Destination=${encodeURIComponent(destination)}&SigninToken=${encodeURIComponent(signinToken)}`;
}

/** The token from getSigninToken's JSON answer, or undefined when the answer is not one. */
export function parseSigninToken(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { SigninToken?: unknown };
    return typeof parsed.SigninToken === 'string' && parsed.SigninToken.length > 0 ? parsed.SigninToken : undefined;
  } catch {
    return undefined;
  }
}
