"""scripts/icu_data.py: the trimmed ICU package keeps the core data and the root and English locales,
is written in ICU's own package layout, and becomes an object the linker substitutes with --wrap.
It reads the real package from the Swift toolchain's lib_FoundationICU.a (what scripts/package.sh
links); a machine without that archive cannot package the function, so these tests fail there."""
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import icu_data  # noqa: E402


def toolchain_archive():
    swift = shutil.which("swift")
    assert swift, "swift is not on PATH"
    archive = Path(os.path.realpath(swift)).parents[1] / "lib" / "swift_static" / "linux" / "lib_FoundationICU.a"
    assert archive.is_file(), f"the toolchain has no {archive}"
    return archive


@pytest.fixture(scope="module")
def full_package(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("icu")
    archive = toolchain_archive()
    member, _ = icu_data.data_member(str(archive))
    subprocess.run([icu_data._tool("llvm-ar"), "x", str(archive), member], cwd=scratch, check=True, timeout=120)
    subprocess.run([icu_data._tool("llvm-objcopy"), "-O", "binary", "--only-section=.rodata", member, "full.dat"],
                   cwd=scratch, check=True, timeout=120)
    return (scratch / "full.dat").read_bytes()


def test_the_writer_reproduces_icus_own_package_byte_for_byte(full_package):
    header, items = icu_data.read_package(full_package)
    assert len(items) > 4000
    assert icu_data.write_package(header, items) == full_package


def test_the_trimmed_package_keeps_core_and_english_data_only(full_package):
    trimmed, total, kept = icu_data.trim(full_package)
    names = {name.split("/", 1)[1] for name, _ in icu_data.read_package(trimmed)[1]}
    assert kept == len(names) < total
    for core in ["zoneinfo64.res", "supplementalData.res", "likelySubtags.res", "coll/ucadata.icu", "coll/root.res",
                 "root.res", "en.res", "en_US_POSIX.res", "zone/en.res", "curr/pool.res", "lang/res_index.res",
                 "brkitr/word.brk", "nfkc.nrm", "unames.icu"]:
        assert core in names, core
    for dropped in ["de.res", "coll/zh.res", "zone/vi.res", "en_GB.res", "brkitr/cjdict.dict",
                    "translit/root.res", "gb18030-2022.cnv"]:
        assert dropped not in names, dropped
    assert len(trimmed) < len(full_package) / 5
    # Every item of the trimmed package is the original's, unchanged.
    original = dict(icu_data.read_package(full_package)[1])
    assert all(original[name] == item for name, item in icu_data.read_package(trimmed)[1])


def test_what_is_not_a_full_icu_package_is_refused():
    with pytest.raises(icu_data.PackageError, match="not ICU data"):
        icu_data.read_package(b"\0" * 64)
    header = struct.pack("<HBB", 32, 0xDA, 0x27) + bytes(8) + b"ResB" + bytes(16)
    with pytest.raises(icu_data.PackageError, match="not an ICU common data package"):
        icu_data.read_package(header)
    english_only = icu_data.write_package(struct.pack("<HBB", 32, 0xDA, 0x27) + bytes(8) + b"CmnD" + bytes(16),
                                          [("icudt76l/en.res", b"x" * 16)])
    with pytest.raises(icu_data.PackageError, match="lacks core items zoneinfo64.res"):
        icu_data.trim(english_only)


def test_the_object_defines_the_wrapped_symbol_and_names_the_linker_arguments(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "icu_data.py"), "--archive", str(toolchain_archive()),
                             "--target", "x86_64", "--out", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "trimmed from" in result.stdout and "root and English locales" in result.stdout
    symbols = subprocess.run([icu_data._tool("llvm-nm"), "-S", str(tmp_path / "icu_data.o")],
                             capture_output=True, text=True, timeout=60, check=True).stdout.split()
    [symbol] = [s for s in symbols if s.startswith("__wrap_icudt")]
    size = int(symbols[symbols.index(symbol) - 2], 16)
    assert size == (tmp_path / f"{symbol.removeprefix('__wrap_')}.dat").stat().st_size
    arguments = (tmp_path / "linker-arguments").read_text().splitlines()
    assert arguments == [f"--wrap={symbol.removeprefix('__wrap_')}", str(tmp_path / "icu_data.o")]


def test_a_missing_archive_is_named():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "icu_data.py"), "--archive", "/nowhere/lib.a",
                             "--target", "x86_64", "--out", "/tmp/unused"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "no archive at /nowhere/lib.a" in result.stderr
