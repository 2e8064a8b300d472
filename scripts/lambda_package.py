#!/usr/bin/env python3
"""The deterministic half of packaging the chat function (scripts/package.sh runs it).

  lambda_package.py architecture <manifest.json>
      The architecture the stage's function artifact must be built for (arm64 or x86_64).
  lambda_package.py check --binary PATH --architecture ARCH
      Checks the binary's ELF machine against ARCH and that provided.al2023 can load it: its NEEDED
      libraries are glibc's own, it needs no glibc symbol version newer than 2.34, and no libstdc++,
      libgcc_s or zlib (those must be linked in statically). Prints a one-line summary; exits 1 listing
      every library and symbol version that would stop the load.
  lambda_package.py zip --binary PATH --architecture ARCH --out ZIP
      Runs the same checks (so nothing unloadable is zipped), then writes ZIP holding the binary as
      `bootstrap` (mode 0755) with fixed timestamps and order, so one binary always gives one SHA-256.
      Prints the zip's path, size and SHA-256.

Only the standard library (and binutils' readelf and c++filt): it runs before any virtualenv exists.
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile

# ELF e_machine values (System V ABI): what each Lambda architecture runs.
ELF_MACHINES = {"x86_64": 62, "arm64": 183}
MACHINE_NAMES = {62: "x86-64", 183: "AArch64 (arm64)"}
# The earliest time a zip entry can carry; any fixed value would do.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)

# What Lambda's provided.al2023 runtime can load. It runs on Amazon Linux 2023
# (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-provided.html), built from its minimal image,
# whose core toolchain is glibc 2.34 and GCC 11 (https://docs.aws.amazon.com/linux/al2023/ug/core-glibc.html),
# so its libstdc++ defines GLIBCXX_3.4.29 at most. A binary linked on a newer system (Debian 12 has
# glibc 2.36 and GCC 12) binds the newest symbol versions it finds there, and the loader refuses it on
# Lambda ("version `GLIBC_2.35' not found"), so the function never starts.
RUNTIME = "provided.al2023"
GLIBC_LIMIT = (2, 34)
GLIBCXX_LIMIT = (3, 4, 29)  # for the message only: libstdc++ must be linked statically whatever its version
# Libraries that are part of glibc itself, so every provided.al2023 has them. libutil.so.1 is one
# (Swift's Foundation autolinks -lutil); the dynamic loader is the architecture's own.
GLIBC_LIBRARIES = {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libutil.so.1"}
LOADERS = {"x86_64": "ld-linux-x86-64.so.2", "arm64": "ld-linux-aarch64.so.1"}
# The usual offenders, which must be linked in statically: what each is, and how.
STATIC_LIBRARIES = {
    "libstdc++.so.6": ("libstdc++", "-static-libstdc++"),
    "libgcc_s.so.1": ("libgcc", "-static-libgcc"),
    "libz.so.1": ("zlib", "libz.a: -Wl,-Bstatic -lz -Wl,-Bdynamic"),
}
# Symbol versions of GCC's runtime libraries, which provided.al2023 must not be relied on for.
GCC_RUNTIME_VERSIONS = ("GLIBCXX_", "CXXABI_", "GCC_")
TOOL_TIMEOUT = 120  # seconds for readelf or c++filt on one binary


def fail(message, code=2):
    print(f"package: {message}", file=sys.stderr)
    sys.exit(code)


def architecture(manifest_path):
    try:
        with open(manifest_path) as handle:
            manifest = json.load(handle)
    except OSError as error:
        fail(f"cannot read {manifest_path} ({error.strerror}): run `swift run synth <stage>` first")
    found = {artifact["architecture"] for stack in manifest.get("stacks", []) for artifact in stack.get("artifacts", [])}
    if not found:
        fail(f"{manifest_path} lists no function artifact: no stack loads a function from the ArtifactBucket/ArtifactKey parameters")
    if len(found) > 1:
        fail(f"{manifest_path} asks for artifacts on {', '.join(sorted(found))}; this packager builds one binary per stage")
    return found.pop()


def elf_machine(path):
    with open(path, "rb") as handle:
        header = handle.read(20)
    if len(header) < 20 or header[:4] != b"\x7fELF":
        fail(f"{path} is not an ELF executable; Lambda's provided.al2023 runtime needs a Linux binary")
    if header[5] != 1:
        fail(f"{path} is big-endian; Lambda runs little-endian x86-64 and arm64 only")
    return int.from_bytes(header[18:20], "little")


def check_machine(path, wanted):
    if wanted not in ELF_MACHINES:
        fail(f"unknown architecture {wanted!r}; the stage setting must be one of {', '.join(sorted(ELF_MACHINES))}")
    machine = elf_machine(path)
    if machine != ELF_MACHINES[wanted]:
        built = MACHINE_NAMES.get(machine, f"ELF machine {machine}")
        fail(f"{path} is built for {built}, but the stage's function runs on {wanted}; "
             f"build with a Swift SDK for {wanted} or change the stage's architecture in stacks/Stages.swift")


def run_tool(arguments):
    """A binutils tool's standard output; a missing, failing or hanging tool stops packaging (exit 2),
    since a binary that cannot be read cannot be shown to load."""
    try:
        result = subprocess.run(arguments, capture_output=True, text=True, timeout=TOOL_TIMEOUT)
    except FileNotFoundError:
        fail(f"{arguments[0]} is not installed; it comes with binutils (apt-get install binutils, dnf install binutils)")
    except subprocess.TimeoutExpired:
        fail(f"{' '.join(arguments)} did not finish within {TOOL_TIMEOUT} s")
    # readelf exits 0 even when it cannot parse the file, saying so on standard error.
    errors = [line for line in result.stderr.splitlines() if "Error:" in line]
    if result.returncode != 0 or errors:
        detail = (errors or result.stderr.strip().splitlines() or [f"exit {result.returncode}"])[0]
        fail(f"{' '.join(arguments)} failed: {detail}")
    return result.stdout


NEEDED_LINE = re.compile(r"\(NEEDED\)\s+Shared library: \[(.+)\]")
VERNEED_FILE_LINE = re.compile(r"^\s*[0-9a-fx]+:\s+Version: \d+\s+File: (\S+)\s+Cnt: \d+")
VERNEED_NAME_LINE = re.compile(r"^\s*[0-9a-fx]+:\s+Name: (\S+)\s+Flags: .*?\s+Version: (\d+)\s*$")
UNDEFINED_SYMBOL_LINE = re.compile(r"^\s*\d+:\s+[0-9a-f]+\s+.*\sUND\s+(\S+?)@@?(\S+)\s+\((\d+)\)\s*$")


def dynamic_linking(path):
    """What the loader must find for `path`: its NEEDED libraries in order, its version needs as
    {index: (library, version)} (.gnu.version_r: readelf -V), and its undefined versioned dynamic
    symbols as [(name, index)] (readelf --dyn-syms shows each one's version index). readelf reads ELF
    files of any machine, so an arm64 binary is checked on an x86-64 machine and the other way round."""
    output = run_tool(["readelf", "--wide", "--dynamic", "--version-info", "--dyn-syms", path])
    needed, needs, symbols = [], {}, []
    library = None
    for line in output.splitlines():
        if match := NEEDED_LINE.search(line):
            needed.append(match.group(1))
        elif match := VERNEED_FILE_LINE.match(line):
            library = match.group(1)
        elif (match := VERNEED_NAME_LINE.match(line)) and library:
            needs[int(match.group(2))] = (library, match.group(1))
        elif match := UNDEFINED_SYMBOL_LINE.match(line):
            symbols.append((match.group(1), int(match.group(3))))
    return needed, needs, symbols


def demangled(names):
    """C++ names as source spells them (c++filt, one per line); the mangled ones if it is missing."""
    if not names:
        return {}
    try:
        result = subprocess.run(["c++filt"], input="\n".join(names) + "\n", capture_output=True, text=True, timeout=TOOL_TIMEOUT)
        lines = result.stdout.splitlines()
        if result.returncode == 0 and len(lines) == len(names):
            return dict(zip(names, lines))
    except (OSError, subprocess.TimeoutExpired):
        pass
    return {name: name for name in names}


def version_numbers(version, prefix):
    """(2, 35) for "GLIBC_2.35" with prefix "GLIBC_", so versions compare numerically (2.4 < 2.34 < 2.35);
    None for any other name (GLIBC_PRIVATE, GLIBC_ABI_DT_RELR, GLIBCXX_3.4 under "GLIBC_")."""
    match = re.fullmatch(re.escape(prefix) + r"(\d+(?:\.\d+)*)", version)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def dotted(numbers):
    return ".".join(str(number) for number in numbers)


def static_remedy(library, how=True):
    name, flag = STATIC_LIBRARIES.get(library, (library, None))
    if library in LOADERS.values():
        return "it is another architecture's dynamic loader: build for this stage's architecture"
    if flag is None:
        return "link it statically or drop the dependency"
    return f"link {name} statically ({flag})" if how else f"link {name} statically"


def loadability_problems(path, wanted):
    """(problems, summary): one line for each NEEDED library and each symbol version that
    provided.al2023 cannot be relied on for, then how to fix them; and the one-line account of what
    the binary does need."""
    needed, needs, symbols = dynamic_linking(path)
    allowed = GLIBC_LIBRARIES | {LOADERS[wanted]}
    problems, library_problems, glibc_problems = [], False, False
    for library in needed:
        if library not in allowed:
            library_problems = True
            problems.append(f"NEEDED {library}: not part of glibc, so {RUNTIME} may lack it or have an older one; {static_remedy(library)}")
    users = {}
    for name, index in symbols:
        users.setdefault(index, []).append(name)
    names = demangled(sorted({name for index in users for name in users[index]}))
    position = {library: place for place, library in enumerate(needed)}

    def in_order(need):  # by library as NEEDED lists them, then by version, numerically
        library, version = need[1]
        prefix, numbers = re.fullmatch(r"(.*?)([\d.]*)", version).groups()
        return position.get(library, len(position)), library, prefix, [int(part) for part in numbers.split(".") if part]

    highest = None
    for index, (library, version) in sorted(needs.items(), key=in_order):
        glibc = version_numbers(version, "GLIBC_")
        if library in allowed and glibc is not None:
            highest = max(highest or glibc, glibc)
            if glibc <= GLIBC_LIMIT:
                continue
            glibc_problems = True
            reason = f"{RUNTIME} has glibc {dotted(GLIBC_LIMIT)}"
        elif library in allowed and not version.startswith(GCC_RUNTIME_VERSIONS):
            glibc_problems = True
            reason = f"not a GLIBC_x.y version {RUNTIME}'s glibc {dotted(GLIBC_LIMIT)} is sure to define"
        else:
            library_problems = True
            reason = static_remedy(library, how=False)
            if (version_numbers(version, "GLIBCXX_") or ()) > GLIBCXX_LIMIT:
                reason = f"{RUNTIME}'s GCC 11 libstdc++ stops at GLIBCXX_{dotted(GLIBCXX_LIMIT)}; {reason}"
        named = sorted(users.get(index, []), key=lambda name: names[name])
        if not named:
            problems.append(f"the binary needs {version} from {library} ({reason}; no symbol names it, the need alone stops the load)")
        for name in named:
            problems.append(f"{names[name]} needs {version} from {library} ({reason})")
    if library_problems:
        target = "aarch64" if wanted == "arm64" else "x86_64"
        problems.append("To fix the libraries: link libstdc++, libgcc and zlib into the binary statically (-static-libstdc++ -static-libgcc, "
                        f"zlib's libz.a), or build with the static Linux SDK (swift build --swift-sdk {target}-swift-linux-musl), "
                        "whose binaries need no shared library at all.")
    if glibc_problems:
        problems.append(f"To fix the GLIBC versions: link against glibc {dotted(GLIBC_LIMIT)} or older (build on Amazon Linux 2023, "
                        "e.g. in its container image), or pin the older symbol versions (.symver, e.g. "
                        "__asm__(\".symver hypot, hypot@GLIBC_2.2.5\") on x86_64), or build with the static Linux SDK.")
    libraries = ", ".join(needed) if needed else "nothing (statically linked)"
    summary = f"NEEDED {libraries}; " + (f"highest GLIBC_{dotted(highest)}" if highest else "no GLIBC version")
    return problems, summary


def check_loadable(path, wanted):
    """Exits 1, listing every problem, unless provided.al2023 can load `path`; returns the summary."""
    problems, summary = loadability_problems(path, wanted)
    if problems:
        print(f"package: {path} would not load on Lambda's {RUNTIME} runtime (Amazon Linux 2023: glibc {dotted(GLIBC_LIMIT)}; "
              f"a binary may need only glibc's own libraries, and GLIBC_ versions up to {dotted(GLIBC_LIMIT)}):", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        sys.exit(1)
    return f"checked: loads on {RUNTIME}: {summary}"


def write_zip(binary, out):
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    entry = zipfile.ZipInfo("bootstrap", date_time=FIXED_TIME)
    entry.external_attr = (0o100755 << 16)  # a regular file, rwxr-xr-x
    entry.create_system = 3  # Unix, so the mode above is honoured
    entry.compress_type = zipfile.ZIP_DEFLATED
    temporary = out + ".partial"
    with open(binary, "rb") as handle, zipfile.ZipFile(temporary, "w") as archive:
        archive.writestr(entry, handle.read(), compresslevel=9)
    os.replace(temporary, out)
    digest = hashlib.sha256()
    with open(out, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return os.path.getsize(out), digest.hexdigest()


def main(arguments):
    if len(arguments) == 2 and arguments[0] == "architecture":
        print(architecture(arguments[1]))
        return
    if len(arguments) == 5 and arguments[0] == "check" and arguments[1::2] == ["--binary", "--architecture"]:
        binary, wanted = arguments[2], arguments[4]
        if not os.path.isfile(binary):
            fail(f"no binary at {binary}")
        check_machine(binary, wanted)
        print(check_loadable(binary, wanted))
        return
    if len(arguments) == 7 and arguments[0] == "zip" and arguments[1::2] == ["--binary", "--architecture", "--out"]:
        binary, wanted, out = arguments[2], arguments[4], arguments[6]
        if not os.path.isfile(binary):
            fail(f"no binary at {binary}")
        check_machine(binary, wanted)
        check_loadable(binary, wanted)
        size, sha256 = write_zip(binary, out)
        print(f"{out}\t{size} bytes ({size / 1048576:.1f} MiB)\tsha256 {sha256}")
        return
    fail("usage: lambda_package.py architecture <manifest.json> | check --binary PATH --architecture arm64|x86_64"
         " | zip --binary PATH --architecture arm64|x86_64 --out ZIP", 64)


if __name__ == "__main__":
    main(sys.argv[1:])
