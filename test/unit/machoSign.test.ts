// The ad-hoc Mach-O signer on small hand-made executables, checked by a verifier written apart
// from it (test/helpers/verify_codesign.py recomputes every page hash in Python) and by
// llvm-objdump's reading of the load commands. The same checks run on the real release
// executables and on an officially signed Node binary in test/dist/release.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { adhocSign, MachOError, PAGE_SIZE } from '../../scripts/lib/machoSign.ts';
import { ROOT } from '../helpers/run.ts';
import { tempDir } from '../helpers/temp.ts';

const dir = tempDir('macho-');
after(() => rmSync(dir, { recursive: true, force: true }));

function segment(
  name: string,
  vmaddr: number,
  vmsize: number,
  fileoff: number,
  filesize: number,
  sections: Buffer[] = [],
): Buffer {
  const cmd = Buffer.alloc(72);
  cmd.writeUInt32LE(0x19, 0);
  cmd.writeUInt32LE(72 + sections.length * 80, 4);
  cmd.write(name, 8, 'latin1');
  cmd.writeBigUInt64LE(BigInt(vmaddr), 24);
  cmd.writeBigUInt64LE(BigInt(vmsize), 32);
  cmd.writeBigUInt64LE(BigInt(fileoff), 40);
  cmd.writeBigUInt64LE(BigInt(filesize), 48);
  cmd.writeUInt32LE(5, 56);
  cmd.writeUInt32LE(5, 60);
  cmd.writeUInt32LE(sections.length, 64);
  return Buffer.concat([cmd, ...sections]);
}

function section(name: string, seg: string, addr: number, size: number, offset: number): Buffer {
  const s = Buffer.alloc(80);
  s.write(name, 0, 'latin1');
  s.write(seg, 16, 'latin1');
  s.writeBigUInt64LE(BigInt(addr), 32);
  s.writeBigUInt64LE(BigInt(size), 40);
  s.writeUInt32LE(offset, 48);
  return s;
}

/**
 * A thin arm64 MH_EXECUTE: __TEXT (one __text section at 0x1000) and a __LINKEDIT of
 * `linkeditSize` random bytes at 0x4000, unsigned, the way postject leaves a binary.
 */
function machO(linkeditSize: number, cputype = 0x0100000c): Buffer {
  const text = segment('__TEXT', 0x100000000, 0x4000, 0, 0x4000, [
    section('__text', '__TEXT', 0x100001000, 0x100, 0x1000),
  ]);
  const linkedit = segment('__LINKEDIT', 0x100004000, 0x4000, 0x4000, linkeditSize);
  const header = Buffer.alloc(32);
  header.writeUInt32LE(0xfeedfacf, 0);
  header.writeUInt32LE(cputype, 4);
  header.writeUInt32LE(2, 12); // MH_EXECUTE
  header.writeUInt32LE(2, 16);
  header.writeUInt32LE(text.length + linkedit.length, 20);
  const file = Buffer.alloc(0x4000 + linkeditSize);
  Buffer.concat([header, text, linkedit]).copy(file);
  for (let i = 0x1000; i < 0x1100; i++) file[i] = 0xc0 ^ (i & 0xff);
  for (let i = 0x4000; i < file.length; i++) file[i] = (i * 2654435761) >>> 24;
  return file;
}

interface Verdict {
  ok: boolean;
  problems: string[];
  dataoff: number;
  datasize: number;
  slots: number[];
  directories: {
    hashType: number;
    pageSize: number;
    codeSlots: number;
    identifier: string;
    flags: number;
    codeLimit: number;
    execSegFlags: number;
  }[];
}

export function verify(bytes: Buffer, name: string): Verdict {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const r = spawnSync('python3', [join(ROOT, 'test/helpers/verify_codesign.py'), path], { encoding: 'utf8' });
  assert.ok(r.stdout, `verifier printed nothing: ${r.stderr}`);
  return JSON.parse(r.stdout) as Verdict;
}

