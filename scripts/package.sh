#!/usr/bin/env bash
# Builds the chat function for a stage and zips it for Lambda (provided.al2023):
#   scripts/package.sh <stage>   →   .build/lambda/<stage>/bootstrap.zip, with its size and SHA-256
# The architecture is the stage's setting, read from out/<stage>/manifest.json (what the template
# declares). On a machine of that architecture the build links the Swift runtime statically
# (--static-swift-stdlib); for the other one it needs a cross Swift SDK (the static Linux SDK,
# `swift sdk install …`), and without one it refuses before building. Either way the stripped
# binary is checked before it is zipped: its ELF machine, and that provided.al2023 can load it (only
# glibc's own libraries NEEDED, no GLIBC_ symbol version above 2.34, no libstdc++, libgcc_s or zlib:
# scripts/lambda_package.py check says which library or symbol stops it, and how to fix that).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
usage="usage: scripts/package.sh <stage>"
case "${1:-}" in
  "" ) echo "$usage" >&2; exit 2 ;;
  -h|--help) echo "$usage"; exit 0 ;;
  -*) echo "package: unknown option $1" >&2; echo "$usage" >&2; exit 2 ;;
esac
[ $# -eq 1 ] || { echo "$usage" >&2; exit 2; }
stage="$1"
manifest="out/$stage/manifest.json"
[ -f "$manifest" ] || { echo "package: no $manifest: run swift run synth $stage first" >&2; exit 2; }

architecture="$(python3 scripts/lambda_package.py architecture "$manifest")"
case "$architecture" in
  arm64) target=aarch64 ;;
  x86_64) target=x86_64 ;;
  *) echo "package: $manifest asks for architecture $architecture; Lambda runs arm64 or x86_64" >&2; exit 2 ;;
esac
host="$(uname -m)"
[ "$host" = arm64 ] && host=aarch64

build=(swift build -c release --product chat-function)
if [ "$host" = "$target" ]; then
  build+=(--static-swift-stdlib)
  # provided.al2023 is Amazon Linux 2023's minimal image: glibc 2.34, GCC 11's libstdc++, and no
  # promise of zlib. The Swift runtime links libstdc++ and Foundation zlib as shared libraries,
  # and the clang driver libgcc_s (the unwinder); here they go into the binary instead. A folder
  # that holds only static archives comes first on the library path, so -lstdc++, -lz and the
  # driver's -lgcc_s find them there: libgcc_eh.a, the unwinder's static archive, stands in for
  # libgcc_s (what -static-libgcc would do). Only linker flags change, so function-bench's release
  # build (the same flags without these) shares every compiled module with this one.
  static_libraries=".build/lambda/static-libraries"
  mkdir -p "$static_libraries"
  for archive in libstdc++.a libz.a libgcc_eh.a; do
    found="$(cc -print-file-name="$archive")"
    [ -f "$found" ] || { echo "package: no $archive for static linking (install g++ and zlib1g-dev: scripts/bootstrap.sh does)" >&2; exit 2; }
    name="$archive"
    [ "$archive" = libgcc_eh.a ] && name=libgcc_s.a
    ln -sf "$found" "$static_libraries/$name"
  done
  build+=(-Xlinker -L"$root/$static_libraries")
  # This machine's glibc may be newer than 2.34: the few functions that would ask for a newer
  # symbol version are sent to scripts/al2023_glibc.c, which says why each is safe.
  compat=".build/lambda/al2023_glibc.o"
  timeout 2m cc -O2 -fPIC -c scripts/al2023_glibc.c -o "$compat"
  build+=(-Xlinker "$root/$compat")
  for symbol in hypot hypotf _dl_find_object arc4random; do build+=(-Xlinker "--wrap=$symbol"); done
else
  sdk="$target-swift-linux-musl"
  if ! swift sdk list 2>/dev/null | grep -q static-linux; then
    cat >&2 <<MSG
package: stage $stage runs on $architecture, but this machine builds for $host and has no Swift SDK for
$target installed, so the binary would not run there. Either package on an $architecture machine, install
the static Linux SDK (https://www.swift.org/documentation/articles/static-linux-getting-started.html)
so that "swift build --swift-sdk $sdk" works, or change the stage's architecture in stacks/Stages.swift.
MSG
    exit 2
  fi
  build+=(--swift-sdk "$sdk")
fi

# Foundation links ICU's full data (34 MB, most of the zip); the function needs only its core and
# English data, so a trimmed copy is linked in its place (scripts/icu_data.py says what it keeps).
if [ "$host" = "$target" ]; then
  icu_archive="$(dirname "$(readlink -f "$(command -v swift)")")/../lib/swift_static/linux/lib_FoundationICU.a"
else
  icu_archive="$(find "$HOME/.swiftpm/swift-sdks" "$HOME/.local/share/swiftpm/swift-sdks" -path "*$target*" \
    -name lib_FoundationICU.a 2>/dev/null | head -1 || true)"
fi
if [ -f "$icu_archive" ]; then
  icu_dir=".build/lambda/$stage/icu"
  timeout 5m python3 scripts/icu_data.py --archive "$icu_archive" --target "$target" --out "$icu_dir"
  while read -r argument; do build+=(-Xlinker "$argument"); done <"$icu_dir/linker-arguments"
else
  echo "package: no lib_FoundationICU.a for $target found; linking Foundation's full ICU data" >&2
fi

echo "==> ${build[*]}"
timeout 60m "${build[@]}"
binary="$("${build[@]}" --show-bin-path)/chat-function"
# Symbols and debug info are half the binary (and a slower cold start); the unstripped build stays
# in .build for symbolicating a crash.
staged=".build/lambda/$stage/bootstrap"
mkdir -p "$(dirname "$staged")"
if stripper="$(command -v llvm-strip || command -v strip)"; then
  "$stripper" -o "$staged" "$binary"
else
  echo "package: no strip tool (binutils or llvm); packaging the binary unstripped" >&2
  cp "$binary" "$staged"
fi
# A binary linked against this machine's newer glibc or a shared libstdc++ builds and runs here but
# fails to start on Lambda; the check says so now (the zip step checks again, quietly).
echo "==> python3 scripts/lambda_package.py check --binary $staged --architecture $architecture"
python3 scripts/lambda_package.py check --binary "$staged" --architecture "$architecture"
python3 scripts/lambda_package.py zip --binary "$staged" --architecture "$architecture" --out ".build/lambda/$stage/bootstrap.zip"
