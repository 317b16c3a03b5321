// Console sessions shared with the AWS SDK for JavaScript (@aws-sdk/credential-provider-login):
// whichever of the two refreshes, the other reads the rotated file and makes no second refresh.
// botocore's LoginProvider cannot run here: it signs DPoP proofs with awscrt's EC API, which the
// botocore on this machine does not have.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe as suite, test } from 'node:test';
import { useEmulator } from '../helpers/fixture.ts';
import { consoleProfile, readConsoleSession, seedConsoleSession } from '../helpers/consoleSession.ts';
import { standardConfig } from '../helpers/home.ts';
import { processJson, ROOT, run } from '../helpers/run.ts';

const exec = promisify(execFile);
const NODE = process.execPath;
const fx = useEmulator({ config: () => [standardConfig(), consoleProfile()].join('\n') });

/** The JS SDK's credentials for the profile, in a process of its own with the test's environment. */
async function sdkCredentials(env: Record<string, string>): Promise<{ accessKeyId: string; accountId: string }> {
  const script = [
    "import { fromLoginCredentials } from '@aws-sdk/credential-provider-login';",
    "const c = await fromLoginCredentials({ profile: 'console' })();",
    'console.log(JSON.stringify({ accessKeyId: c.accessKeyId, accountId: c.accountId }));',
  ].join('\n');
  const { stdout } = await exec(NODE, ['--input-type=module', '-e', script], { env, cwd: ROOT });
  return JSON.parse(stdout);
}

suite('console sessions with the JS SDK', () => {
  test('the SDK reads what ssohelper refreshed, and ssohelper what the SDK refreshed, one refresh each', async () => {
    const env = { ...fx.env, AWS_ENDPOINT_URL_SIGNIN: fx.emu.url };
    const issued = fx.emu.issueConsoleSession();
    seedConsoleSession(fx.home, issued, { expiresInSeconds: 60 });
    const ours = processJson(await run(['get', 'console'], env));
    assert.equal(fx.emu.counters.CreateOAuth2Token, 1);
    const sdk = await sdkCredentials(env);
    assert.deepEqual(sdk, { accessKeyId: ours.AccessKeyId, accountId: '111111111111' });
    assert.equal(fx.emu.counters.CreateOAuth2Token, 1, 'the SDK must not refresh what ssohelper just refreshed');

    // Now the SDK refreshes (with the token ssohelper rotated in) and ssohelper reads its file.
    seedConsoleSession(fx.home, { ...issued, ...readConsoleSession(fx.home) }, { expiresInSeconds: 60 });
    const refreshedBySdk = await sdkCredentials(env);
    assert.equal(fx.emu.counters.CreateOAuth2Token, 2);
    assert.notEqual(refreshedBySdk.accessKeyId, ours.AccessKeyId);
    assert.equal(processJson(await run(['get', 'console'], env)).AccessKeyId, refreshedBySdk.accessKeyId);
    assert.equal(fx.emu.counters.CreateOAuth2Token, 2, 'ssohelper must not refresh what the SDK just refreshed');
    assert.equal(fx.emu.counters['CreateOAuth2Token:badProof'] ?? 0, 0);
  });
});
