import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appendText, lineEnding, readBlocks, renderBlock, replaceBlock } from '../../src/config/managedBlock.ts';
import { parseIni } from '../../src/config/ini.ts';
import { unifiedDiff } from '../../src/util/diff.ts';
import { configSections } from '../../src/org/listOutput.ts';
import { listAssignments, Pacer, pool } from '../../src/org/listing.ts';
import { assignNames, checkTemplate, DEFAULT_TEMPLATE, fold, renderName } from '../../src/org/naming.ts';
import { defaultRegion, planSync } from '../../src/org/plan.ts';
import { saneAssignments } from '../../src/org/sync.ts';
import { tempDir } from '../helpers/temp.ts';

const item = (accountId: string, accountName: string | undefined, roleName: string) => ({
  accountId,
  accountName,
  roleName,
  ssoSession: 'corp',
});

test('fold: lower case, outside [a-z0-9._-] becomes "-", runs shrink, no leading dash', () => {
  assert.equal(fold('Prod EU'), 'prod-eu');
  assert.equal(fold('prod-eu'), 'prod-eu');
  assert.equal(fold('  Ünïcode / Team (A) '), 'n-code-team-a');
  assert.equal(fold('-x_y.z-'), 'x_y.z');
  assert.equal(
    renderName(DEFAULT_TEMPLATE, item('111111111111', 'Dev', 'AdministratorAccess')),
    'dev.administratoraccess',
  );
  assert.equal(renderName('{account_id}-{sso_session}', item('111111111111', undefined, 'R')), '111111111111-corp');
  assert.equal(
    renderName(DEFAULT_TEMPLATE, item('111111111111', '   ', 'R')),
    '111111111111.r',
    'a blank account name falls back to the id',
  );
});

test('checkTemplate rejects unknown placeholders, stray braces and templates without placeholders', () => {
  checkTemplate('{account_name}.{role_name}');
  assert.throws(() => checkTemplate('{account}.{role_name}'), /unknown placeholder \{account\}/);
  assert.throws(() => checkTemplate('{role_name'), /unbalanced brace/);
  assert.throws(() => checkTemplate('fixed'), /gives every profile the same name/);
});

test('assignNames: names that fold alike all get the account id, in any input order; taken names are never used', () => {
  const a = item('444444444444', 'Prod EU', 'ReadOnly');
  const b = item('555555555555', 'prod-eu', 'ReadOnly');
  const c = item('111111111111', 'dev', 'ReadOnly');
  const taken = new Set(['dev.readonly']);
  const one = assignNames([a, b, c], DEFAULT_TEMPLATE, taken);
  const two = assignNames([c, b, a], DEFAULT_TEMPLATE, taken);
  const names = (r: typeof one) => new Map(r.named.map((n) => [n.item.accountId, n.name]));
  assert.deepEqual(names(one), names(two));
  assert.deepEqual(
    names(one),
    new Map([
      ['444444444444', 'prod-eu.readonly-444444444444'],
      ['555555555555', 'prod-eu.readonly-555555555555'],
      ['111111111111', 'dev.readonly-111111111111'],
    ]),
  );
  // A template without the role: roles of one account are told apart by the role.
  const r = assignNames(
    [item('111111111111', 'dev', 'A'), item('111111111111', 'dev', 'B')],
    '{account_name}',
    new Set(),
  );
  assert.deepEqual(r.named.map((n) => n.name).sort(), ['dev-111111111111-a', 'dev-111111111111-b']);
  // Every variant taken: no profile rather than someone else's.
  const blocked = assignNames(
    [c],
    DEFAULT_TEMPLATE,
    new Set(['dev.readonly', 'dev.readonly-111111111111', 'dev.readonly-111111111111-readonly']),
  );
  assert.deepEqual(blocked, { named: [], unnamed: [c] });
  assert.equal(
    assignNames([item('111111111111', 'default', 'x')], '{account_name}', new Set()).named[0]?.name,
    'default-111111111111',
    '"default" is never generated',
  );
});

