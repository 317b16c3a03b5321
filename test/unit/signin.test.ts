// console's pure URL building: partitions, the AWS_ENDPOINT_URL_SIGNIN override, destinations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  consoleDestination,
  federationUrl,
  loginUrl,
  parseSigninToken,
  signinTokenRequest,
} from '../../src/console/signin.ts';
import { ConfigError, UsageError } from '../../src/errors.ts';

test('federation endpoint per partition, and the override', () => {
  assert.equal(federationUrl('eu-west-1', {}), 'https://eu-west-1.signin.aws.amazon.com/federation');
  assert.equal(federationUrl(undefined, {}), 'https://signin.aws.amazon.com/federation');
  assert.equal(federationUrl('cn-north-1', {}), 'https://signin.amazonaws.cn/federation');
  assert.equal(federationUrl('us-gov-west-1', {}), 'https://signin.amazonaws-us-gov.com/federation');
  assert.equal(
    federationUrl('eu-west-1', { AWS_ENDPOINT_URL_SIGNIN: 'http://127.0.0.1:9/' }),
    'http://127.0.0.1:9/federation',
  );
  assert.equal(
    federationUrl('eu-west-1', {
      AWS_ENDPOINT_URL_SIGNIN: 'http://127.0.0.1:9',
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
    }),
    'https://eu-west-1.signin.aws.amazon.com/federation',
  );
  assert.throws(() => federationUrl('eu-west-1', { AWS_ENDPOINT_URL_SIGNIN: 'not a url' }), ConfigError);
  assert.throws(() => federationUrl('eu-west-1', { AWS_ENDPOINT_URL_SIGNIN: 'ftp://x' }), ConfigError);
});

test("destinations: the region's console home, a path, an https URL; nothing else", () => {
  assert.equal(
    consoleDestination('eu-west-1', undefined),
    'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1',
  );
  assert.equal(consoleDestination(undefined, undefined), 'https://console.aws.amazon.com/console/home');
  assert.equal(consoleDestination('cn-north-1', '/s3/home'), 'https://console.amazonaws.cn/s3/home');
  assert.equal(
    consoleDestination('eu-west-1', 'https://console.aws.amazon.com/ec2'),
    'https://console.aws.amazon.com/ec2',
  );
  for (const bad of ['http://console.aws.amazon.com/', 'javascript:alert(1)', 's3', ''])
    assert.throws(() => consoleDestination('eu-west-1', bad), UsageError, bad);
});

test('requests and answers', () => {
  const request = new URL(
    signinTokenRequest('https://x/federation', { accessKeyId: 'ASIA', secretAccessKey: 's+/=', sessionToken: 't&?' }),
  );
  assert.equal(request.searchParams.get('Action'), 'getSigninToken');
  assert.deepEqual(JSON.parse(request.searchParams.get('Session') ?? ''), {
    sessionId: 'ASIA',
    sessionKey: 's+/=',
    sessionToken: 't&?',
  });
  assert.equal(request.searchParams.has('SessionDuration'), false);
  const login = new URL(loginUrl('https://x/federation', 'tok+/=', 'https://c/?a=1&b=2'));
  assert.equal(login.searchParams.get('SigninToken'), 'tok+/=');
  assert.equal(login.searchParams.get('Destination'), 'https://c/?a=1&b=2');
  assert.equal(parseSigninToken('{"SigninToken":"abc"}'), 'abc');
  for (const bad of ['', '{}', '{"SigninToken":""}', '{"SigninToken":3}', '<html>'])
    assert.equal(parseSigninToken(bad), undefined, bad);
});
