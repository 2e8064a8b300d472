"""scripts/lambda_package.py check, and the same check in `zip` and scripts/package.sh: a `bootstrap`
that Lambda's provided.al2023 (Amazon Linux 2023: glibc 2.34, GCC 11's libstdc++) could not load is
refused, naming each library and symbol version that stops it; one that needs only glibc up to 2.34
passes with a one-line summary.

The binaries are real: small programs compiled here with gcc and g++. On this machine (Debian 12,
glibc 2.36, GCC 12) a program calling hypot binds hypot@GLIBC_2.35, and one waiting on a
std::condition_variable binds GLIBCXX_3.4.30: the mistakes a Swift build here can make too."""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from compiled_programs import compile_program  # noqa: F401 (a fixture: pytest finds it by name)

ROOT = Path(__file__).resolve().parents[2]
PACKAGER = ROOT / "scripts" / "lambda_package.py"
LOADERS = {"x86_64": "ld-linux-x86-64.so.2", "arm64": "ld-linux-aarch64.so.1"}
MACHINES = {"x86_64": 62, "arm64": 183}
HOST_ARCHITECTURE = "arm64" if os.uname().machine in ("aarch64", "arm64") else "x86_64"
OTHER_ARCHITECTURE = "x86_64" if HOST_ARCHITECTURE == "arm64" else "arm64"

# The arguments come from argv, so the compiler cannot fold the calls into constants.
HYPOT = r"""
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  double x = argc > 1 ? atof(argv[1]) : 3, y = argc > 2 ? atof(argv[2]) : 4;
  printf("%f %f\n", hypot(x, y), (double)hypotf((float)x, (float)y));
  return 0;
}
"""
CONDITION_VARIABLE = r"""
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>
int main(int argc, char **argv) {
  std::mutex mutex;
  std::condition_variable ready;
  bool done = false;
  std::thread worker([&] { std::lock_guard<std::mutex> lock(mutex); done = true; ready.notify_one(); });
  { std::unique_lock<std::mutex> lock(mutex); ready.wait(lock, [&] { return done; }); }
  worker.join();
  std::cout << "done with " << argc << " arguments" << std::endl;
  return 0;
}
"""
ZLIB = r"""
#include <stdio.h>
#include <string.h>
#include <zlib.h>
int main(int argc, char **argv) {
  const char *text = argc > 1 ? argv[1] : "hello";
  unsigned char out[256];
  uLongf length = sizeof out;
  if (compress(out, &length, (const Bytef *)text, strlen(text)) != Z_OK) return 1;
  printf("%lu\n", (unsigned long)length);
  return 0;
}
"""
PRINTF = r"""
#include <stdio.h>
int main(int argc, char **argv) {
  printf("%d %s\n", argc, argv[0]);
  return 0;
}
"""
# What the check prints for a binary that passes; the highest GLIBC version is the build machine's
# __libc_start_main (GLIBC_2.34 on glibc 2.34 and later).
CHECKED = re.compile(r"^checked: loads on provided\.al2023: NEEDED (.+); highest GLIBC_(2\.\d+(?:\.\d+)?)$")


def run(arguments, **options):
    return subprocess.run(arguments, capture_output=True, text=True, timeout=120, cwd=ROOT, **options)


def check(binary, architecture=HOST_ARCHITECTURE):
    return run(["python3", str(PACKAGER), "check", "--binary", str(binary), "--architecture", architecture])


def relabelled(binary, architecture, directory):
    """A copy of `binary` whose ELF header says it is for `architecture`: readelf reads the dynamic
    section of either machine's files, so the check must judge it by the architecture's rules."""
    copy = directory / f"{binary.name}-as-{architecture}"
    data = bytearray(binary.read_bytes())
    data[18:20] = MACHINES[architecture].to_bytes(2, "little")
    copy.write_bytes(bytes(data))
    return copy


@pytest.fixture(scope="module", autouse=True)
def binutils():
    missing = [tool for tool in ("readelf", "c++filt") if shutil.which(tool) is None]
    assert not missing, f"{', '.join(missing)} not installed: the check needs binutils (scripts/bootstrap.sh installs it)"