test('planSync keeps a generated name while it fits, reports stale and pruned profiles, and skips taken names', () => {
  const assignments = [
    { accountId: '111111111111', accountName: 'dev', emailAddress: undefined, roles: ['ReadOnly'] },
    { accountId: '444444444444', accountName: 'prod-eu', emailAddress: undefined, roles: ['ReadOnly'] },
  ];
  const existing = [
    { name: 'prod-eu.readonly', accountId: '444444444444', roleName: 'ReadOnly', region: undefined },
    { name: 'gone.readonly', accountId: '999999999999', roleName: 'ReadOnly', region: 'eu-west-1' },
  ];
  const base = {
    session: 'corp',
    assignments,
    existing,
    taken: new Set<string>(),
    template: DEFAULT_TEMPLATE,
    region: 'us-east-1',
  };
  const kept = planSync({ ...base, prune: false });
  assert.deepEqual(
    kept.profiles.map((p) => [p.name, p.region]),
    [
      ['dev.readonly', 'us-east-1'],
      ['gone.readonly', 'eu-west-1'],
      ['prod-eu.readonly', 'us-east-1'],
    ],
  );
  assert.deepEqual(
    kept.stale.map((p) => p.name),
    ['gone.readonly'],
  );
  assert.deepEqual(
    kept.added.map((p) => p.name),
    ['dev.readonly'],
  );
  const pruned = planSync({ ...base, prune: true });
  assert.deepEqual(
    pruned.profiles.map((p) => p.name),
    ['dev.readonly', 'prod-eu.readonly'],
  );
  assert.deepEqual(
    pruned.pruned.map((p) => p.name),
    ['gone.readonly'],
  );
  // A newcomer whose name folds like an existing generated one: the existing name stays.
  const newcomer = planSync({
    ...base,
    prune: true,
    assignments: [
      ...assignments,
      { accountId: '555555555555', accountName: 'Prod EU', emailAddress: undefined, roles: ['ReadOnly'] },
    ],
  });
  assert.deepEqual(
    newcomer.profiles.map((p) => p.name),
    ['dev.readonly', 'prod-eu.readonly', 'prod-eu.readonly-555555555555'],
  );
  assert.deepEqual(newcomer.renamed, []);
  // The user now owns dev.readonly by hand.
  const taken = planSync({ ...base, prune: true, taken: new Set(['dev.readonly']) });
  assert.deepEqual(
    taken.profiles.map((p) => p.name),
    ['dev.readonly-111111111111', 'prod-eu.readonly'],
  );
});

test('defaultRegion: the one the profiles agree on, else none with the reason', () => {
  assert.equal(defaultRegion(['eu-west-1', undefined, 'eu-west-1']).region, 'eu-west-1');
  assert.deepEqual(defaultRegion([undefined]).region, undefined);
  assert.match(defaultRegion(['eu-west-1', 'us-east-1']).reason, /disagree \(eu-west-1, us-east-1\)/);
});

test('managed block: replaced in place, bytes around it kept, CRLF followed, markers checked', () => {
  const profiles = [
    { name: 'b', accountId: '111111111111', roleName: 'R', region: undefined },
    { name: 'a', accountId: '222222222222', roleName: 'R', region: 'eu-west-1' },
  ];
  const block = renderBlock('corp', profiles, '\n');
  assert.equal(
    block,
    '# BEGIN ssohelper sync --sso-session corp (generated: edits inside this block are replaced by the next sync)\n[profile a]\nsso_session = corp\nsso_account_id = 222222222222\nsso_role_name = R\nregion = eu-west-1\n\n[profile b]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = R\n# END ssohelper sync --sso-session corp\n',
  );
  const user = '[default]\r\nregion = x \r\n\r\n; note';
  const first = replaceBlock(user, 'corp', renderBlock('corp', profiles, lineEnding(user)), 'f');
  assert.ok(first.startsWith('[default]\r\nregion = x \r\n\r\n; note\r\n\r\n# BEGIN'), JSON.stringify(first));
  const withTail = `${first}[profile after]\r\nregion = y`;
  const second = replaceBlock(withTail, 'corp', renderBlock('corp', [], '\r\n'), 'f');
  assert.equal(
    second,
    '[default]\r\nregion = x \r\n\r\n; note\r\n\r\n# BEGIN ssohelper sync --sso-session corp (generated: edits inside this block are replaced by the next sync)\r\n# END ssohelper sync --sso-session corp\r\n[profile after]\r\nregion = y',
  );
  assert.deepEqual(readBlocks(first, 'f')[0]?.profiles, [profiles[1], profiles[0]]);
  parseIni(first);
  assert.equal(appendText('', 'X\n'), 'X\n');
  assert.equal(appendText('a\n\n', 'X\n'), 'a\n\nX\n');
  assert.throws(
    () => readBlocks('# END ssohelper sync --sso-session corp\n', 'f'),
    /f, line 1: an END marker for sso-session corp without its BEGIN/,
  );
  const twice = `${block}${block}`;
  assert.throws(() => readBlocks(twice, 'f'), /line 13: a second managed block for sso-session corp/);
});

