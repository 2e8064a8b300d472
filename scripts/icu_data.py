#!/usr/bin/env python3
"""Builds a trimmed copy of the ICU data that Foundation links into a static Swift binary.

Foundation on Linux carries ICU's whole data package (34 MB: collation, converters, word-break
dictionaries and locale data for some 800 locales) as one symbol, `icudt<version>_dat`, in the
`icu_packaged_data` member of `lib_FoundationICU.a`. The chat function formats nothing for a locale
(it speaks UTF-8 JSON, ISO-8601 dates and SQL), so the packaged function links a package that keeps
ICU's core data (time zones, supplemental data, collation root, normalization)
and only the root and English locales. The trimmed copy is an object defining `__wrap_icudt…_dat`;
linked with `--wrap=icudt…_dat` (GNU ld, gold and lld all know it), ICU's references resolve to it,
nothing references the original, and the archive member holding the full package is never pulled in.

    icu_data.py --archive <lib_FoundationICU.a> --target <x86_64|aarch64> --out <dir>
        writes <dir>/icu_data.o and <dir>/linker-arguments (one per line), and prints what it kept.

The package format is ICU's common data ("CmnD"): a data header, a table of contents (item count,
then name and data offsets relative to the table), the item names, then the items, each 16-byte
aligned. Items stay in name order, which ICU's lookup (a binary search) relies on.
"""
import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

KEPT_LOCALES = frozenset({"root", "en", "en_001", "en_US", "en_US_POSIX"})
# Charset converters (the UTF and Latin-1 ones are algorithmic and live in ICU's code), word-break
# dictionaries for CJK, Thai, Lao, Khmer and Burmese, and transliteration rules.
DROPPED_SUFFIXES = (".cnv", ".dict")
DROPPED_TREES = ("translit/",)
LOCALE_BUNDLE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*$")
# Bundles in every tree that look like a locale name but are the tree's own data.
TREE_DATA = frozenset({"res_index", "pool", "root"})
ALIGNMENT = 16
PADDING = b"\xaa"  # what ICU's own packager pads with


class PackageError(Exception):
    pass


def read_package(data):
    """Returns (header, [(name, item bytes)]) for an ICU common data package."""
    if len(data) < 32:
        raise PackageError("too short for an ICU data header")
    header_size, magic1, magic2 = struct.unpack_from("<HBB", data, 0)
    if (magic1, magic2) != (0xDA, 0x27):
        raise PackageError("not ICU data (no 0xda27 magic)")
    big_endian = data[8]
    data_format = data[12:16]
    if data_format != b"CmnD":
        raise PackageError(f"not an ICU common data package (format {data_format!r})")
    if big_endian:
        raise PackageError("a big-endian ICU package; Lambda's architectures are little-endian")
    toc = header_size
    (count,) = struct.unpack_from("<I", data, toc)
    entries = [struct.unpack_from("<II", data, toc + 4 + 8 * i) for i in range(count)]
    ends = [offset for _, offset in entries[1:]] + [len(data) - toc]
    items = []
    for (name_offset, data_offset), end in zip(entries, ends):
        name_end = data.index(b"\0", toc + name_offset)
        name = data[toc + name_offset:name_end].decode("ascii")
        items.append((name, data[toc + data_offset:toc + end]))
    return data[:header_size], items


def write_package(header, items):
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    table_size = 4 + 8 * len(items)
    name_offsets, offset = [], table_size
    for name, _ in items:
        name_offsets.append(offset)
        offset += len(name) + 1
    offset = _aligned(len(header) + offset) - len(header)
    data_offsets = []
    for _, item in items:
        data_offsets.append(offset)
        offset = _aligned(len(header) + offset + len(item)) - len(header)
    out = bytearray(header)
    out += struct.pack("<I", len(items))
    for name_offset, data_offset in zip(name_offsets, data_offsets):
        out += struct.pack("<II", name_offset, data_offset)
    out += names
    for (_, item), data_offset in zip(items, data_offsets):
        out += PADDING * (len(header) + data_offset - len(out))
        out += item
    out += PADDING * (_aligned(len(out)) - len(out))
    return bytes(out)


def _aligned(n):
    return (n + ALIGNMENT - 1) // ALIGNMENT * ALIGNMENT


