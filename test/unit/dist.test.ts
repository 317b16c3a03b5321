// The pure parts of the release build: the integrity check of base runtimes, SHA256SUMS, and
// filling the packaging templates. The release files themselves are checked in test/dist/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fillTemplate, integrityOf, NODE_VERSION, sha256sums, TARGETS, templateValues } from '../../scripts/dist.ts';
import { archiveName } from '../../scripts/lib/archive.ts';
import { ROOT } from '../helpers/run.ts';
import { tempDir } from '../helpers/temp.ts';

const dir = tempDir('ssohelper-dist-unit-');
after(() => rmSync(dir, { recursive: true, force: true }));

describe('release build helpers', () => {
  test('five targets, each pinned by a sha512 integrity, one Node version', () => {
    assert.deepEqual(
      TARGETS.map((t) => t.file),
      [
        'ssohelper-linux-x64',
        'ssohelper-linux-arm64',
        'ssohelper-darwin-x64',
        'ssohelper-darwin-arm64',
        'ssohelper-win-x64.exe',
      ],
    );
    for (const t of TARGETS) assert.match(t.integrity, /^sha512-[A-Za-z0-9+/]{86}==$/, t.pkg);
    assert.match(NODE_VERSION, /^\d+\.\d+\.\d+$/);
  });

  test("integrityOf is npm's SRI string (checked against openssl)", () => {
    const file = join(dir, 'blob');
    writeFileSync(file, 'not a real tarball\n');
    const openssl = spawnSync('sh', ['-c', `openssl dgst -sha512 -binary ${file} | base64 -w0`], { encoding: 'utf8' });
    assert.equal(integrityOf(readFileSync(file)), `sha512-${openssl.stdout}`);
  });

  test('SHA256SUMS is what sha256sum -c reads', () => {
    const files = ['a', 'b c'].map((n) => {
      writeFileSync(join(dir, n), `content of ${n}\n`);
      return join(dir, n);
    });
    writeFileSync(join(dir, 'SHA256SUMS'), sha256sums(files));
    const r = spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'a: OK\nb c: OK\n');
  });

  test('the packaging templates are filled completely from SHA256SUMS of the archives, and an unknown placeholder is an error', () => {
    const sums = TARGETS.map((t, i) => `${String(i).repeat(64)}  ${archiveName('1.2.3', t.archive)}\n`).join('');
    const values = templateValues(
      `${sums}${'f'.repeat(64)}  ssohelper-1.2.3.tgz\n`,
      '1.2.3',
      'https://example.test/v@VERSION@',
    );
    assert.equal(values.URL_BASE, 'https://example.test/v1.2.3');
    assert.equal(values.ARCHIVE_DARWIN_ARM64, 'ssohelper-1.2.3-darwin-arm64.tar.xz');
    assert.equal(values.SHA256_LINUX_ARM64, '1'.repeat(64));
    for (const name of ['ssohelper.rb.in', 'ssohelper.json.in']) {
      const filled = fillTemplate(readFileSync(join(ROOT, 'packaging', name), 'utf8'), values);
      assert.doesNotMatch(filled, /@[A-Z0-9_]+@/, name);
    }
    const formula = fillTemplate(readFileSync(join(ROOT, 'packaging', 'ssohelper.rb.in'), 'utf8'), values);
    assert.match(
      formula,
      /url "https:\/\/example\.test\/v1\.2\.3\/ssohelper-1\.2\.3-linux-x64\.tar\.xz"\n\s+sha256 "0{64}"/,
    );
    const manifest = JSON.parse(
      fillTemplate(readFileSync(join(ROOT, 'packaging', 'ssohelper.json.in'), 'utf8'), values),
    );
    assert.equal(manifest.architecture['64bit'].hash, '4'.repeat(64));
    assert.equal(manifest.architecture['64bit'].url, 'https://example.test/v1.2.3/ssohelper-1.2.3-windows-x64.zip');
    assert.equal(manifest.architecture['64bit'].extract_dir, 'ssohelper-1.2.3-windows-x64');
    assert.throws(() => fillTemplate('x @NOPE@', values), /@NOPE@ has no value/);
    // A release without some archive leaves its placeholders empty, which filling refuses.
    assert.throws(
      () =>
        fillTemplate(
          readFileSync(join(ROOT, 'packaging', 'ssohelper.rb.in'), 'utf8'),
          templateValues('', '1.2.3', 'u'),
        ),
      /has no value/,
    );
  });
});