def test_a_glibc_2_35_symbol_is_refused_naming_the_symbol_its_version_and_library(compile_program):
    binary = compile_program("hypot", HYPOT, flags=["-lm"])
    result = check(binary)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "hypot needs GLIBC_2.35 from libm.so.6 (provided.al2023 has glibc 2.34)" in result.stderr
    assert "hypotf needs GLIBC_2.35 from libm.so.6 (provided.al2023 has glibc 2.34)" in result.stderr
    assert f"package: {binary} would not load on Lambda's provided.al2023 runtime" in result.stderr
    assert "To fix the GLIBC versions: link against glibc 2.34 or older" in result.stderr and ".symver" in result.stderr
    # libm and libc are glibc's own, so only the version is wrong, not the libraries.
    assert "NEEDED" not in result.stderr and "To fix the libraries" not in result.stderr
    assert result.stdout == ""


def test_a_shared_libstdcxx_is_refused_naming_the_library_and_its_glibcxx_symbols(compile_program):
    binary = compile_program("condition-variable", CONDITION_VARIABLE, language="c++", flags=["-pthread"])
    result = check(binary)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "NEEDED libstdc++.so.6: not part of glibc" in result.stderr
    assert "link libstdc++ statically (-static-libstdc++)" in result.stderr
    # Demangled, with the GLIBCXX version GCC 12 binds and GCC 11's libstdc++ does not have.
    assert re.search(r"^  std::condition_variable::wait\(std::unique_lock<std::mutex>&\) needs GLIBCXX_3\.4\.\d+ from libstdc\+\+\.so\.6 \(",
                     result.stderr, re.MULTILINE), result.stderr
    assert "needs GLIBCXX_3.4.30 from libstdc++.so.6 (provided.al2023's GCC 11 libstdc++ stops at GLIBCXX_3.4.29" in result.stderr
    assert re.search(r"std::ios_base::Init::Init\(\) needs GLIBCXX_3\.4 from libstdc\+\+\.so\.6", result.stderr)
    assert "To fix the libraries: link libstdc++, libgcc and zlib into the binary statically" in result.stderr


def test_a_shared_zlib_is_refused_naming_libz(compile_program):
    binary = compile_program("zlib", ZLIB, flags=["-lz"])
    result = check(binary)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "NEEDED libz.so.1: not part of glibc" in result.stderr
    assert "link zlib statically" in result.stderr


def test_a_program_needing_only_glibc_2_34_passes_with_a_summary(compile_program):
    binary = compile_program("printf", PRINTF)
    result = check(binary)
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    match = CHECKED.match(line)
    assert match and match.group(1) == "libc.so.6", line
    assert [int(part) for part in match.group(2).split(".")] <= [2, 34]
    assert result.stderr == ""


def test_a_statically_linked_program_passes(compile_program):
    binary = compile_program("printf-static", PRINTF, flags=["-static"])
    result = check(binary)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "checked: loads on provided.al2023: NEEDED nothing (statically linked); no GLIBC version\n"


def test_the_loader_allowed_is_the_architectures_own(compile_program, tmp_path):
    """The dynamic loader is glibc's, but each architecture has its own name for it; readelf reads
    either machine's ELF files, so an arm64 binary is checked on an x86-64 machine and back."""
    loader = LOADERS[HOST_ARCHITECTURE]
    binary = compile_program("printf-loader", PRINTF, flags=["-Wl,--no-as-needed", f"-l:{loader}"])
    result = check(binary)
    assert result.returncode == 0, result.stderr
    assert CHECKED.match(result.stdout.strip()).group(1) == f"{loader}, libc.so.6"
    other = relabelled(binary, OTHER_ARCHITECTURE, tmp_path)
    result = check(other, OTHER_ARCHITECTURE)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"NEEDED {loader}: not part of glibc" in result.stderr and "another architecture's dynamic loader" in result.stderr
    # The versions are judged the same way whichever machine the ELF header names.
    hypot = relabelled(compile_program("hypot", HYPOT, flags=["-lm"]), OTHER_ARCHITECTURE, tmp_path)
    result = check(hypot, OTHER_ARCHITECTURE)
    assert result.returncode == 1 and "hypot needs GLIBC_2.35 from libm.so.6" in result.stderr, result.stderr


