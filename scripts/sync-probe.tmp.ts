import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { Emulator } from '../test/emulator/server.ts';
import { FIXTURE, writeConfig, writeSsoToken } from './fixture.ts';
const accounts = Number(process.argv[2] ?? 1124);
const limit = 20;
const shape = (process.argv[3] ?? 'bucket') as 'bucket';
const emu = await Emulator.start();
for (let i = 0; i < accounts; i++) emu.assign(String(100000000000 + i), 'ReadOnly', { accountName: `account-${i}` });
const home = mkdtempSync('/tmp/sb/h');
writeConfig(home);
await writeSsoToken(home, emu.issueSession({ ttlSeconds: 8 * 3600 }));
emu.setKnobs({ throttle: { 'List*': limit }, throttleShape: shape, pageSize: 20 });
emu.resetCounters();
const t0 = performance.now();
const marks: number[] = [];
const origin = Date.now();
const child = spawn(
  join(import.meta.dirname, '../dist/ssohelper'),
  ['sync', '--sso-session', FIXTURE.session, '--dry-run', '--debug'],
  {
    env: { HOME: home, PATH: '/usr/bin:/bin', AWS_ENDPOINT_URL_SSO: emu.url, AWS_ENDPOINT_URL_SSO_OIDC: emu.url },
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
let err = '';
child.stderr.on('data', (d) => (err += d));
const timer = setInterval(
  () => marks.push((emu.counters.ListAccounts ?? 0) + (emu.counters.ListAccountRoles ?? 0)),
  5000,
);
const code = await new Promise((r) => child.on('close', r));
clearInterval(timer);
const s = (performance.now() - t0) / 1000;
const thr = emu.counters.throttled ?? 0;
const calls = (emu.counters.ListAccounts ?? 0) + (emu.counters.ListAccountRoles ?? 0) - thr;
console.log({
  code,
  s: s.toFixed(1),
  calls,
  thr,
  ratio: (s / (calls / limit)).toFixed(3),
  perFive: marks.map((m, i) => m - (marks[i - 1] ?? 0)),
});
console.log(
  err
    .split('\n')
    .filter((l) => /pacer|throttl|listed|retry/i.test(l))
    .slice(0, 30)
    .join('\n'),
);
await emu.stop();
void origin;
