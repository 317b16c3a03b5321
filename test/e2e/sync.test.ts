import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { useEmulator } from '../helpers/fixture.ts';
import { SESSION, SSO_REGION, START_URL, seedToken } from '../helpers/home.ts';
import { addBulkAccounts, addCollidingAccounts, PROD_EU, PROD_EU_2 } from '../helpers/org.ts';
import { BIN, collect, describe, expectFailure, run } from '../helpers/run.ts';
import { tempDir } from '../helpers/temp.ts';

const SESSION_SECTION = `[sso-session ${SESSION}]\nsso_start_url = ${START_URL}\nsso_region = ${SSO_REGION}\nsso_registration_scopes = sso:account:access\n`;
// The user's own text: comments, odd spacing, a hand-written profile whose name a generated
// one would take (dev.readonly), and no blank line at the end.
const USER_TEXT = [
  '# my config: keep this comment',
  '[default]',
  'region = us-east-2',
  '',
  SESSION_SECTION,
  ';  a hand-written profile, same name as a generated one would be',
  '[profile dev.readonly]',
  'sso_session=corp',
  'sso_account_id   =   111111111111',
  'sso_role_name = ReadOnly',
  'output = json',
].join('\n');

const fx = useEmulator({ config: () => USER_TEXT });

async function sync(...args: string[]) {
  const r = await run(['sync', ...args], fx.env);
  assert.equal(r.code, 0, describe(r));
  return r;
}

function config(): string {
  return readFileSync(fx.home.configFile, 'utf8');
}

function profileNames(text: string): string[] {
  return [...text.matchAll(/^\[profile ([^\]]+)\]/gm)].map((m) => m[1] as string);
}

