import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closest, didYouMean, editDistance } from '../../src/util/suggest.ts';

test('edit distance counts an adjacent swap once', () => {
  assert.equal(editDistance('dev', 'dve'), 1);
  assert.equal(editDistance('sync', 'sycn'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
});

test('only close names are suggested, nearest first, at most three', () => {
  assert.deepEqual(closest('p12', ['p1', 'p2', 'p7', 'prod', 'p12x']), ['p1', 'p12x', 'p2']);
  assert.deepEqual(closest('x', ['dev', 'prod']), []);
  assert.deepEqual(closest('DEV', ['dev']), ['dev'], 'a case slip is the closest of all');
  assert.equal(didYouMean('lgoin', ['login', 'logout']), 'did you mean "login"?');
  assert.equal(didYouMean('zzz', ['login']), undefined);
});