def test_an_unreadable_binary_is_refused_not_passed(tmp_path):
    # An ELF header for the right machine over bytes readelf cannot parse: readelf exits 0 there,
    # printing errors, which must not read as "needs nothing".
    header = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9) + (2).to_bytes(2, "little") + MACHINES[HOST_ARCHITECTURE].to_bytes(2, "little")
    binary = tmp_path / "garbage"
    binary.write_bytes(header + bytes(range(256)) * 16)
    result = check(binary)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "readelf" in result.stderr and "failed" in result.stderr and result.stdout == ""


def test_zip_refuses_an_unloadable_binary_and_zips_a_loadable_one(compile_program, tmp_path):
    for name, source, language, flags, library in [
            ("hypot", HYPOT, "c", ["-lm"], "hypot needs GLIBC_2.35 from libm.so.6"),
            ("condition-variable", CONDITION_VARIABLE, "c++", ["-pthread"], "NEEDED libstdc++.so.6"),
            ("zlib", ZLIB, "c", ["-lz"], "NEEDED libz.so.1")]:
        out = tmp_path / name / "bootstrap.zip"
        result = run(["python3", str(PACKAGER), "zip", "--binary", str(compile_program(name, source, language, flags)),
                      "--architecture", HOST_ARCHITECTURE, "--out", str(out)])
        assert result.returncode == 1, result.stdout + result.stderr
        assert library in result.stderr
        assert not out.parent.exists() or not any(out.parent.iterdir()), "it wrote a zip (or its partial file) for a binary it refused"
    out = tmp_path / "printf" / "bootstrap.zip"
    result = run(["python3", str(PACKAGER), "zip", "--binary", str(compile_program("printf", PRINTF)),
                  "--architecture", HOST_ARCHITECTURE, "--out", str(out)])
    assert result.returncode == 0, result.stderr
    assert out.is_file() and result.stdout.startswith(f"{out}\t")


def fake_build_tools(directory, binary):
    """`swift build …` that "builds" `binary`: --show-bin-path names the folder holding it."""
    bin_path = directory / "release"
    bin_path.mkdir(parents=True)
    shutil.copy(binary, bin_path / "chat-function")
    swift = directory / "swift"
    swift.write_text(f"""#!/bin/sh
case "$*" in
  *--show-bin-path*) echo "{bin_path}" ;;
  "build "*) echo "swift $*" >> "{directory}/swift.log" ;;
  *) exit 99 ;;
esac
""")
    swift.chmod(0o755)
    return {**os.environ, "PATH": f"{directory}:{os.environ['PATH']}"}


def host_stage():
    """A stage whose function runs on this machine's architecture, so package.sh builds without a cross SDK."""
    for stage in ["dev", "staging", "prod"]:
        stacks = json.loads((ROOT / "out" / stage / "manifest.json").read_text())["stacks"]
        if {artifact["architecture"] for stack in stacks for artifact in stack["artifacts"]} == {HOST_ARCHITECTURE}:
            return stage
    pytest.fail(f"no stage runs on {HOST_ARCHITECTURE}")


def repository_copy(directory, stage):
    """package.sh and the packager in a scratch repository, so packaging writes its .build/lambda there."""
    (directory / "scripts").mkdir(parents=True)
    for script in ("package.sh", "lambda_package.py", "al2023_glibc.c"):
        shutil.copy(ROOT / "scripts" / script, directory / "scripts" / script)
    (directory / "out" / stage).mkdir(parents=True)
    shutil.copy(ROOT / "out" / stage / "manifest.json", directory / "out" / stage / "manifest.json")
    return directory


