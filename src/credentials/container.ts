// credential_source = EcsContainer: the container credential endpoint ECS, EKS Pod Identity (and
// `ssohelper serve`) provide, found and authorised the way botocore's ContainerProvider does.
import { ConfigError, ServiceError } from '../errors.ts';
import { readTextFile } from '../fs/files.ts';
import type { Runtime } from '../runtime.ts';
import { parseJsonObject } from '../util/pyjson.ts';
import type { AwsCredentials } from '../types/credentials.ts';
import { checkedCredentials } from './process.ts';
import { lazy } from '../util/load.ts';

const ECS_HOST = 'http://169.254.170.2';
// Hosts botocore accepts for a plain-http full URI: loopback, and the ECS and EKS agents.
const ALLOWED_HTTP_HOSTS =
  /^(127(\.\d{1,3}){3}|\[::1\]|localhost|169\.254\.170\.2|169\.254\.170\.23|\[fd00:ec2::23\])$/;
const MAX_BODY = 64 * 1024;
const ATTEMPTS = 3;

/** The endpoint's URL, from AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI. */
export function containerEndpoint(env: Runtime['env'], profileName: string): URL {
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  const what = `profile "${profileName}" uses credential_source = EcsContainer`;
  if (relative) return new URL(`${ECS_HOST}${relative.startsWith('/') ? '' : '/'}${relative}`);
  if (!full) {
    throw new ConfigError(
      `${what}, but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set`,
      'run it inside the container, or with `ssohelper serve` providing the endpoint',
    );
  }
  let url: URL;
  try {
    url = new URL(full);
  } catch {
    throw new ConfigError(`${what}, but AWS_CONTAINER_CREDENTIALS_FULL_URI "${full}" is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && ALLOWED_HTTP_HOSTS.test(url.hostname))) {
    throw new ConfigError(
      `${what}, but AWS_CONTAINER_CREDENTIALS_FULL_URI "${full}" must be https, or http to a loopback or container-agent address`,
    );
  }
  return url;
}

export async function containerCredentials(rt: Runtime, profileName: string): Promise<AwsCredentials> {
  const url = containerEndpoint(rt.env, profileName);
  const headers: Record<string, string> = { accept: 'application/json' };
  const tokenFile = rt.env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
  const token = tokenFile
    ? (await readTextFile(tokenFile, 'container authorization token file'))?.trim()
    : rt.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
  if (tokenFile && !token)
    throw new ConfigError(`AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${tokenFile} is missing or empty`);
  if (token) headers.authorization = token;
  const what = `the container credential endpoint ${url.origin}${url.pathname} (credential_source of profile "${profileName}")`;
  for (let attempt = 1; ; attempt++) {
    let status: number;
    let body: string;
    try {
      ({ status, body } = await httpCall(rt, 'container-credentials', url, 'GET', headers));
    } catch (err) {
      if (attempt < ATTEMPTS) continue;
      throw new ServiceError(`${what} cannot be reached: ${(err as Error).message}`, undefined, { cause: err });
    }
    if (status >= 500 && attempt < ATTEMPTS) continue;
    const doc = parseJsonObject(body);
    if (status !== 200) {
      const detail = typeof doc?.Message === 'string' ? `: ${doc.Message}` : '';
      throw new ServiceError(`${what} answered HTTP ${status}${detail}`);
    }
    if (!doc) throw new ServiceError(`${what} did not answer with a JSON object`);
    return metadataCredentials(doc, rt.now(), what);
  }
}

/** The JSON ECS, EKS and IMDS answer with (Token, not SessionToken), checked like a process's. */
export function metadataCredentials(doc: Record<string, unknown>, now: number, what: string): AwsCredentials {
  return checkedCredentials({ ...doc, SessionToken: doc.Token }, now, what, {
    AccessKeyId: 'AccessKeyId',
    SecretAccessKey: 'SecretAccessKey',
    SessionToken: 'Token',
    Expiration: 'Expiration',
  });
}

/** One small request through the one HTTP client; the body as text, bounded. */
export async function httpCall(
  rt: Runtime,
  endpoint: 'container-credentials' | 'instance-metadata',
  url: URL,
  method: 'GET' | 'PUT',
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const { httpClient, networkOf, requestTo } = await lazy(() => import('../net/client.ts'));
  const http = await httpClient(networkOf(rt, undefined, endpoint));
  const answer = await http.fetchText(requestTo(url, method, headers), MAX_BODY);
  return { status: answer.status, body: answer.text };
}
