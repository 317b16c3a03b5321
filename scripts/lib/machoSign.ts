// Ad-hoc code signing of a thin 64-bit Mach-O executable, offline, on any OS.
//
// postject drops the signature of a macOS binary when it injects the application, and Apple
// Silicon kills an unsigned (or wrongly signed) executable at exec. An ad-hoc signature is what
// `codesign -s -` makes: no certificate, only a CodeDirectory listing one SHA-256 per 4 KiB page
// of the file up to the signature, which the kernel checks page by page as it maps them.
//
// Layout written (all code-signing structures are big-endian; load commands are in the file's
// own byte order, little-endian for x86_64 and arm64):
//   LC_CODE_SIGNATURE {dataoff = codeLimit, datasize}       (added when absent)
//   __LINKEDIT extended to cover the signature at the end of the file
//   SuperBlob 0xfade0cc0 { CodeDirectory (slot 0), Requirements (slot 2, empty),
//                          BlobWrapper (slot 0x10000, empty CMS: ad-hoc) }
import { createHash } from 'node:crypto';

const MH_MAGIC_64 = 0xfeedfacf;
const MH_EXECUTE = 0x2;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;

export const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
export const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
export const CSMAGIC_REQUIREMENTS = 0xfade0c01;
export const CSMAGIC_BLOBWRAPPER = 0xfade0b01;
const CSSLOT_CODEDIRECTORY = 0;
const CSSLOT_REQUIREMENTS = 2;
const CSSLOT_SIGNATURESLOT = 0x10000;
const CS_ADHOC = 0x2;
const CS_HASHTYPE_SHA256 = 2;
const CS_EXECSEG_MAIN_BINARY = 0x1;
/** CodeDirectory version with the exec-segment fields (what current codesign writes). */
const CD_VERSION = 0x20400;
const CD_HEADER_SIZE = 88;
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
const HASH_SIZE = 32;
/** Slots -1 (Info.plist, absent: zeros) and -2 (requirements). */
const SPECIAL_SLOTS = 2;
/** The VM page of arm64 macOS; x86_64's 4 KiB divides it, so one rounding suits both. */
const SEGMENT_ALIGN = 0x4000;

export class MachOError extends Error {}

interface Segment {
  /** Offset of the load command in the file. */
  cmdOffset: number;
  name: string;
  fileoff: number;
  filesize: number;
}

interface Layout {
  filetype: number;
  ncmds: number;
  sizeofcmds: number;
  segments: Segment[];
  codeSignature?: { cmdOffset: number; dataoff: number; datasize: number };
  /** Lowest file offset of section data: load commands must end before it. */
  firstDataOffset: number;
}

