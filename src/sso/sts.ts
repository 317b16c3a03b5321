// STS AssumeRole, signed by the SDK with the source credentials of the hop below, and
// AssumeRoleWithWebIdentity.
import type { AssumedRole, AssumeRoleArgs } from '../cache/assumeRole.ts';
import { isSafeCredentialValue } from '../cache/role.ts';
import { ServiceError } from '../errors.ts';
import { type Endpoint, stsClient } from './clients.ts';

export interface SourceCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | undefined;
}

export async function assumeRole(
  endpoint: Endpoint,
  source: SourceCredentials,
  args: AssumeRoleArgs & { roleSessionName: string; tokenCode: string | undefined },
): Promise<AssumedRole> {
  const { client, sdk } = await stsClient(endpoint, {
    accessKeyId: source.accessKeyId,
    secretAccessKey: source.secretAccessKey,
    ...(source.sessionToken ? { sessionToken: source.sessionToken } : {}),
  });
  const reply = await client.send(
    new sdk.AssumeRoleCommand({
      RoleArn: args.roleArn,
      RoleSessionName: args.roleSessionName,
      ExternalId: args.externalId,
      DurationSeconds: args.durationSeconds,
      SerialNumber: args.serialNumber,
      TokenCode: args.tokenCode,
    }),
  );
  return assumedRole(reply, endpoint, args.roleArn);
}

/** STS AssumeRoleWithWebIdentity: unsigned, the token is the proof (the SDK marks it so). */
export async function assumeRoleWithWebIdentity(
  endpoint: Endpoint,
  args: { roleArn: string; roleSessionName: string; durationSeconds: number | undefined; webIdentityToken: string },
): Promise<AssumedRole> {
  const { client, sdk } = await stsClient(endpoint);
  const reply = await client.send(
    new sdk.AssumeRoleWithWebIdentityCommand({
      RoleArn: args.roleArn,
      RoleSessionName: args.roleSessionName,
      DurationSeconds: args.durationSeconds,
      WebIdentityToken: args.webIdentityToken,
    }),
  );
  return assumedRole(reply, endpoint, args.roleArn);
}

interface RoleReply {
  Credentials?:
    | {
        AccessKeyId?: string | undefined;
        SecretAccessKey?: string | undefined;
        SessionToken?: string | undefined;
        Expiration?: Date | undefined;
      }
    | undefined;
  AssumedRoleUser?: { Arn?: string | undefined; AssumedRoleId?: string | undefined } | undefined;
}

function assumedRole(reply: RoleReply, endpoint: Endpoint, roleArn: string): AssumedRole {
  const c = reply.Credentials;
  const arn = reply.AssumedRoleUser?.Arn ?? '';
  if (
    !c ||
    !isSafeCredentialValue(c.AccessKeyId) ||
    !isSafeCredentialValue(c.SecretAccessKey) ||
    !isSafeCredentialValue(c.SessionToken) ||
    !(c.Expiration instanceof Date) ||
    !Number.isFinite(c.Expiration.getTime())
  ) {
    throw new ServiceError(`STS at ${endpoint.url} returned malformed credentials for ${roleArn}`);
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    // Whole seconds, as the cache keeps them, so the first answer equals the cached ones.
    expiration: new Date(Math.floor(c.Expiration.getTime() / 1000) * 1000),
    accountId: /^arn:[^:]+:sts::(\d{12}):/.exec(arn)?.[1] ?? '',
    assumedRoleArn: arn,
    assumedRoleId: reply.AssumedRoleUser?.AssumedRoleId ?? '',
  };
}
