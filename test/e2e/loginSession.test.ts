// Console sessions (`login_session`, from `aws login`) through the built executable against the
// emulator's sign-in token endpoint: answered from the SDKs' cache file while the keys last,
// refreshed with a DPoP proof within five minutes of their end, the file rewritten in place.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { describe as suite, test } from 'node:test';
import { useEmulator } from '../helpers/fixture.ts';
import { consoleProfile, readConsoleSession, seedConsoleSession } from '../helpers/consoleSession.ts';
import { standardConfig } from '../helpers/home.ts';
import { expectFailure, processJson, run } from '../helpers/run.ts';
import { callerIdentity } from '../helpers/sts.ts';

const fx = useEmulator({ config: () => [standardConfig(), consoleProfile(), consoleProfile('no-region').replace('region = eu-west-1\n', '')].join('\n') });
const env = () => ({ ...fx.env, AWS_ENDPOINT_URL_SIGNIN: fx.emu.url });

suite('console sessions (login_session)', () => {
  test('keys with more than five minutes left come from the cache file alone', async () => {
    const issued = fx.emu.issueConsoleSession();
    const path = seedConsoleSession(fx.home, issued, { expiresInSeconds: 600 });
    const before = statSync(path).mtimeMs;
    const doc = processJson(await run(['get', 'console'], env()));
    assert.equal(doc.AccessKeyId, issued.accessToken.accessKeyId);
    assert.equal(doc.SessionToken, issued.accessToken.sessionToken);
    assert.equal(fx.emu.counters.CreateOAuth2Token ?? 0, 0);
    assert.equal(statSync(path).mtimeMs, before);
  });

  test('within five minutes of expiresAt: one refresh, the file rewritten with the rotated token and every other field kept', async () => {
    const issued = fx.emu.issueConsoleSession();
    const path = seedConsoleSession(fx.home, issued, { expiresInSeconds: 120, extra: { futureField: { kept: true } } });
    const doc = processJson(await run(['get', 'console'], env()));
    assert.equal(fx.emu.counters.CreateOAuth2Token, 1);
    assert.notEqual(doc.AccessKeyId, issued.accessToken.accessKeyId);
    const identity = await callerIdentity(fx.emu.url, doc);
    assert.equal(identity.Arn, 'arn:aws:iam::111111111111:user/alice');
    const file = readConsoleSession(fx.home);
    assert.equal(file.accessToken.accessKeyId, doc.AccessKeyId);
    assert.equal(file.accessToken.accountId, '111111111111');
    assert.notEqual(file.refreshToken, issued.refreshToken);
    assert.deepEqual([file.clientId, file.dpopKey, file.idToken, file.tokenType], [issued.clientId, issued.dpopKey, issued.idToken, issued.tokenType]);
    assert.deepEqual(file.futureField, { kept: true });
    assert.ok(Date.parse(file.accessToken.expiresAt) - Date.now() > 14 * 60_000);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    // The rotated token is the one that works now: a second call needs no refresh.
    assert.deepEqual(processJson(await run(['get', 'console'], env())), doc);
    assert.equal(fx.emu.counters.CreateOAuth2Token, 1);
  });

  test('an expired session, or one whose user changed password: exit 4 naming aws login', async () => {
    for (const reason of ['TOKEN_EXPIRED', 'USER_CREDENTIALS_CHANGED'] as const) {
      const issued = fx.emu.issueConsoleSession();
      seedConsoleSession(fx.home, issued, { expiresInSeconds: 60 });
      fx.emu.endConsoleSession(issued.refreshToken, reason);
      const r = await run(['get', 'console'], env());
      expectFailure(r, 4, new RegExp(`${reason}[^]*aws login --profile console`));
    }
  });

  test('a refresh that fails otherwise while the keys still work: they are used, with a warning', async () => {
    const issued = fx.emu.issueConsoleSession();
    seedConsoleSession(fx.home, issued, { expiresInSeconds: 120 });
    fx.emu.failNext('CreateOAuth2Token', 400, 2, 'ValidationException');
    const r = await run(['get', 'console'], env());
    assert.equal(processJson(r).AccessKeyId, issued.accessToken.accessKeyId);
    assert.match(r.stderr, /warning: could not refresh the console session[^]*valid for/);
    // Expired keys and a failing service: the failure itself, exit 6.
    seedConsoleSession(fx.home, issued, { expiresInSeconds: -10 });
    expectFailure(await run(['get', 'console'], env()), 6, /refreshing the console session/);
  });

  test('no cache file: exit 4 naming aws login; no region and no endpoint: exit 3', async () => {
    expectFailure(await run(['get', 'console'], env()), 4, /no usable console session "arn:aws:iam::111111111111:user\/alice"[^]*aws login --profile console/);
    seedConsoleSession(fx.home, fx.emu.issueConsoleSession(), { expiresInSeconds: 60 });
    expectFailure(await run(['get', 'no-region'], fx.env), 3, /names no sign-in region[^]*add region/);
  });

  test('--refresh refreshes again with the rotated token, never the spent one', async () => {
    const issued = fx.emu.issueConsoleSession();
    seedConsoleSession(fx.home, issued, { expiresInSeconds: 60 });
    const first = processJson(await run(['get', 'console'], env()));
    const second = processJson(await run(['get', 'console', '--refresh'], env()));
    assert.notEqual(second.AccessKeyId, first.AccessKeyId);
    assert.equal(fx.emu.counters.CreateOAuth2Token, 2);
    assert.equal(fx.emu.counters['CreateOAuth2Token:spent'] ?? 0, 0);
  });
});
