// Proves credentials really work: the emulator's STS checks the SigV4 signature made with them.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

export async function callerIdentity(
  endpoint: string,
  creds: { AccessKeyId: string; SecretAccessKey: string; SessionToken?: string },
) {
  const client = new STSClient({
    region: 'us-east-1',
    endpoint,
    maxAttempts: 1,
    credentials: {
      accessKeyId: creds.AccessKeyId,
      secretAccessKey: creds.SecretAccessKey,
      sessionToken: creds.SessionToken,
    },
  });
  return client.send(new GetCallerIdentityCommand({}));
}
