#!/usr/bin/env python3
"""tests/vm/vmlinux.py BZIMAGE OUT: the uncompressed ELF vmlinux of a bzImage.

QEMU boots an ELF vmlinux directly through its PVH entry point (-kernel
vmlinux), which under TCG skips the slow emulated decompression of the
bzImage. Debian ships only the bzImage (vmlinuz), so this takes it apart:

  - the x86 boot header ("HdrS", protocol 2.08 or later) gives the
    compressed payload's place: payload_offset (0x248) from the start of
    the protected-mode code, (setup_sects + 1) * 512, and payload_length
    (0x24c);
  - the payload's magic says how it is compressed (xz, gzip, bzip2, lzma
    with the standard library; zstd and lz4 with their commands);
  - the result must be an ELF64 x86-64 file with the PVH entry note (owner
    "Xen", type 18, XEN_ELFNOTE_PHYS32_ENTRY), which QEMU needs to boot it.

Writes OUT only when every check passes, prints one line saying what it
found, and exits 1 with the reason otherwise (the caller then boots the
bzImage).
"""
import bz2
import lzma
import struct
import subprocess
import sys
import zlib

XEN_ELFNOTE_PHYS32_ENTRY = 18


def fail(msg):
    print("vmlinux.py: " + msg, file=sys.stderr)
    sys.exit(1)


def payload(img):
    if len(img) < 0x250 or img[0x202:0x206] != b"HdrS":
        fail("not a bzImage (no HdrS boot header)")
    version = struct.unpack_from("<H", img, 0x206)[0]
    if version < 0x208:
        fail("boot protocol %#x has no payload fields (needs 2.08)" % version)
    setup_sects = img[0x1F1] or 4
    offset, length = struct.unpack_from("<II", img, 0x248)
    start = (setup_sects + 1) * 512 + offset
    if length == 0 or start + length > len(img):
        fail("payload %d+%d lies outside the %d-byte image" % (start, length, len(img)))
    return img[start:start + length]


def run_tool(argv, data, name):
    try:
        r = subprocess.run(argv, input=data, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, check=False)
    except FileNotFoundError:
        fail("the payload is %s-compressed and %s is not installed" % (name, argv[0]))
    # the payload ends with the kernel's 4-byte size; the tools may warn
    if not r.stdout:
        fail("%s could not decompress the payload: %s" % (argv[0], r.stderr.decode(errors="replace").strip()))
    return r.stdout


def decompress(data):
    if data.startswith(b"\xfd7zXZ\x00"):
        return "xz", lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data)
    if data.startswith(b"\x1f\x8b"):
        return "gzip", zlib.decompressobj(wbits=31).decompress(data)
    if data.startswith(b"BZh"):
        return "bzip2", bz2.BZ2Decompressor().decompress(data)
    if data.startswith(b"\x5d\x00\x00"):
        return "lzma", lzma.LZMADecompressor(format=lzma.FORMAT_ALONE).decompress(data)
    if data.startswith(b"\x28\xb5\x2f\xfd"):
        return "zstd", run_tool(["zstd", "-dcq"], data, "zstd")
    if data.startswith(b"\x02\x21\x4c\x18"):
        return "lz4", run_tool(["lz4", "-dcq"], data, "lz4")
    fail("unknown compression, magic %s" % data[:6].hex())
    return None, None


def pvh_entry(elf):
    """The PVH entry address from the ELF's PT_NOTE segments, or None."""
    if elf[:4] != b"\x7fELF":
        fail("the decompressed payload is not an ELF file")
    if elf[4] != 2 or elf[5] != 1 or struct.unpack_from("<H", elf, 0x12)[0] != 62:
        fail("the decompressed ELF is not 64-bit little-endian x86-64")
    phoff = struct.unpack_from("<Q", elf, 0x20)[0]
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from("<IIQQQQ", elf, phoff + i * phentsize)
        if p_type != 4:  # PT_NOTE
            continue
        pos, end = p_offset, p_offset + p_filesz
        while pos + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", elf, pos)
            name = elf[pos + 12:pos + 12 + namesz]
            desc_at = pos + 12 + ((namesz + 3) & ~3)
            if name == b"Xen\x00" and ntype == XEN_ELFNOTE_PHYS32_ENTRY:
                width = "<I" if descsz == 4 else "<Q"
                return struct.unpack_from(width, elf, desc_at)[0]
            pos = desc_at + ((descsz + 3) & ~3)
    return None


def main():
    if len(sys.argv) != 3:
        print("usage: vmlinux.py BZIMAGE OUT", file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1], "rb") as f:
        img = f.read()
    kind, elf = decompress(payload(img))
    entry = pvh_entry(elf)
    if entry is None:
        fail("the ELF vmlinux has no PVH entry note (Xen, type 18): CONFIG_PVH is off")
    with open(sys.argv[2], "wb") as f:
        f.write(elf)
    print("vmlinux: %d bytes (%s payload), PVH entry %#x" % (len(elf), kind, entry))


if __name__ == "__main__":
    main()
