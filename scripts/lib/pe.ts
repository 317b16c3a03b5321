// The few PE (Windows executable) edits the release build needs around postject.
//
// The official node.exe carries an Authenticode signature. Injecting the application changes
// the bytes it signs, so the signature would only claim something false (and postject leaves it
// stranded before the new data, where tools report a damaged file): it is removed before the
// injection. Afterwards the optional header's checksum is recomputed so it matches the bytes.
// A release signed for real is a later, separate step (osslsigncode on the final file).

export class PeError extends Error {}

export interface PeInfo {
  /** File offset of the optional header. */
  optionalHeader: number;
  machine: number;
  /** 0x20b for PE32+ (64-bit). */
  magic: number;
  security: { offset: number; size: number };
  checksum: number;
}

const SECURITY_DIRECTORY = 4;

export function peInfo(file: Buffer): PeInfo {
  if (file.length < 0x40 || file.toString('latin1', 0, 2) !== 'MZ') throw new PeError('no MZ header');
  const pe = file.readUInt32LE(0x3c);
  if (pe + 24 > file.length || file.toString('latin1', pe, pe + 4) !== 'PE\0\0') throw new PeError('no PE signature');
  const optionalHeader = pe + 24;
  const magic = file.readUInt16LE(optionalHeader);
  if (magic !== 0x20b) throw new PeError(`not PE32+ (optional header magic 0x${magic.toString(16)})`);
  // PE32+: the data directories start 112 bytes into the optional header, 8 bytes each.
  const dir = optionalHeader + 112 + SECURITY_DIRECTORY * 8;
  return {
    optionalHeader,
    machine: file.readUInt16LE(pe + 4),
    magic,
    security: { offset: file.readUInt32LE(dir), size: file.readUInt32LE(dir + 4) },
    checksum: file.readUInt32LE(optionalHeader + 64),
  };
}

/** The PE checksum (as imagehlp's CheckSumMappedFile computes it), skipping the field itself. */
export function peChecksum(file: Buffer): number {
  const field = peInfo(file).optionalHeader + 64;
  let sum = 0;
  for (let i = 0; i < file.length; i += 2) {
    if (i === field || i === field + 2) continue;
    sum += i + 1 < file.length ? file.readUInt16LE(i) : file[i]!;
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  sum = (sum & 0xffff) + (sum >>> 16);
  return (sum + file.length) >>> 0;
}

export function withChecksum(file: Buffer): Buffer {
  const out = Buffer.from(file);
  out.writeUInt32LE(peChecksum(out), peInfo(out).optionalHeader + 64);
  return out;
}

/** A copy without the Authenticode certificate table (which must be at the end of the file). */
export function stripSignature(file: Buffer): Buffer {
  const info = peInfo(file);
  if (info.security.size === 0) return Buffer.from(file);
  if (info.security.offset + info.security.size !== file.length)
    throw new PeError('the certificate table is not at the end of the file');
  const out = Buffer.from(file.subarray(0, info.security.offset));
  out.fill(
    0,
    info.optionalHeader + 112 + SECURITY_DIRECTORY * 8,
    info.optionalHeader + 112 + SECURITY_DIRECTORY * 8 + 8,
  );
  return withChecksum(out);
}
