// credential_source: where a role chain starts when it has no source profile.
import type { CredentialSourceName } from '../config/credentialProfile.ts';
import { ConfigError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { checkedCredentials } from './process.ts';
import type { AwsCredentials } from '../types/credentials.ts';
import { lazy } from '../util/load.ts';

export async function sourceCredentials(
  rt: Runtime,
  profileName: string,
  source: CredentialSourceName,
): Promise<AwsCredentials> {
  if (source === 'EcsContainer') {
    const { containerCredentials } = await lazy(() => import('./container.ts'));
    return containerCredentials(rt, profileName);
  }
  if (source === 'Ec2InstanceMetadata') {
    const { instanceMetadataCredentials } = await lazy(() => import('./instanceMetadata.ts'));
    return instanceMetadataCredentials(rt, profileName);
  }
  const env = rt.env;
  if (!env.AWS_ACCESS_KEY_ID) {
    throw new ConfigError(
      `profile "${profileName}" takes its source credentials from the environment (credential_source = Environment), but AWS_ACCESS_KEY_ID is not set`,
      'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys)',
    );
  }
  return environmentCredentials(rt, `the environment variables (credential_source of profile "${profileName}")`);
}

/** AWS_ACCESS_KEY_ID and friends, checked as a process's output is. */
export function environmentCredentials(rt: Runtime, what: string): AwsCredentials {
  const env = rt.env;
  // botocore's order: the older AWS_SECURITY_TOKEN first.
  return checkedCredentials(
    {
      AccessKeyId: env.AWS_ACCESS_KEY_ID,
      SecretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      SessionToken: env.AWS_SECURITY_TOKEN || env.AWS_SESSION_TOKEN || undefined,
      Expiration: env.AWS_CREDENTIAL_EXPIRATION || undefined,
    },
    rt.now(),
    what,
    {
      AccessKeyId: 'AWS_ACCESS_KEY_ID',
      SecretAccessKey: 'AWS_SECRET_ACCESS_KEY',
      SessionToken: 'AWS_SESSION_TOKEN',
      Expiration: 'AWS_CREDENTIAL_EXPIRATION',
    },
  );
}