test('sync writes one profile per account and role in a managed block, keeps the user text byte for byte, and a second run changes nothing', async () => {
  addCollidingAccounts(fx.emu);
  try {
    await seedToken(fx.home, fx.emu.issueSession());
    const credentials = join(fx.home.dir, '.aws', 'credentials');
    writeFileSync(credentials, '[static]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n');
    const { mtimeMs, ctimeMs, ino } = statSync(credentials);
    const credentialsBefore = { mtimeMs, ctimeMs, ino, text: readFileSync(credentials, 'utf8') };
    const first = await sync('--region', 'eu-central-1');
    const text = config();
    assert.ok(text.startsWith(`${USER_TEXT}\n\n# BEGIN ssohelper sync --sso-session corp`), text);
    assert.match(text, /# END ssohelper sync --sso-session corp\n$/);
    const generated = profileNames(text).filter((n) => n !== 'dev.readonly');
    assert.deepEqual(generated, [
      'dev.administratoraccess',
      'dev.readonly-111111111111', // dev.readonly is the user's
      `prod-eu.administratoraccess`,
      `prod-eu.readonly-${PROD_EU}`, // "Prod EU" and "prod-eu" fold alike: both get their id
      `prod-eu.readonly-${PROD_EU_2}`,
      'prod.readonly',
      'sandbox.administratoraccess',
      'sandbox.poweruseraccess',
      'sandbox.readonly',
    ]);
    assert.match(
      text,
      /\[profile sandbox\.poweruseraccess\]\nsso_session = corp\nsso_account_id = 333333333333\nsso_role_name = PowerUserAccess\nregion = eu-central-1\n/,
    );
    assert.match(
      first.stderr,
      /^ssohelper: sso-session corp: 9 profiles for 5 accounts written to ~\/\.aws\/config \(9 added\)\n/,
    );
    assert.doesNotMatch(first.stderr, /\+ dev\.readonly-111111111111/, 'names only with --verbose');
    assert.match(first.stderr, /note: your own profiles dev\.readonly point at roles the managed block covers too/);

    const mtime = statSync(fx.home.configFile).mtimeMs;
    const second = await sync();
    assert.equal(config(), text, 'a second run must leave the file byte-identical');
    assert.equal(statSync(fx.home.configFile).mtimeMs, mtime, 'and not rewrite it');
    assert.match(second.stderr, /9 profiles for 5 accounts, already up to date in ~\/\.aws\/config\n/);
    const verbose = await sync('--verbose');
    assert.match(verbose.stderr, /region eu-central-1, as the session's other profiles have/);
    const after = statSync(credentials);
    assert.deepEqual(
      { mtimeMs: after.mtimeMs, ctimeMs: after.ctimeMs, ino: after.ino, text: readFileSync(credentials, 'utf8') },
      credentialsBefore,
      'the credentials file is never touched',
    );
  } finally {
    fx.emu.unassign(PROD_EU);
    fx.emu.unassign(PROD_EU_2);
  }
});

test('CRLF files stay CRLF; the mode and a symlinked config survive', async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  const dotfiles = join(fx.home.dir, 'dotfiles');
  mkdirSync(dotfiles);
  const real = join(dotfiles, 'aws-config');
  const crlf = `${USER_TEXT.replace(/\n/g, '\r\n')}\r\n`;
  writeFileSync(real, crlf);
  chmodSync(real, 0o640);
  const link = fx.home.configFile;
  await import('node:fs/promises').then((f) => f.rm(link));
  symlinkSync(real, link);
  await sync();
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is kept');
  assert.equal(readlinkSync(link), real);
  assert.equal(statSync(real).mode & 0o777, 0o640, 'the mode is kept');
  const text = readFileSync(real, 'utf8');
  assert.ok(text.startsWith(crlf), 'user text is unchanged');
  assert.doesNotMatch(text.replace(/\r\n/g, ''), /\n/, 'every line ends in CRLF');
  assert.match(text, /\r\n# BEGIN ssohelper sync --sso-session corp/);
  const once = text;
  await sync();
  assert.equal(readFileSync(real, 'utf8'), once);
});

const asRoot = process.getuid?.() === 0;
const DAEMON_GID = 1; // the group `daemon` on every Linux; this user (root) is no member of it by default, but root may chown
const NOBODY = 65534;

test('the config keeps its group as well as its mode', {
  skip: !asRoot && 'needs root to give a file another group',
}, async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  chownSync(fx.home.configFile, -1, DAEMON_GID);
  chmodSync(fx.home.configFile, 0o640);
  await sync();
  const after = statSync(fx.home.configFile);
  assert.match(config(), /# BEGIN ssohelper sync/);
  assert.equal(after.gid, DAEMON_GID, 'the group is kept');
  assert.equal(after.mode & 0o777, 0o640, 'the mode is kept');
});

test("a user who cannot give the new file the config's group is refused, and the config is untouched", {
  skip: !asRoot && 'needs root to run as another user',
}, async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  chownSync(fx.home.configFile, NOBODY, DAEMON_GID);
  chmodSync(fx.home.configFile, 0o640);
  const owned = (dir: string): void => {
    chownSync(dir, NOBODY, NOBODY);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) owned(path);
      else if (path !== fx.home.configFile) chownSync(path, NOBODY, NOBODY);
    }
  };
  owned(fx.home.dir);
  const before = readFileSync(fx.home.configFile, 'utf8');
  const r = await collect(
    spawn(BIN, ['sync'], { env: fx.env, uid: NOBODY, gid: NOBODY, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  expectFailure(
    r,
    3,
    /cannot keep the group \(gid 1\) of .*config: permission denied; refusing to rewrite it with another group/,
  );
  assert.equal(readFileSync(fx.home.configFile, 'utf8'), before);
  assert.equal(statSync(fx.home.configFile).gid, DAEMON_GID);
  assert.deepEqual(
    readdirSync(join(fx.home.dir, '.aws')).filter((n) => n.endsWith('.tmp')),
    [],
    'no temp file left',
  );
});

test('a dangling config symlink (a dotfiles manager before its first sync) stays a link, and its target is created', async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  const real = join(fx.home.dir, 'dotfiles', 'aws', 'config');
  mkdirSync(dirname(real), { recursive: true, mode: 0o700 });
  rmSync(fx.home.configFile);
  symlinkSync('../dotfiles/aws/config', fx.home.configFile);
  const r = await run(['init', '--start-url', START_URL, '--sso-region', SSO_REGION], fx.env);
  assert.equal(r.code, 0, describe(r));
  assert.ok(lstatSync(fx.home.configFile).isSymbolicLink(), 'the link is kept');
  assert.equal(readlinkSync(fx.home.configFile), '../dotfiles/aws/config');
  assert.ok(lstatSync(real).isFile());
  assert.equal(statSync(real).mode & 0o777, 0o600);
  assert.match(
    readFileSync(real, 'utf8'),
    /^\[sso-session corp\]\nsso_start_url = https:\/\/corp\.awsapps\.com\/start\n[\s\S]*# BEGIN ssohelper sync --sso-session corp/,
  );
});

test('a dangling config symlink into a directory others can write to is refused, and nothing is created', async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  const shared = tempDir('ssohelper-shared-');
  chmodSync(shared, 0o1777);
  const real = join(shared, 'config');
  rmSync(fx.home.configFile);
  symlinkSync(real, fx.home.configFile);
  const r = await run(['init', '--start-url', START_URL, '--sso-region', SSO_REGION], fx.env);
  expectFailure(r, 3, /is writable by everyone/);
  assert.ok(lstatSync(fx.home.configFile).isSymbolicLink(), 'the link is kept');
  assert.ok(!existsSync(real), 'nothing written there');
  assert.deepEqual(readdirSync(shared), []);
});

