#!/usr/bin/env bash
# Installs what building and testing need, once: libyaml-dev for the YAML layer, binutils and
# zlib1g-dev for packaging and its tests, and a project-local Python virtualenv (.venv) with the
# linters and AWS clients the tests drive.
# Safe to run repeatedly; it only does work that is missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

need_apt=()
pkg-config --exists yaml-0.1 2>/dev/null || need_apt+=(libyaml-dev)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
# binutils: strip, and readelf and c++filt for the loadability check (scripts/package.sh); zlib's
# headers: Tests/Scripts/test_loadability.py compiles a program against zlib to see it refused.
{ command -v readelf && command -v c++filt && command -v strip; } >/dev/null || need_apt+=(binutils)
pkg-config --exists zlib 2>/dev/null || need_apt+=(zlib1g-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: missing ${need_apt[*]}; install them with: sudo apt-get install -y ${need_apt[*]}" >&2
    exit 1
  fi
  echo "bootstrap: installing ${need_apt[*]} with apt-get" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ "${1:-}" = "--synth-only" ]; then exit 0; fi

# Python tools, pinned so CI and developers lint with the same rules.
requirements="$root/scripts/requirements.txt"
stamp="$root/.venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ ! -x "$root/.venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "bootstrap: creating .venv with $(tr '\n' ' ' < "$requirements")" >&2
  python3 -m venv "$root/.venv"
  "$root/.venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
  echo "$want" > "$stamp"
fi
