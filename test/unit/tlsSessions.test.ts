// Kept TLS sessions (src/net/tlsSessions.ts): what is read back, and what never is.
import assert from 'node:assert/strict';
import { readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSessionFile, SESSION_MAX_AGE_MS, tlsSessions } from '../../src/net/tlsSessions.ts';
import { tempDir } from '../helpers/temp.ts';

const settle = () => new Promise((r) => setTimeout(r, 50));

test('a session file is version 1 and base64 bytes, or nothing', () => {
  assert.deepEqual(parseSessionFile('{"version":1,"session":"AQID"}'), Buffer.from([1, 2, 3]));
  for (const bad of [
    '',
    'garbage',
    'null',
    '[]',
    '{"version":2,"session":"AQID"}',
    '{"version":1,"session":3}',
    '{"version":1,"session":"not base64!"}',
    '{"version":1,"session":""}',
  ])
    assert.equal(parseSessionFile(bad), undefined, bad);
});

test('kept per endpoint and per trust; a day old, a symlink or an oversized file is not offered', async () => {
  const state = tempDir('tls-sessions-');
  const logged: string[] = [];
  const a = tlsSessions(state, 'trust A', (m) => logged.push(m));
  const b = tlsSessions(state, 'trust B', (m) => logged.push(m));
  a.save('Portal.SSO.example', 443, Buffer.from('session-bytes'));
  await settle();
  assert.deepEqual(await a.load('portal.sso.example', 443), Buffer.from('session-bytes'), 'host names are case-blind');
  assert.equal(await a.load('portal.sso.example', 8443), undefined, 'another port');
  assert.equal(await b.load('portal.sso.example', 443), undefined, 'another trust');
  const dir = join(state, 'tls');
  const [name] = readdirSync(dir);
  const file = join(dir, name!);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const old = (Date.now() - SESSION_MAX_AGE_MS - 60_000) / 1000;
  utimesSync(file, old, old);
  assert.equal(await a.load('portal.sso.example', 443), undefined, 'older than a day');
  writeFileSync(file, `{"version":1,"session":"${'A'.repeat(20_000)}"}`);
  assert.equal(await a.load('portal.sso.example', 443), undefined, 'too large to be a session');
  a.save('other.example', 443, Buffer.from('x'));
  await settle();
  const target = join(dir, readdirSync(dir).find((f) => f !== name)!);
  const link = join(state, 'elsewhere.json');
  writeFileSync(link, '{"version":1,"session":"AQID"}', { mode: 0o600 });
  rmSync(target);
  symlinkSync(link, target);
  assert.equal(await a.load('other.example', 443), undefined, 'a symlink is not followed');
  a.drop('portal.sso.example', 443);
  await settle();
  assert.ok(!readdirSync(dir).includes(name!), 'dropped');
});
