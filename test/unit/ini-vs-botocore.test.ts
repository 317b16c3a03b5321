// Differential test: our INI parser against botocore's own loader on the same files.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseIni } from '../../src/config/ini.ts';

const SAMPLES = [
  '[default]\nregion = us-east-1\n',
  '[profile dev]\nsso_session = corp\nSSO_Account_ID=111111111111\nsso_role_name :  Admin  \n\n[sso-session corp]\nsso_start_url = https://x/start # keep\n',
  '[services s]\nsso =\n  endpoint_url = http://127.0.0.1:1\n  other = 2\n[profile p]\nservices = s\n',
  '# top comment\n; another\n[a]\nk = first\n  second\n\n  third\nj = v\n',
  '[profile "quoted name"]\nk = v\n[a]\r\nx = y\r\n',
  '[a] trailing\nk = = v\n',
];

function botocoreParse(path: string): unknown {
  const script = [
    'import json, sys',
    'from botocore.configloader import raw_config_parse',
    'print(json.dumps(raw_config_parse(sys.argv[1], parse_subsections=True)))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }));
}

function ours(text: string): unknown {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, section] of parseIni(text)) {
    out[name] = {};
    for (const [k, v] of section) out[name][k] = typeof v === 'string' ? v : Object.fromEntries(v);
  }
  return out;
}

test('parses every sample exactly as botocore does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ini-'));
  SAMPLES.forEach((text, i) => {
    const path = join(dir, `c${i}`);
    writeFileSync(path, text);
    assert.deepEqual(ours(text), botocoreParse(path), `sample ${i}: ${JSON.stringify(text)}`);
  });
});
