#!/usr/bin/env python3
"""Checks the embedded code signature of a thin 64-bit Mach-O, written apart from the signer
(scripts/lib/machoSign.ts) so that one cannot share the other's mistakes: every page hash of
every CodeDirectory is recomputed from the file, and the load commands must place the signature
at the end of __LINKEDIT. Prints one JSON object; exits 1 with the reasons when anything is off.

    python3 verify_codesign.py FILE
"""
import hashlib
import json
import struct
import sys

HASHES = {1: hashlib.sha1, 2: hashlib.sha256}


def main(path):
    data = open(path, 'rb').read()
    problems = []
    magic, _cpu, _sub, filetype, ncmds, sizeofcmds = struct.unpack_from('<IiiIII', data, 0)
    if magic != 0xFEEDFACF:
        return {'ok': False, 'problems': ['not a 64-bit little-endian Mach-O']}
    off = 32
    linkedit = text = sig = None
    for _ in range(ncmds):
        cmd, size = struct.unpack_from('<II', data, off)
        if cmd == 0x19:
            name = data[off + 8:off + 24].rstrip(b'\0').decode()
            vmaddr, vmsize, fileoff, filesize = struct.unpack_from('<QQQQ', data, off + 24)
            if name == '__LINKEDIT':
                linkedit = (fileoff, filesize, vmsize)
            if name == '__TEXT':
                text = (fileoff, filesize)
        elif cmd == 0x1D:
            sig = struct.unpack_from('<II', data, off + 8)
        off += size
    if off != 32 + sizeofcmds:
        problems.append('load command sizes do not add up to sizeofcmds')
    if sig is None:
        return {'ok': False, 'problems': problems + ['no LC_CODE_SIGNATURE']}
    dataoff, datasize = sig
    if linkedit is None:
        return {'ok': False, 'problems': problems + ['no __LINKEDIT']}
    if not (linkedit[0] <= dataoff and dataoff + datasize <= linkedit[0] + linkedit[1]):
        problems.append('the signature is not inside __LINKEDIT')
    if linkedit[2] < linkedit[1]:
        problems.append('__LINKEDIT vmsize is smaller than its filesize')
    if dataoff + datasize > len(data):
        problems.append('the signature runs past the end of the file')

    smagic, slength, count = struct.unpack_from('>III', data, dataoff)
    if smagic != 0xFADE0CC0:
        return {'ok': False, 'problems': problems + ['no embedded-signature SuperBlob at dataoff']}
    if slength > datasize:
        problems.append('SuperBlob longer than datasize')
    slots = {}
    for i in range(count):
        slot, boff = struct.unpack_from('>II', data, dataoff + 12 + 8 * i)
        bmagic, blen = struct.unpack_from('>II', data, dataoff + boff)
        slots[slot] = (dataoff + boff, bmagic, blen)

    directories = []
    for slot, (start, bmagic, blen) in sorted(slots.items()):
        if bmagic != 0xFADE0C02:
            continue
        (version, flags, hash_offset, ident_offset, n_special, n_code, code_limit,
         hash_size, hash_type, _platform, page_shift) = struct.unpack_from('>IIIIIIIBBBB', data, start + 8)
        ident = data[start + ident_offset:data.index(b'\0', start + ident_offset)].decode()
        algo = HASHES.get(hash_type)
        if algo is None:
            problems.append('slot %d: unknown hash type %d' % (slot, hash_type))
            continue
        if code_limit != dataoff:
            problems.append('slot %d: codeLimit %d is not the signature offset %d' % (slot, code_limit, dataoff))
        page = 1 << page_shift
        if n_code != (code_limit + page - 1) // page:
            problems.append('slot %d: %d code slots for %d bytes' % (slot, n_code, code_limit))
        bad = 0
        for i in range(n_code):
            want = data[start + hash_offset + i * hash_size:start + hash_offset + (i + 1) * hash_size]
            got = algo(data[i * page:min((i + 1) * page, code_limit)]).digest()[:hash_size]
            if want != got:
                bad += 1
        if bad:
            problems.append('slot %d: %d of %d page hashes do not match the file' % (slot, bad, n_code))
        # Special slot -2 holds the hash of the requirements blob, when there is one.
        if n_special >= 2 and 2 in slots:
            rstart, _m, rlen = slots[2]
            want = data[start + hash_offset - 2 * hash_size:start + hash_offset - hash_size]
            if want != algo(data[rstart:rstart + rlen]).digest()[:hash_size]:
                problems.append('slot %d: requirements hash does not match' % slot)
        exec_seg = None
        if version >= 0x20400:
            exec_seg = struct.unpack_from('>QQQ', data, start + 64)
            if text and (exec_seg[0], exec_seg[1]) != text:
                problems.append('slot %d: exec segment does not match __TEXT' % slot)
        directories.append({'slot': slot, 'version': hex(version), 'flags': flags, 'hashType': hash_type,
                            'pageSize': page, 'codeSlots': n_code, 'specialSlots': n_special,
                            'identifier': ident, 'codeLimit': code_limit,
                            'execSegFlags': exec_seg[2] if exec_seg else None})
    if not directories:
        problems.append('no CodeDirectory')
    if not any(d['hashType'] == 2 for d in directories):
        problems.append('no SHA-256 CodeDirectory')
    return {'ok': not problems, 'problems': problems, 'fileSize': len(data), 'dataoff': dataoff,
            'datasize': datasize, 'filetype': filetype, 'slots': sorted(slots), 'directories': directories}


if __name__ == '__main__':
    result = main(sys.argv[1])
    print(json.dumps(result))
    sys.exit(0 if result['ok'] else 1)