test('without --prune a profile for a role that is gone is kept and reported stale; --prune removes it; --dry-run prints the diff and writes nothing', async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  await sync();
  const full = config();
  assert.ok(profileNames(full).includes('sandbox.poweruseraccess'));
  fx.emu.setKnobs({ hiddenAccounts: ['333333333333'] });

  const kept = await sync();
  assert.equal(config(), full, 'stale profiles are kept without --prune');
  assert.match(
    kept.stderr,
    /\n {2}! 3 profiles for roles no longer assigned: --prune removes them, --verbose names them\n/,
  );
  assert.doesNotMatch(kept.stderr, /sandbox\.poweruseraccess/);
  const named = await sync('--verbose');
  assert.match(
    named.stderr,
    /! sandbox\.poweruseraccess is stale: PowerUserAccess in 333333333333 is no longer assigned \(--prune removes it\)/,
  );

  const dry = await sync('--prune', '--dry-run');
  assert.equal(config(), full, '--dry-run writes nothing');
  assert.ok(
    dry.stdout.startsWith(`--- ${fx.home.configFile}\n+++ ${fx.home.configFile} (after sync)\n@@ `),
    dry.stdout,
  );
  assert.match(dry.stdout, /^-\[profile sandbox\.poweruseraccess\]$/m);
  assert.doesNotMatch(dry.stdout, /^\+(?!\+\+ )/m, 'pruning only removes lines');
  assert.match(dry.stderr, /dry run, 3 profiles for 2 accounts \(3 pruned\): nothing written; the diff is on stdout\n/);

  await sync('--prune');
  const pruned = config();
  assert.deepEqual(
    profileNames(pruned).filter((n) => n.startsWith('sandbox')),
    [],
  );
  assert.ok(pruned.startsWith(USER_TEXT));
  const none = await sync('--prune', '--dry-run');
  assert.equal(none.stdout, '', 'nothing left to change');
});

test('a config that does not parse is refused with its line number and nothing is written', async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  const broken = `${USER_TEXT}\n[profile dev.readonly]\nregion = x\n`;
  writeFileSync(fx.home.configFile, broken);
  const r = await run(['sync'], fx.env);
  expectFailure(r, 3, /config, line 16: section \[profile dev\.readonly\] appears twice/);
  assert.equal(config(), broken);
});