@pytest.mark.parametrize("program, passes", [("printf", True), ("hypot", False), ("condition_variable", False)])
def test_package_checks_the_stripped_binary_before_zipping_it(compile_program, tmp_path, program, passes):
    source, flags, language = {"printf": (PRINTF, [], "c"), "hypot": (HYPOT, ["-lm"], "c"),
                               "condition_variable": (CONDITION_VARIABLE, ["-pthread"], "c++")}[program]
    stage = host_stage()
    repository = repository_copy(tmp_path / "repository", stage)
    environment = fake_build_tools(tmp_path / "bin", compile_program(program, source, language=language, flags=flags))
    result = subprocess.run(["bash", "scripts/package.sh", stage], capture_output=True, text=True, timeout=300,
                            cwd=repository, env=environment)
    assert (tmp_path / "bin" / "swift.log").exists(), result.stdout + result.stderr
    staged = repository / ".build" / "lambda" / stage / "bootstrap"
    package = staged.with_name("bootstrap.zip")
    assert f"==> python3 scripts/lambda_package.py check --binary .build/lambda/{stage}/bootstrap --architecture {HOST_ARCHITECTURE}" in result.stdout
    if passes:
        assert result.returncode == 0, result.stdout + result.stderr
        checked = [line for line in result.stdout.splitlines() if line.startswith("checked: ")]
        assert len(checked) == 1 and CHECKED.match(checked[0]).group(1) == "libc.so.6", result.stdout
        assert package.is_file() and "sha256 " in result.stdout
    else:
        assert result.returncode == 1, result.stdout + result.stderr
        expected = {"hypot": "hypot needs GLIBC_2.35 from libm.so.6 (provided.al2023 has glibc 2.34)",
                    "condition_variable": "NEEDED libstdc++.so.6"}[program]
        assert expected in result.stderr, result.stderr
        assert "checked: " not in result.stdout
        assert staged.is_file() and not package.exists()


CXX_WITH_NEWER_GLIBC = r"""
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>

static int thrower(int depth) {
    if (depth == 0) throw std::runtime_error("thrown through " + std::to_string(depth) + " frames");
    return thrower(depth - 1) + 1;
}

int main(int argc, char **argv) {
    double x = argc > 1 ? std::atof(argv[1]) : 3.0, y = argc > 2 ? std::atof(argv[2]) : 4.0;
    std::random_device device;
    unsigned drawn = device();
    try {
        thrower(5);
        std::puts("not thrown");
        return 1;
    } catch (const std::runtime_error &error) {
        std::printf("caught: %s; hypot %.1f %.1f; random %s\n", error.what(), std::hypot(x, y),
                    static_cast<double>(std::hypotf(static_cast<float>(x), static_cast<float>(y))), drawn == device() ? "same" : "drawn");
    }
    return 0;
}
"""


def test_the_al2023_glibc_wrappers_keep_a_program_within_glibc_2_34_and_working(compile_program, tmp_path):
    """What scripts/package.sh links into the bootstrap, on a C++ program that needs each wrapped function
    (hypot and hypotf, the unwinder's _dl_find_object, random_device's arc4random): built as package.sh
    builds, it passes the check, and it still throws and catches, computes and draws."""
    compat = tmp_path / "al2023_glibc.o"
    subprocess.run(["gcc", "-O2", "-fPIC", "-c", str(ROOT / "scripts" / "al2023_glibc.c"), "-o", str(compat)],
                   check=True, timeout=120)
    wraps = [f"-Wl,--wrap={symbol}" for symbol in ("hypot", "hypotf", "_dl_find_object", "arc4random")]
    unwrapped = compile_program("needs_new_glibc_cxx", CXX_WITH_NEWER_GLIBC, language="c++", flags=["-static-libstdc++", "-static-libgcc"])
    refused = check(unwrapped)
    assert refused.returncode == 1 and "GLIBC_2.35" in refused.stderr, refused.stderr
    wrapped = compile_program("wrapped_new_glibc_cxx", CXX_WITH_NEWER_GLIBC, language="c++",
                              flags=["-static-libstdc++", "-static-libgcc", str(compat), *wraps])
    checked = check(wrapped)
    assert checked.returncode == 0, checked.stderr
    assert "highest GLIBC_2.3" in checked.stdout and "libstdc++" not in checked.stdout, checked.stdout
    ran = run([str(wrapped), "6", "8"])
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "caught: thrown through 0 frames; hypot 10.0 10.0; random drawn", ran.stdout
