// Run as a child of `ssohelper exec --server`: the AWS SDK for JavaScript v3 finds the
// credential endpoint by itself (default provider chain) and calls STS, reached through
// AWS_ENDPOINT_URL_STS. Calls again every `pause` ms until it has used `keys` different access
// keys, then prints what it saw as JSON.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const wanted = Number(process.argv[2] ?? '1');
const pauseMs = Number(process.argv[3] ?? '1000');
const client = new STSClient({ region: 'us-east-1', maxAttempts: 1 });
const keys: string[] = [];
const arns: string[] = [];
for (;;) {
  const identity = await client.send(new GetCallerIdentityCommand({}));
  const creds = await client.config.credentials();
  arns.push(identity.Arn ?? '');
  if (!keys.includes(creds.accessKeyId)) keys.push(creds.accessKeyId);
  if (keys.length >= wanted) break;
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
}
process.stdout.write(`${JSON.stringify({ keys, arns, calls: arns.length })}\n`);