function parse(file: Buffer): Layout {
  if (file.length < 32) throw new MachOError('too short for a Mach-O header');
  const magic = file.readUInt32LE(0);
  if (magic !== MH_MAGIC_64) {
    const be = file.readUInt32BE(0);
    throw new MachOError(
      be === 0xcafebabe || be === 0xcafebabf
        ? 'a universal (fat) binary: sign each architecture separately'
        : `not a little-endian 64-bit Mach-O (magic 0x${magic.toString(16)})`,
    );
  }
  const filetype = file.readUInt32LE(12);
  const ncmds = file.readUInt32LE(16);
  const sizeofcmds = file.readUInt32LE(20);
  if (32 + sizeofcmds > file.length) throw new MachOError('load commands run past the end of the file');
  const segments: Segment[] = [];
  let codeSignature: Layout['codeSignature'];
  let firstDataOffset = file.length;
  let at = 32;
  for (let i = 0; i < ncmds; i++) {
    if (at + 8 > 32 + sizeofcmds) throw new MachOError(`load command ${i} runs past sizeofcmds`);
    const cmd = file.readUInt32LE(at);
    const cmdsize = file.readUInt32LE(at + 4);
    if (cmdsize < 8 || cmdsize % 8 !== 0 || at + cmdsize > 32 + sizeofcmds)
      throw new MachOError(`load command ${i} has a bad size ${cmdsize}`);
    if (cmd === LC_SEGMENT_64) {
      const name = file.toString('latin1', at + 8, at + 24).replace(/\0.*$/s, '');
      const fileoff = Number(file.readBigUInt64LE(at + 40));
      const filesize = Number(file.readBigUInt64LE(at + 48));
      segments.push({ cmdOffset: at, name, fileoff, filesize });
      const nsects = file.readUInt32LE(at + 64);
      for (let s = 0; s < nsects; s++) {
        const sect = at + 72 + s * 80;
        const offset = file.readUInt32LE(sect + 48);
        const size = Number(file.readBigUInt64LE(sect + 40));
        // Zero-fill sections (bss) have an offset but no bytes in the file.
        const type = file.readUInt32LE(sect + 64) & 0xff;
        if (offset > 0 && size > 0 && type !== 0x1 && type !== 0xc && type !== 0x12)
          firstDataOffset = Math.min(firstDataOffset, offset);
      }
    } else if (cmd === LC_CODE_SIGNATURE) {
      codeSignature = { cmdOffset: at, dataoff: file.readUInt32LE(at + 8), datasize: file.readUInt32LE(at + 12) };
    }
    at += cmdsize;
  }
  return { filetype, ncmds, sizeofcmds, segments, codeSignature, firstDataOffset };
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

function blob(magic: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(magic, 0);
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
}

/** An empty requirement set: what `codesign -s -` embeds when none is given. */
function emptyRequirements(): Buffer {
  return blob(CSMAGIC_REQUIREMENTS, Buffer.alloc(4));
}

export function pageHashes(bytes: Buffer, codeLimit: number): Buffer[] {
  const hashes: Buffer[] = [];
  for (let off = 0; off < codeLimit; off += PAGE_SIZE) {
    hashes.push(
      createHash('sha256')
        .update(bytes.subarray(off, Math.min(off + PAGE_SIZE, codeLimit)))
        .digest(),
    );
  }
  return hashes;
}

/**
 * Returns a copy of `input` with a fresh ad-hoc signature; an existing signature (ad-hoc or
 * not) is replaced. `identifier` is the code identity the OS reports (e.g. in crash logs).
 */
export function adhocSign(input: Buffer, identifier: string): Buffer {
  const layout = parse(input);
  const linkedit = layout.segments.find((s) => s.name === '__LINKEDIT');
  if (!linkedit) throw new MachOError('no __LINKEDIT segment');
  const text = layout.segments.find((s) => s.name === '__TEXT');
  if (!text) throw new MachOError('no __TEXT segment');
  const linkeditEnd = linkedit.fileoff + linkedit.filesize;

  // Where the signature goes: in place of the old one, else after everything at the end of
  // __LINKEDIT, which must be the end of the file (bytes past it would be outside any segment).
  let codeLimit: number;
  if (layout.codeSignature) {
    codeLimit = layout.codeSignature.dataoff;
    if (codeLimit < linkedit.fileoff || codeLimit > input.length)
      throw new MachOError('the existing signature lies outside __LINKEDIT');
  } else {
    if (linkeditEnd !== input.length)
      throw new MachOError(`__LINKEDIT ends at ${linkeditEnd}, not at the end of the file (${input.length})`);
    codeLimit = align(linkeditEnd, 16);
  }

  const out = Buffer.alloc(codeLimit);
  input.copy(out, 0, 0, Math.min(codeLimit, input.length));

  let sigCmd = layout.codeSignature?.cmdOffset;
  if (sigCmd === undefined) {
    sigCmd = 32 + layout.sizeofcmds;
    if (sigCmd + 16 > layout.firstDataOffset)
      throw new MachOError('no room after the load commands for LC_CODE_SIGNATURE');
    if (!out.subarray(sigCmd, sigCmd + 16).equals(Buffer.alloc(16)))
      throw new MachOError('the space after the load commands is not free');
    out.writeUInt32LE(LC_CODE_SIGNATURE, sigCmd);
    out.writeUInt32LE(16, sigCmd + 4);
    out.writeUInt32LE(layout.ncmds + 1, 16);
    out.writeUInt32LE(layout.sizeofcmds + 16, 20);
  }

  const ident = Buffer.from(`${identifier}\0`, 'utf8');
  const nCodeSlots = Math.ceil(codeLimit / PAGE_SIZE);
  const identOffset = CD_HEADER_SIZE;
  const hashOffset = identOffset + ident.length + SPECIAL_SLOTS * HASH_SIZE;
  const cdLength = hashOffset + nCodeSlots * HASH_SIZE;
  const requirements = emptyRequirements();
  const wrapper = blob(CSMAGIC_BLOBWRAPPER, Buffer.alloc(0));
  const entries: [number, number][] = [
    [CSSLOT_CODEDIRECTORY, cdLength],
    [CSSLOT_REQUIREMENTS, requirements.length],
    [CSSLOT_SIGNATURESLOT, wrapper.length],
  ];
  const superHeader = 12 + entries.length * 8;
  const superLength = superHeader + entries.reduce((n, [, len]) => n + len, 0);
  const datasize = align(superLength, 16);

  // Header and load commands are part of page 0, so they take their final values before hashing.
  out.writeUInt32LE(codeLimit, sigCmd + 8);
  out.writeUInt32LE(datasize, sigCmd + 12);
  const newLinkeditSize = codeLimit + datasize - linkedit.fileoff;
  out.writeBigUInt64LE(BigInt(newLinkeditSize), linkedit.cmdOffset + 48);
  const vmsize = Number(out.readBigUInt64LE(linkedit.cmdOffset + 32));
  out.writeBigUInt64LE(BigInt(Math.max(vmsize, align(newLinkeditSize, SEGMENT_ALIGN))), linkedit.cmdOffset + 32);

  const cd = Buffer.alloc(cdLength);
  cd.writeUInt32BE(CSMAGIC_CODEDIRECTORY, 0);
  cd.writeUInt32BE(cdLength, 4);
  cd.writeUInt32BE(CD_VERSION, 8);
  cd.writeUInt32BE(CS_ADHOC, 12);
  cd.writeUInt32BE(hashOffset, 16);
  cd.writeUInt32BE(identOffset, 20);
  cd.writeUInt32BE(SPECIAL_SLOTS, 24);
  cd.writeUInt32BE(nCodeSlots, 28);
  cd.writeUInt32BE(codeLimit, 32);
  cd.writeUInt8(HASH_SIZE, 36);
  cd.writeUInt8(CS_HASHTYPE_SHA256, 37);
  cd.writeUInt8(0, 38); // platform
  cd.writeUInt8(PAGE_SHIFT, 39);
  // 40 spare2, 44 scatterOffset, 48 teamOffset, 52 spare3, 56 codeLimit64: all zero.
  cd.writeBigUInt64BE(BigInt(text.fileoff), 64); // execSegBase
  cd.writeBigUInt64BE(BigInt(text.filesize), 72); // execSegLimit
  cd.writeBigUInt64BE(BigInt(layout.filetype === MH_EXECUTE ? CS_EXECSEG_MAIN_BINARY : 0), 80);
  ident.copy(cd, identOffset);
  createHash('sha256')
    .update(requirements)
    .digest()
    .copy(cd, hashOffset - CSSLOT_REQUIREMENTS * HASH_SIZE);
  pageHashes(out, codeLimit).forEach((h, i) => {
    h.copy(cd, hashOffset + i * HASH_SIZE);
  });

  const sig = Buffer.alloc(datasize);
  sig.writeUInt32BE(CSMAGIC_EMBEDDED_SIGNATURE, 0);
  sig.writeUInt32BE(superLength, 4);
  sig.writeUInt32BE(entries.length, 8);
  let blobAt = superHeader;
  const blobs = [cd, requirements, wrapper];
  entries.forEach(([slot], i) => {
    sig.writeUInt32BE(slot, 12 + i * 8);
    sig.writeUInt32BE(blobAt, 16 + i * 8);
    blobs[i]!.copy(sig, blobAt);
    blobAt += blobs[i]!.length;
  });
  return Buffer.concat([out, sig]);
}
