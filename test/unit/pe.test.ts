// The PE edits around postject: removing the base runtime's Authenticode table and fixing the
// checksum. The checksum is compared with a Python rendering of the same published algorithm;
// the release executable itself is checked with osslsigncode in test/dist/release.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { PeError, peChecksum, peInfo, stripSignature, withChecksum } from '../../scripts/lib/pe.ts';

/** MZ stub, PE header for x86-64, a PE32+ optional header with 16 data directories, a body. */
function pe(certificate?: Buffer): Buffer {
  const body = Buffer.alloc(0x400 + 999, 0x5a);
  body.write('MZ', 0, 'latin1');
  body.writeUInt32LE(0x80, 0x3c);
  body.write('PE\0\0', 0x80, 'latin1');
  body.writeUInt16LE(0x8664, 0x84);
  body.writeUInt16LE(240, 0x80 + 20);
  body.writeUInt16LE(0x20b, 0x98);
  body.fill(0, 0x98 + 64, 0x98 + 68);
  body.fill(0, 0x98 + 112, 0x98 + 112 + 16 * 8);
  if (!certificate) return body;
  body.writeUInt32LE(body.length, 0x98 + 112 + 4 * 8);
  body.writeUInt32LE(certificate.length, 0x98 + 112 + 4 * 8 + 4);
  return Buffer.concat([body, certificate]);
}

function pythonChecksum(bytes: Buffer): number {
  const code = `
import sys, struct
data = sys.stdin.buffer.read()
field = struct.unpack_from('<I', data, 0x3c)[0] + 24 + 64
total = 0
if len(data) % 2: data += bytes(1)
for i in range(0, len(data), 2):
    if i in (field, field + 2): continue
    total += data[i] | (data[i + 1] << 8)
    total = (total & 0xffff) + (total >> 16)
total = (total & 0xffff) + (total >> 16)
print(total + int(sys.argv[1]))
`;
  const r = spawnSync('python3', ['-c', code, String(bytes.length)], { input: bytes, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

describe('PE edits', () => {
  test('reads machine, format and the certificate table', () => {
    const info = peInfo(pe(Buffer.alloc(24, 1)));
    assert.deepEqual(
      { machine: info.machine, magic: info.magic, size: info.security.size },
      { machine: 0x8664, magic: 0x20b, size: 24 },
    );
    assert.throws(() => peInfo(Buffer.alloc(100)), PeError);
  });

  test('stripSignature drops the table, clears its directory entry and fixes the checksum', () => {
    const unsigned = pe();
    const stripped = stripSignature(pe(Buffer.alloc(40, 7)));
    assert.equal(stripped.length, unsigned.length);
    assert.deepEqual(peInfo(stripped).security, { offset: 0, size: 0 });
    assert.equal(peInfo(stripped).checksum, peChecksum(stripped));
    assert.ok(stripSignature(unsigned).equals(unsigned), 'an unsigned file is left alone');
    const misplaced = Buffer.concat([pe(Buffer.alloc(8)), Buffer.alloc(4)]);
    assert.throws(() => stripSignature(misplaced), /not at the end/);
  });

  test('the checksum agrees with an independent implementation, for even and odd lengths', () => {
    for (const extra of [0, 1, 4097]) {
      const file = withChecksum(Buffer.concat([pe(), Buffer.alloc(extra, 0xee)]));
      assert.equal(peInfo(file).checksum, pythonChecksum(file), `extra ${extra}`);
    }
  });
});
