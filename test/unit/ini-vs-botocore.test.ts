// Differential test: our config loading (bytes → INI → profiles, sso-sessions, services, with
// the credentials file merged in) against botocore 1.43's Session.full_config on the same
// files: hand-picked cases where the two used to differ, then a few hundred generated files,
// all judged in one Python process. Either both read a file the same way, or both refuse it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { parseIni } from '../../src/config/ini.ts';
import { awsPaths } from '../../src/config/files.ts';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';
import { iniText, SEED } from '../helpers/iniArbitrary.ts';
import { tempDir } from '../helpers/temp.ts';

const dir = tempDir('ini-vs-botocore-');
after(() => rmSync(dir, { recursive: true, force: true }));

interface Case {
  config: string | Buffer;
  credentials?: string | Buffer;
}

const SAMPLES: Case[] = [
  { config: '[default]\nregion = us-east-1\n' },
  {
    config:
      '[profile dev]\nsso_session = corp\nSSO_Account_ID=111111111111\nsso_role_name :  Admin  \n\n[sso-session corp]\nsso_start_url = https://x/start # keep\n',
  },
  { config: '[services s]\nsso =\n  endpoint_url = http://127.0.0.1:1\n  other = 2\n[profile p]\nservices = s\n' },
  { config: '# top comment\n; another\n[a]\nk = first\n  second\n\n  third\nj = v\n' },
  { config: '[profile "quoted name"]\nk = v\n[a]\r\nx = y\r\n' },
  { config: '[a] trailing\nk = = v\n' },
  // defect 6: the later of [profile default] and [default] wins, in either order
  { config: '[profile default]\nregion = explicit\n[default]\nregion = plain\n' },
  { config: '[default]\nregion = plain\n[profile default]\nregion = explicit\n' },
  // defect 14: byte order mark, invalid UTF-8, [DEFAULT] inheritance
  { config: '\ufeff[default]\nregion = us-east-1\n' },
  {
    config: Buffer.concat([
      Buffer.from('[default]\nsso_role_name = Admin'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('\n'),
    ]),
  },
  {
    config:
      '[DEFAULT]\nregion = r1\ns3 =\n  a = b\n[profile a]\nx = 1\n[DEFAULT]\nother = 2\n[profile b]\nregion = own\n[sso-session corp]\nsso_region = eu-west-1\n',
  },
  { config: '[DEFAULT]\nregion = r1\n', credentials: '[DEFAULT]\naws_access_key_id = AKIA\n[dev]\nx = 1\n' },
  { config: '[DEFAULT]\nk = 1\n[DEFAULT]\nk = 2\n' },
  // section prefixes are matched with startswith; names are shlex words
  {
    config:
      '[profiles x]\nk = 1\n[sso-sessions y]\nk = 2\n[servicesz z]\nk = 3\n[profile]\nk = 4\n[profile a b c]\nk = 5\n',
  },
  { config: '[profile a\\]\nk = 1\n[profile "a\\"b"]\nk = 2\n[profile a\xa0b]\nk = 3\n[profile\tc]\nk = 4\n' },
  // Python's white space is not JavaScript's
  { config: '[a]\nk = v\x1c\n\x1c\nj =\x1fw\xa0\nz = \ufeffq\n' },
  { config: '[s]\nn =\n  a = 1\x0bb = 2\n  c = 3\u2028d = 4\n' },
  { config: '\x1c\n[a]\nk = v\n' },
  // defect 15: an unterminated header
  { config: '[default\nregion = us-east-1\n' },
  { config: '[a]\n[b\nk = v\n' },
  { config: '[a]\n[b = c\n' },
  // the credentials file: bare names, merged key by key over the config's profile
  {
    config: '[profile dev]\nregion = a\nsso_role_name = R\n',
    credentials: '[dev]\nregion = b\n[profile dev]\nk = v\n',
  },
];

const BOTOCORE = `
import json, sys
import botocore.session
from botocore.exceptions import ConfigParseError
out = []
s = botocore.session.Session()
for case in json.load(sys.stdin):
    s.set_config_variable('config_file', case['config'])
    s.set_config_variable('credentials_file', case['credentials'])
    s._config = None  # full_config caches what it read; read each case afresh
    try:
        c = s.full_config
        out.append({'profiles': c['profiles'], 'ssoSessions': c.get('sso_sessions', {}), 'services': c.get('services', {})})
    except ConfigParseError as e:
        out.append({'error': str(e)})
print(json.dumps(out))
`;

type Outcome = { error: string } | { profiles: unknown; ssoSessions: unknown; services: unknown };

function botocore(paths: Array<{ config: string; credentials: string }>): Outcome[] {
  const text = execFileSync('python3', ['-c', BOTOCORE], {
    input: JSON.stringify(paths),
    encoding: 'utf8',
    // botocore reads with the locale's encoding: make it UTF-8, as on any current system.
    env: { ...process.env, PYTHONUTF8: '1', LANG: 'C.UTF-8' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(text) as Outcome[];
}

function plain(sections: Map<string, Map<string, unknown>>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, section] of sections) {
    out[name] = {};
    for (const [k, v] of section)
      out[name][k] = typeof v === 'string' ? v : Object.fromEntries(v as Map<string, string>);
  }
  return out;
}

async function ours(paths: { config: string; credentials: string }): Promise<Outcome> {
  try {
    const c = await loadConfig({
      ...awsPaths({ HOME: dir }),
      configFile: paths.config,
      credentialsFile: paths.credentials,
    });
    return { profiles: plain(c.profiles), ssoSessions: plain(c.ssoSessions), services: plain(c.services) };
  } catch (err) {
    if (err instanceof ConfigError) return { error: err.message };
    throw err;
  }
}

function write(cases: Case[], prefix: string): Array<{ config: string; credentials: string }> {
  return cases.map((c, i) => {
    const config = join(dir, `${prefix}${i}.config`);
    const credentials = join(dir, `${prefix}${i}.credentials`);
    writeFileSync(config, c.config);
    writeFileSync(credentials, c.credentials ?? '');
    return { config, credentials };
  });
}

async function compare(cases: Case[], prefix: string): Promise<void> {
  const paths = write(cases, prefix);
  const theirs = botocore(paths);
  for (let i = 0; i < cases.length; i++) {
    const a = await ours(paths[i] as { config: string; credentials: string });
    const b = theirs[i] as Outcome;
    const what = `case ${prefix}${i}: ${JSON.stringify(String(cases[i]?.config))} / credentials ${JSON.stringify(String(cases[i]?.credentials ?? ''))}`;
    if ('error' in b)
      assert.ok('error' in a, `botocore refuses (${b.error}) but we read: ${JSON.stringify(a)}\n${what}`);
    else {
      assert.ok(
        !('error' in a),
        `we refuse (${'error' in a ? a.error : ''}) but botocore reads: ${JSON.stringify(b)}\n${what}`,
      );
      assert.deepEqual(a, b, what);
    }
  }
}

test('hand-picked files: read as botocore reads them, or refused as botocore refuses them', async () => {
  await compare(SAMPLES, 's');
});

test('generated files (seeded, reproducible with FC_SEED): the same outcome as botocore', async () => {
  const cases = fc
    .sample(fc.tuple(iniText, fc.option(iniText, { freq: 3 })), { seed: SEED, numRuns: 400 })
    .map(([config, credentials]) => ({ config, credentials: credentials ?? '' }));
  await compare(cases, 'g');
  // The generator must produce both outcomes often, or the comparison proves little.
  const parsed = cases.filter((c) => {
    try {
      parseIni(c.config);
      return true;
    } catch {
      return false;
    }
  }).length;
  assert.ok(parsed > 100 && parsed < 380, `only ${parsed} of ${cases.length} generated files parse`);
});

test('errors name the file and line, on one line', async () => {
  const [path] = write([{ config: '[default\nregion = us-east-1\n' }], 'e');
  const outcome = await ours(path as { config: string; credentials: string });
  assert.ok('error' in outcome);
  assert.match(outcome.error, /e0\.config, line 1: section header "\[default" has no closing "\]"/);
});
