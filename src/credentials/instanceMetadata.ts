// credential_source = Ec2InstanceMetadata: the instance role's credentials from IMDS, as
// botocore's InstanceMetadataFetcher gets them (IMDSv2 token first, v1 when the service has no
// token API and v1 is allowed). Settings come from the environment variables only.
import { ConfigError, ServiceError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { parseJsonObject } from '../util/pyjson.ts';
import { httpCall, metadataCredentials } from './container.ts';
import type { AwsCredentials } from '../types/credentials.ts';

const TOKEN_TTL_SECONDS = '21600';
const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/';

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

export function metadataEndpoint(env: Runtime['env'], profileName: string): URL {
  const what = `profile "${profileName}" uses credential_source = Ec2InstanceMetadata`;
  if (isTrue(env.AWS_EC2_METADATA_DISABLED)) throw new ConfigError(`${what}, but AWS_EC2_METADATA_DISABLED is true`);
  const mode = (env.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE ?? 'IPv4').trim().toLowerCase();
  if (mode !== 'ipv4' && mode !== 'ipv6')
    throw new ConfigError(`AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE "${mode}" must be IPv4 or IPv6`);
  const text =
    env.AWS_EC2_METADATA_SERVICE_ENDPOINT || (mode === 'ipv6' ? 'http://[fd00:ec2::254]/' : 'http://169.254.169.254/');
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // reported below
  }
  throw new ConfigError(`AWS_EC2_METADATA_SERVICE_ENDPOINT "${text}" is not an http(s) URL`);
}

export async function instanceMetadataCredentials(rt: Runtime, profileName: string): Promise<AwsCredentials> {
  const base = metadataEndpoint(rt.env, profileName);
  const at = (path: string) => new URL(path, base);
  const what = `the instance metadata service at ${base.origin} (credential_source of profile "${profileName}")`;
  const fail = (detail: string) => new ServiceError(`${what}: ${detail}`);
  const headers: Record<string, string> = {};
  const token = await httpCall(rt, 'instance-metadata', at('/latest/api/token'), 'PUT', {
    'x-aws-ec2-metadata-token-ttl-seconds': TOKEN_TTL_SECONDS,
  }).catch((err: Error) => {
    throw fail(`cannot be reached: ${err.message}`);
  });
  if (token.status === 200) headers['x-aws-ec2-metadata-token'] = token.body.trim();
  else if (token.status === 400) throw fail('refused the token request (HTTP 400)');
  else if (isTrue(rt.env.AWS_EC2_METADATA_V1_DISABLED))
    throw fail(`gave no IMDSv2 token (HTTP ${token.status}) and AWS_EC2_METADATA_V1_DISABLED is true`);
  const roles = await httpCall(rt, 'instance-metadata', at(CREDENTIALS_PATH), 'GET', headers);
  const role = roles.status === 200 ? roles.body.split('\n')[0]?.trim() : undefined;
  if (!role)
    throw fail(
      roles.status === 404
        ? 'this instance has no IAM role'
        : `listing the instance role failed (HTTP ${roles.status})`,
    );
  const answer = await httpCall(
    rt,
    'instance-metadata',
    at(`${CREDENTIALS_PATH}${encodeURIComponent(role)}`),
    'GET',
    headers,
  );
  const doc = answer.status === 200 ? parseJsonObject(answer.body) : undefined;
  if (!doc) throw fail(`the credentials of role ${role} could not be read (HTTP ${answer.status})`);
  if (doc.Code !== undefined && doc.Code !== 'Success')
    throw fail(`role ${role}: ${String(doc.Code)} ${typeof doc.Message === 'string' ? doc.Message : ''}`.trim());
  return metadataCredentials(doc, rt.now(), what);
}