test('unifiedDiff equals diff -u on the same inputs', () => {
  const dir = tempDir('diff-');
  try {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 60; round++) {
      const a = Array.from({ length: rand(30) }, () => `l${rand(6)}`);
      const b = a.flatMap((l) => (rand(5) === 0 ? [] : rand(6) === 0 ? [l, `n${rand(4)}`] : [l]));
      if (rand(3) === 0) b.unshift('head');
      const textA = a.map((l) => `${l}\n`).join('');
      const textB = b.map((l) => `${l}\n`).join('');
      writeFileSync(join(dir, 'a'), textA);
      writeFileSync(join(dir, 'b'), textB);
      let expected = '';
      try {
        execFileSync('diff', ['-u', '--label', 'A', '--label', 'B', join(dir, 'a'), join(dir, 'b')], {
          encoding: 'utf8',
        });
      } catch (err) {
        expected = (err as { stdout: string }).stdout;
      }
      const ours = unifiedDiff(textA, textB, { from: 'A', to: 'B' });
      // Both are shortest edit scripts; where several exist they may pick differently, so
      // compare what each removes and adds, and the hunk headers' totals.
      const summary = (d: string) => ({
        minus: d.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---')).length,
        plus: d.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++')).length,
        empty: d === '',
      });
      assert.deepEqual(summary(ours), summary(expected), `round ${round}\n${ours}\n---\n${expected}`);
      if (expected && !ours.includes('@@ -0,0')) assert.equal(ours.split('\n')[0], '--- A');
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('unifiedDiff of a sync-sized change (5,600 new lines, or 2,500 changed ones, past the edit limit) is what patch applies', () => {
  const dir = tempDir('diff-big-');
  try {
    const head = Array.from({ length: 40 }, (_, i) => `[profile own-${i}]\nregion = eu-west-1\n`).join('');
    const block = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => `[profile acct-${i}.${tag}]\nsso_account_id = ${100000000000 + i}\n`).join(
        '',
      );
    for (const [before, after] of [
      [head, `${head}${block(2800, 'readonly')}`],
      [`${head}${block(1250, 'readonly')}x\n`, `${head}${block(1250, 'admin')}x\n`],
    ] as const) {
      const diff = unifiedDiff(before, after, { from: 'a', to: 'b' });
      writeFileSync(join(dir, 'a'), before);
      writeFileSync(join(dir, 'd'), diff);
      execFileSync('patch', ['-s', join(dir, 'a'), join(dir, 'd')]);
      assert.equal(readFileSync(join(dir, 'a'), 'utf8'), after);
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('Pacer runs calls in slots at its rate, and a throttled call lowers the rate for the workers after it', async () => {
  let now = 0;
  const slept: number[] = [];
  const clock = {
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
  };
  const pacer = new Pacer({ callsPerSecond: 10, clock });
  const ok = () => Promise.resolve('ok');
  const isThrottle = (err: unknown) => (err as Error).message === '429';
  assert.deepEqual(
    await Promise.all([pacer.run(ok, isThrottle), pacer.run(ok, isThrottle), pacer.run(ok, isThrottle)]),
    ['ok', 'ok', 'ok'],
  );
  // The fake clock moves on as each sleeps: every call waits 100 ms after the one before it.
  assert.deepEqual(slept, [100, 100]);
  await assert.rejects(pacer.run(() => Promise.reject(new Error('429')), isThrottle));
  assert.ok(pacer.rate < 10, `${pacer.rate}`);
  const before = pacer.rate;
  await assert.rejects(pacer.run(() => Promise.reject(new Error('500')), isThrottle));
  assert.equal(pacer.rate, before, 'only a throttle slows the pacer');
});

test('pool keeps order and never runs more than asked at once; listAssignments drops role-less and duplicate accounts', async () => {
  let running = 0;
  let peak = 0;
  const out = await pool([5, 1, 3, 2, 4], 2, async (n) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setImmediate(r));
    running--;
    return n * 10;
  });
  assert.deepEqual(out, [50, 10, 30, 20, 40]);
  assert.equal(peak, 2);
  const listed = await listAssignments({
    listAccounts: async () => [
      { accountId: '2', accountName: 'b', emailAddress: undefined },
      { accountId: '1', accountName: 'a', emailAddress: undefined },
      { accountId: '2', accountName: 'b', emailAddress: undefined },
      { accountId: '3', accountName: 'c', emailAddress: undefined },
    ],
    listAccountRoles: async (id) => (id === '3' ? [] : ['Z', 'A', 'Z']),
  });
  assert.deepEqual(
    listed.map((a) => [a.accountId, a.roles]),
    [
      ['1', ['A', 'Z']],
      ['2', ['A', 'Z']],
    ],
  );
});

test('names the portal could not have meant are left out, with a warning: no INI injection through a role name', () => {
  const warned: string[] = [];
  const kept = saneAssignments(
    [
      {
        accountId: '111111111111',
        accountName: 'ok',
        emailAddress: undefined,
        roles: ['ReadOnly', 'x\n[profile evil]\ncredential_process = sh', 'Admin+Ops@Team'],
      },
      { accountId: '1234', accountName: 'short', emailAddress: undefined, roles: ['R'] },
    ],
    (w) => warned.push(w),
  );
  assert.deepEqual(
    kept.map((a) => [a.accountId, a.roles]),
    [['111111111111', ['ReadOnly', 'Admin+Ops@Team']]],
  );
  assert.equal(warned.length, 2);
  assert.match(warned[0] as string, /role name that IAM would not allow in account 111111111111/);
});

test('list --output config names profiles as sync does, unique, never a name the config has', () => {
  const assignments = [
    {
      accountId: '111111111111',
      accountName: 'Shared Services',
      emailAddress: undefined,
      roles: ['ReadOnly', 'Admin'],
    },
    // Two accounts with one name: the old naming printed two identical [profile …] headers.
    { accountId: '222222222222', accountName: 'dev', emailAddress: undefined, roles: ['ReadOnly'] },
    { accountId: '333333333333', accountName: 'dev', emailAddress: undefined, roles: ['ReadOnly'] },
  ];
  const out = configSections(
    assignments,
    { sessionName: 'corp', startUrl: 'https://x.awsapps.com/start', ssoRegion: 'eu-west-1' },
    new Set(['shared-services.readonly']),
  );
  const headers = [...out.matchAll(/^\[profile (.+)\]$/gm)].map((m) => m[1]);
  assert.deepEqual(headers, [
    'shared-services.readonly-111111111111',
    'shared-services.admin',
    'dev.readonly-222222222222',
    'dev.readonly-333333333333',
  ]);
  assert.equal(new Set(headers).size, headers.length);
  const parsed = parseIni(out);
  assert.equal(parsed.get('profile dev.readonly-333333333333')?.get('sso_account_id'), '333333333333');
  assert.equal(parsed.get('profile shared-services.admin')?.get('sso_session'), 'corp');
  // Without an sso-session (a legacy profile), the start URL and region go into each section.
  assert.match(
    configSections(
      assignments.slice(0, 1),
      { sessionName: undefined, startUrl: 'https://x.awsapps.com/start', ssoRegion: 'eu-west-1' },
      new Set(),
    ),
    /^\[profile shared-services\.readonly\]\nsso_start_url = https:\/\/x\.awsapps\.com\/start\nsso_region = eu-west-1\n/,
  );
});
