// The long-job guarantees of `exec --server`, heavy enough to run alone: a job outliving its
// role session gets new credentials, and twenty jobs starting on a cold cache make one request.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe as suite, test } from 'node:test';
import { useEmulator } from '../helpers/fixture.ts';
import { seedToken } from '../helpers/home.ts';
import { describe, ROOT, run } from '../helpers/run.ts';

const fx = useEmulator({ assign: [['111111111111', 'ReadOnly']] });
const NODE = process.execPath;
const CHILDREN = join(ROOT, 'test', 'helpers', 'children');

suite('exec --server over time and under load', () => {
  test('with 20-second role sessions, a job spanning two of them gets new credentials and STS accepts both', async () => {
    await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
    fx.emu.setKnobs({ credentialTtlSeconds: 20 });
    // The SDK asks again on every call (they expire within its 5-minute window); ssohelper
    // serves the cached ones while 5 s remain, then fetches the next session.
    const r = await run(
      ['exec', 'dev', '--server', '--min-ttl', '5s', '--', NODE, join(CHILDREN, 'jsSdkIdentity.ts'), '2', '1000'],
      fx.env,
    );
    assert.equal(r.code, 0, describe(r));
    const seen = JSON.parse(r.stdout) as { keys: string[]; arns: string[] };
    assert.equal(seen.keys.length, 2);
    assert.ok(
      seen.arns.every((a) => /AWSReservedSSO_ReadOnly_/.test(a)),
      'every STS call succeeded',
    );
    assert.equal(fx.emu.counters.GetRoleCredentials, 2);
    assert.equal(fx.emu.counters['status:403'] ?? 0, 0, 'STS never saw expired credentials');
  });

  test('twenty concurrent `exec --server` jobs on a cold cache make one GetRoleCredentials', async () => {
    await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
    // Slow enough that all twenty are waiting on the lock while the first one fetches.
    fx.emu.setKnobs({ latencyMs: 300 });
    const jobs = Array.from({ length: 20 }, () =>
      run(['exec', 'dev', '--server', '--', NODE, join(CHILDREN, 'endpointCreds.ts')], fx.env),
    );
    const results = await Promise.all(jobs);
    const keys = new Set<string>();
    for (const r of results) {
      assert.equal(r.code, 0, describe(r));
      const answer = JSON.parse(r.stdout) as { status: number; key: string };
      assert.equal(answer.status, 200);
      keys.add(answer.key);
    }
    assert.equal(keys.size, 1, 'all twenty jobs got the same credentials');
    assert.equal(fx.emu.counters.GetRoleCredentials, 1);
  });
});
