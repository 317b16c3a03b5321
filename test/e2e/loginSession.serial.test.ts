// The reason console sessions go through our lock: their refresh token rotates, so two refreshes
// at once lose the session. 24 cold calls of the built executable make one refresh, and all of
// them hand out the keys it got.
import assert from 'node:assert/strict';
import { describe as suite, test } from 'node:test';
import { useEmulator } from '../helpers/fixture.ts';
import { consoleProfile, readConsoleSession, seedConsoleSession } from '../helpers/consoleSession.ts';
import { standardConfig } from '../helpers/home.ts';
import { processJson, run } from '../helpers/run.ts';

const fx = useEmulator({ config: () => [standardConfig(), consoleProfile()].join('\n') });

suite('console session refresh under load', () => {
  test('24 parallel cold calls: one CreateOAuth2Token, one set of keys, the session still refreshable', async () => {
    const env = { ...fx.env, AWS_ENDPOINT_URL_SIGNIN: fx.emu.url };
    seedConsoleSession(fx.home, fx.emu.issueConsoleSession(), { expiresInSeconds: 60 });
    const results = await Promise.all(Array.from({ length: 24 }, () => run(['get', 'console'], env)));
    const keys = new Set(results.map((r) => processJson(r).AccessKeyId));
    assert.equal(fx.emu.counters.CreateOAuth2Token, 1);
    assert.equal(keys.size, 1);
    assert.equal(readConsoleSession(fx.home).accessToken.accessKeyId, [...keys][0]);
    // The token on disk is the live one: forcing another refresh works.
    processJson(await run(['get', 'console', '--refresh'], env));
    assert.equal(fx.emu.counters.CreateOAuth2Token, 2);
    assert.equal(fx.emu.counters['CreateOAuth2Token:spent'] ?? 0, 0);
  });
});
