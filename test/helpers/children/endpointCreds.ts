// Run as a child of `ssohelper exec --server`: one raw request to the credential endpoint, as
// an SDK makes it, printing the status and the access key (never the secret).
const url = process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? '';
const token = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN ?? '';
const res = await fetch(url, { headers: { Authorization: token } });
const body = (await res.json()) as { AccessKeyId?: string };
process.stdout.write(`${JSON.stringify({ status: res.status, key: body.AccessKeyId })}\n`);
