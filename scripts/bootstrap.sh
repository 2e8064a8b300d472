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
# locales: glibc's en_US definition, compiled below for the test PostgreSQL (Aurora's databases are en_US.UTF-8).
{ [ -f /usr/share/i18n/locales/en_US ] && command -v localedef; } >/dev/null || need_apt+=(locales)
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

# The test PostgreSQL's locale, compiled into the project (neither root nor locale-gen needed;
# scripts/postgres.sh points glibc at it with LOCPATH): the locale decides which characters are
# letters to pg_trgm and full-text parsing, and under C every CJK character is a separator.
locale_dir="$root/.venv/locale"
if [ ! -f "$locale_dir/en_US.UTF-8/LC_CTYPE" ]; then
  echo "bootstrap: compiling the en_US.UTF-8 locale into .venv/locale" >&2
  mkdir -p "$locale_dir"
  # localedef exits 1 on warnings about the definition itself; what matters is the compiled locale.
  localedef -c -i en_US -f UTF-8 "$locale_dir/en_US.UTF-8" >/dev/null 2>&1 || true
  [ -f "$locale_dir/en_US.UTF-8/LC_CTYPE" ] || { echo "bootstrap: localedef could not compile en_US.UTF-8" >&2; exit 1; }
fi

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
