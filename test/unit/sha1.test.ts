import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { sha1Hex } from '../../src/util/sha1.ts';

test('matches OpenSSL for every length across block boundaries and for non-ASCII text', () => {
  const inputs = ['', 'abc', 'corp', 'https://corp.awsapps.com/start/', 'séssion 😀 名前'];
  for (let n = 0; n < 200; n++) inputs.push(randomBytes(n).toString('base64').slice(0, n));
  for (const s of inputs)
    assert.equal(sha1Hex(s), createHash('sha1').update(s, 'utf8').digest('hex'), JSON.stringify(s));
});