describe('adhocSign', () => {
  test('an unsigned executable gets LC_CODE_SIGNATURE and a CodeDirectory whose SHA-256 page hashes match', () => {
    const input = machO(3 * PAGE_SIZE + 123);
    const signed = adhocSign(input, 'ssohelper');
    const v = verify(signed, 'plain');
    assert.deepEqual(v.problems, []);
    assert.ok(v.ok);
    // Signature after the 16-byte-aligned end of the old __LINKEDIT, and at the end of the file.
    assert.equal(v.dataoff, Math.ceil(input.length / 16) * 16);
    assert.equal(v.dataoff + v.datasize, signed.length);
    assert.deepEqual(v.slots, [0, 2, 0x10000]);
    const [cd] = v.directories;
    assert.deepEqual(
      {
        hashType: cd!.hashType,
        pageSize: cd!.pageSize,
        identifier: cd!.identifier,
        flags: cd!.flags,
        execSegFlags: cd!.execSegFlags,
      },
      { hashType: 2, pageSize: 4096, identifier: 'ssohelper', flags: 2, execSegFlags: 1 },
    );
    assert.equal(cd!.codeSlots, Math.ceil(v.dataoff / PAGE_SIZE));
    // Everything before the signature is the input, except the header and load commands.
    assert.ok(signed.subarray(0x1000, input.length).equals(input.subarray(0x1000)));
  });

  test('llvm-objdump reads the new load command and the grown __LINKEDIT', () => {
    const signed = adhocSign(machO(PAGE_SIZE * 2), 'x');
    const path = join(dir, 'objdump');
    writeFileSync(path, signed);
    const r = spawnSync('llvm-objdump', ['--macho', '--private-headers', path], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const sig = /cmd LC_CODE_SIGNATURE\s+cmdsize 16\s+dataoff (\d+)\s+datasize (\d+)/.exec(r.stdout);
    assert.ok(sig, r.stdout);
    assert.equal(Number(sig[1]) + Number(sig[2]), signed.length);
    const linkedit = /segname __LINKEDIT\s+vmaddr \S+\s+vmsize (\S+)\s+fileoff (\d+)\s+filesize (\d+)/.exec(r.stdout);
    assert.ok(linkedit);
    assert.equal(Number(linkedit[2]) + Number(linkedit[3]), signed.length);
    assert.ok(Number(linkedit[1]) >= Number(linkedit[3]));
    assert.match(r.stdout, /EXECUTE\s+3\s/, 'ncmds grew from 2 to 3');
  });

  test('a file whose size is a whole number of pages, and one of less than a page of __LINKEDIT', () => {
    for (const size of [PAGE_SIZE * 4, 16, 1]) {
      const v = verify(adhocSign(machO(size), 'ssohelper'), `size-${size}`);
      assert.deepEqual(v.problems, [], `linkedit ${size}`);
    }
  });

  test('re-signing replaces the signature in place and gives the same bytes', () => {
    const once = adhocSign(machO(5000), 'ssohelper');
    const twice = adhocSign(once, 'ssohelper');
    assert.ok(twice.equals(once));
    const renamed = adhocSign(once, 'other');
    assert.deepEqual(verify(renamed, 'renamed').problems, []);
    assert.equal(verify(renamed, 'renamed').directories[0]!.identifier, 'other');
  });

  test('the verifier catches a changed byte, so the checks above can fail', () => {
    const signed = adhocSign(machO(3 * PAGE_SIZE), 'ssohelper');
    signed[0x4000 + PAGE_SIZE + 7]! ^= 1;
    const v = verify(signed, 'tampered');
    assert.equal(v.ok, false);
    assert.match(v.problems.join('\n'), /1 of \d+ page hashes do not match/);
  });

  test('refuses what it cannot sign correctly', () => {
    const fat = Buffer.alloc(64);
    fat.writeUInt32BE(0xcafebabe, 0);
    assert.throws(() => adhocSign(fat, 'x'), /universal \(fat\) binary/);
    assert.throws(() => adhocSign(Buffer.from('\x7fELF'.padEnd(64, '\0')), 'x'), MachOError);
    // Bytes after __LINKEDIT would lie outside every segment and outside the signature.
    assert.throws(() => adhocSign(Buffer.concat([machO(100), Buffer.alloc(8)]), 'x'), /not at the end of the file/);
  });
});