def kept(name):
    """Whether an item (`icudt76l/coll/de.res`) stays in the trimmed package."""
    path = name.split("/", 1)[1] if "/" in name else name
    if path.endswith(DROPPED_SUFFIXES) or path.startswith(DROPPED_TREES):
        return False
    stem, _, extension = path.rsplit("/", 1)[-1].rpartition(".")
    if extension != "res" or stem in TREE_DATA or not LOCALE_BUNDLE.match(stem):
        return True
    return stem in KEPT_LOCALES


def trim(data):
    header, items = read_package(data)
    kept_items = [(name, item) for name, item in items if kept(name)]
    missing = [name for name in ("zoneinfo64.res", "supplementalData.res", "likelySubtags.res", "root.res", "en.res")
               if not any(kept_name.endswith("/" + name) for kept_name, _ in kept_items)]
    if missing:
        raise PackageError(f"the package lacks core items {', '.join(missing)}; is it ICU's full data?")
    return write_package(header, kept_items), len(items), len(kept_items)


def _tool(name):
    swift = shutil.which("swift")
    beside_swift = os.path.join(os.path.dirname(os.path.realpath(swift)), name) if swift else None
    if beside_swift and os.access(beside_swift, os.X_OK):
        return beside_swift
    found = shutil.which(name)
    if not found:
        raise PackageError(f"{name} not found: it ships with the Swift toolchain; put the toolchain's bin on PATH")
    return found


def _run(*arguments, **options):
    return subprocess.run(arguments, check=True, capture_output=True, timeout=300, **options)


def data_member(archive):
    """(member name, symbol) of the archive member that defines `icudt<version>_dat`."""
    listing = _run(_tool("llvm-nm"), "--defined-only", "-A", archive, text=True).stdout
    for line in listing.splitlines():
        match = re.match(r"^.*?:(?P<member>[^:]+):\s*[0-9a-f]*\s+[RDrd]\s+(?P<symbol>icudt\d+_dat)$", line)
        if match:
            return match["member"], match["symbol"]
    raise PackageError(f"{archive} defines no icudt<version>_dat symbol; is it Foundation's ICU archive?")


def build_object(archive, target, out_dir):
    member, symbol = data_member(archive)
    os.makedirs(out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        _run(_tool("llvm-ar"), "x", os.path.abspath(archive), member, cwd=scratch)
        full = os.path.join(scratch, "full.dat")
        _run(_tool("llvm-objcopy"), "-O", "binary", "--only-section=.rodata", os.path.join(scratch, member), full)
        with open(full, "rb") as f:
            original = f.read()
        trimmed, total, kept_count = trim(original)
        data_path = os.path.join(out_dir, f"{symbol}.dat")
        with open(data_path, "wb") as f:
            f.write(trimmed)
        assembly = os.path.join(scratch, "icu_data.S")
        wrapped = f"__wrap_{symbol}"
        with open(assembly, "w") as f:
            f.write(
                f'\t.section .rodata.{symbol},"a"\n\t.globl {wrapped}\n\t.type {wrapped}, @object\n'
                f"\t.balign {ALIGNMENT}\n{wrapped}:\n\t.incbin \"{os.path.abspath(data_path)}\"\n"
                f"\t.size {wrapped}, . - {wrapped}\n"
                '\t.section .note.GNU-stack,"",@progbits\n')
        obj = os.path.join(out_dir, "icu_data.o")
        _run(_tool("clang"), f"--target={target}-unknown-linux-gnu", "-c", assembly, "-o", obj)
    with open(os.path.join(out_dir, "linker-arguments"), "w") as f:
        f.write(f"--wrap={symbol}\n{os.path.abspath(obj)}\n")
    print(f"ICU data: {symbol} trimmed from {len(original) / 1e6:.1f} MB to {len(trimmed) / 1e6:.1f} MB "
          f"({kept_count} of {total} items: core data, root and English locales)")
    return obj


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", required=True, help="Foundation's lib_FoundationICU.a")
    parser.add_argument("--target", required=True, choices=["x86_64", "aarch64"])
    parser.add_argument("--out", required=True, help="directory for icu_data.o")
    options = parser.parse_args(argv)
    if not os.path.isfile(options.archive):
        print(f"icu_data: no archive at {options.archive}", file=sys.stderr)
        return 2
    try:
        build_object(options.archive, options.target, options.out)
    except (PackageError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        detail = getattr(error, "stderr", None) or ""
        print(f"icu_data: {error} {detail}".strip(), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