test('a broken managed block (marker deleted) is refused, nothing is written', async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  await sync();
  const cut = config().replace(/# END ssohelper sync --sso-session corp\n/, '');
  writeFileSync(fx.home.configFile, cut);
  expectFailure(await run(['sync'], fx.env), 3, /line 17: the managed block of sso-session corp has no END marker/);
  assert.equal(config(), cut);
});

test('the name template: placeholders, folding, and an unknown placeholder is a usage error', async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  await sync('--name', '{sso_session}/{account_id} {role_name}');
  assert.ok(profileNames(config()).includes('corp-222222222222-readonly'), config());
  expectFailure(await run(['sync', '--name', '{account}-{role_name}'], fx.env), 2, /unknown placeholder \{account\}/);
});

test('one sso-session is the default; with several the message lists them', async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  writeFileSync(
    fx.home.configFile,
    `${SESSION_SECTION}\n[sso-session other]\nsso_start_url = https://other.awsapps.com/start\nsso_region = us-east-1\n`,
  );
  const r = await run(['sync'], fx.env);
  expectFailure(
    r,
    2,
    /has 2 sso-sessions \(corp, other\); say which one\n {2}for example: ssohelper sync --sso-session corp\n$/,
  );
  await sync('--sso-session', 'corp');
  assert.equal(profileNames(config()).length, 6);
});

test('125 roles at 10 listing calls a second: throttled calls are absorbed and every role is written', async (t) => {
  addBulkAccounts(fx.emu, 50, 2);
  try {
    fx.emu.setKnobs({ throttle: { 'List*': 10 }, pageSize: 100 });
    await seedToken(fx.home, fx.emu.issueSession());
    writeFileSync(fx.home.configFile, SESSION_SECTION);
    // 3 default accounts (6 roles) + 50 × 2 + ... = 106; add 19 more roles to reach 125.
    for (let i = 0; i < 19; i++) fx.emu.assign(String(600000000000 + i), 'Extra', {});
    const r = await sync();
    assert.match(r.stderr, /125 profiles for 53 accounts written to /);
    assert.equal(profileNames(config()).length, 125);
    assert.ok(fx.emu.counters.ListAccountRoles >= 53);
    t.diagnostic(
      `listing calls ${fx.emu.counters.ListAccounts + fx.emu.counters.ListAccountRoles}, throttled ${fx.emu.counters.throttled}`,
    );
  } finally {
    for (let i = 0; i < 50; i++) fx.emu.unassign(String(600000000000 + i));
  }
});

test('sync without a login says how to log in; with no config it points to init', async () => {
  const r = await run(['sync'], fx.env);
  expectFailure(r, 4, /no SSO login found for sso-session "corp"/);
  writeFileSync(fx.home.configFile, '');
  expectFailure(await run(['sync'], fx.env), 3, /ssohelper init --start-url URL --sso-region REGION/);
  assert.ok(existsSync(fx.home.configFile));
});

test('four syncs at once leave one well-formed block, as one sync would', async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  const results = await Promise.all([1, 2, 3, 4].map(() => run(['sync'], fx.env)));
  for (const r of results) assert.equal(r.code, 0, describe(r));
  const text = config();
  assert.equal(text.match(/# BEGIN ssohelper sync/g)?.length, 1);
  assert.ok(text.startsWith(USER_TEXT));
  assert.equal(
    results.filter((r) => / written to /.test(r.stderr)).length,
    1,
    'one wrote, the others found it up to date',
  );
  await sync();
  assert.equal(config(), text);
});

test('a config that belongs to another user is not rewritten', {
  skip: process.getuid?.() !== 0 && 'needs root to give the file away',
}, async () => {
  await seedToken(fx.home, fx.emu.issueSession());
  const { chownSync } = await import('node:fs');
  chownSync(fx.home.configFile, 4242, 4242);
  expectFailure(await run(['sync'], fx.env), 3, /belongs to another user \(uid 4242\); refusing to rewrite it/);
  assert.equal(config(), USER_TEXT);
});
