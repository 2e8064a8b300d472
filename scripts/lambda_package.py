#!/usr/bin/env python3
"""The deterministic half of packaging the chat function (scripts/package.sh runs it).

  lambda_package.py architecture <manifest.json>
      The architecture the stage's function artifact must be built for (arm64 or x86_64).
  lambda_package.py zip --binary PATH --architecture ARCH --out ZIP
      Checks the binary's ELF machine against ARCH, then writes ZIP holding it as `bootstrap`
      (mode 0755) with fixed timestamps and order, so one binary always gives one SHA-256.
      Prints the zip's path, size and SHA-256.

Only the standard library: it runs before any virtualenv exists.
"""
import hashlib
import json
import os
import sys
import zipfile

# ELF e_machine values (System V ABI): what each Lambda architecture runs.
ELF_MACHINES = {"x86_64": 62, "arm64": 183}
MACHINE_NAMES = {62: "x86-64", 183: "AArch64 (arm64)"}
# The earliest time a zip entry can carry; any fixed value would do.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


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
    if len(arguments) == 7 and arguments[0] == "zip" and arguments[1::2] == ["--binary", "--architecture", "--out"]:
        binary, wanted, out = arguments[2], arguments[4], arguments[6]
        if not os.path.isfile(binary):
            fail(f"no binary at {binary}")
        check_machine(binary, wanted)
        size, sha256 = write_zip(binary, out)
        print(f"{out}\t{size} bytes ({size / 1048576:.1f} MiB)\tsha256 {sha256}")
        return
    fail("usage: lambda_package.py architecture <manifest.json> | zip --binary PATH --architecture arm64|x86_64 --out ZIP", 64)


if __name__ == "__main__":
    main(sys.argv[1:])
