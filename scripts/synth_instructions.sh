#!/usr/bin/env bash
# Counts the instructions the release `synth` executes (valgrind's callgrind: exact and repeatable,
# where this machine's wall clock is not) for `synth --all` and for `synth --help` (start-up alone).
# `synth --all` runs in the repository as CI's `synth check` finds it: with out/ up to date it reads
# everything, checks everything and writes nothing.
#
# usage: scripts/synth_instructions.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
usage() { echo "usage: scripts/synth_instructions.sh [--no-build]" >&2; exit 2; }
build=1
for argument in "$@"; do
  case "$argument" in
    --no-build) build=0 ;;
    *) usage ;;
  esac
done
command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install valgrind" >&2; exit 1; }
# The release synth links the Swift runtime and Foundation into the binary, as the Lambda function
# does (scripts/package.sh): a self-contained tool whose start-up binds no shared Swift libraries
# (13 M instructions of the dynamic linker's symbol lookups otherwise). Only the link differs from
# `swift build -c release`, so the two share every compiled module.
if [[ $build == 1 ]]; then swift build -c release --product synth --static-swift-stdlib >&2; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# valgrind cannot read the DWARF the Swift toolchain writes; counting needs no symbols.
strip --strip-debug -o "$work/synth" .build/release/synth
count() {
  local label=$1; shift
  timeout 600 valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" "$@" >/dev/null 2>"$work/valgrind.log" || {
    cat "$work/valgrind.log" >&2; exit 1; }
  local total
  total=$(grep -m1 -E '^(summary|totals):' "$work/callgrind.out" | awk '{print $2}')
  printf '%-28s %6.1f M instructions\n' "$label" "$(echo "$total / 1000000" | bc -l)"
}
count "synth --help" "$work/synth" --help
count "synth --all" "$work/synth" --all
