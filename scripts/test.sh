#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what it needs (scripts/bootstrap.sh), starts a
# throwaway PostgreSQL with pgvector (scripts/postgres.sh), builds, packages the chat function for
# the dev stage (scripts/package.sh: the release `bootstrap` the emulator tests run), runs `swift
# test` (the generative suites after the others, on their own), the boto3 suite against
# data-api-local (Tests/DataAPIClients) and the script tests (Tests/Scripts), checks that out/ is
# what the stacks produce, and lints every template with cfn-lint (zero errors, zero warnings) and
# checkov (zero failed checks). The PostgreSQL is stopped on exit, pass or fail.
#
# Every step runs under a time limit, so a dead dependency fails that step, saying which, instead
# of hanging the run. The suite reads only the repository: a `shared` folder beside the checkout
# is hidden from it while it runs (where the machine allows a private mount), and no file under
# Sources/, Tests/, scripts/ or stacks/ may name one.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

beside="$(dirname "$root")/shared"
if [ -d "$beside" ] && [ -z "${TEST_SH_BESIDE_HIDDEN:-}" ]; then
  if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
    echo "test.sh: hiding $beside for this run (the suite must read only the repository)" >&2
    exec unshare -m bash -c 'mount -t tmpfs -o ro,size=64k none "$1" && TEST_SH_BESIDE_HIDDEN=1 exec "$2"' _ "$beside" "$0"
  fi
  echo "test.sh: $beside is beside the checkout and cannot be hidden here (that needs root and unshare)" >&2
fi

step() {
  local limit="$1" name="$2"
  shift 2
  printf '\n==> %s (limit %s min)\n' "$name" "$limit"
  local status=0
  # Through bash, so the functions below (exported) run under the limit like any command.
  timeout --kill-after=30 "${limit}m" bash -euo pipefail -c '"$@"' _ "$@" || status=$?
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "test.sh: step \"$name\" did not finish within $limit minutes and was stopped" >&2
    exit 1
  elif [ "$status" -ne 0 ]; then
    echo "test.sh: step \"$name\" failed (exit $status)" >&2
    exit "$status"
  fi
}

repository_only() {
  # Paths outside the repository that a user's clone does not have.
  local found
  found="$(grep -rnE '\.\./shared|shared/referenc[e]' Sources Tests scripts stacks || true)"
  if [ -n "$found" ]; then
    echo "$found" >&2
    echo "test.sh: the files above read outside the repository; copy what they need under Tests/Fixtures" >&2
    return 1
  fi
  echo "no file under Sources/, Tests/, scripts/ or stacks/ reads outside the repository"
}

lint_templates() {
  local templates=(out/*/*.yaml)
  [ -e "${templates[0]}" ] || { echo "no templates under out/: run swift run synth --all" >&2; return 1; }
  # cfn-lint's exit code is a bitmask: any error (2) or warning (4) fails.
  .venv/bin/cfn-lint --format parseable -- "${templates[@]}"
  echo "cfn-lint: 0 errors, 0 warnings in ${#templates[@]} templates"
}

run_checkov() {
  local report status=0 passed
  report="$(mktemp)"
  .venv/bin/checkov -d out --framework cloudformation --skip-download --compact --quiet > "$report" 2>&1 || status=$?
  cat "$report"
  passed=$(sed -n 's/.*Passed checks: \([0-9]*\).*/\1/p' "$report" | head -1)
  rm -f "$report"
  if [ "$status" -ne 0 ] || [ -z "$passed" ] || [ "$passed" -eq 0 ]; then
    echo "checkov failed (exit $status) or checked nothing" >&2
    return 1
  fi
  echo "checkov: $passed passed, 0 failed"
}

export -f repository_only lint_templates run_checkov
step 1 "repository only" repository_only
step 20 "bootstrap" scripts/bootstrap.sh
step 3 "test PostgreSQL" scripts/postgres.sh start
trap 'scripts/postgres.sh stop' EXIT
step 45 "swift build" swift build --build-tests
step 60 "package the chat function (release)" scripts/package.sh dev
# The generative suites (minutes of psql and cfn-lint at full load) run on their own after the rest,
# so they do not compete with the suites that measure time or hold connections under limits.
generative="GenerativeMigrationTests|GenerativeStageLintTests"
step 25 "swift test" swift test --skip-build --skip "$generative"
step 15 "swift test: generative suites" swift test --skip-build --filter "$generative"
step 10 "Data API clients (boto3) and scripts" .venv/bin/python -m pytest Tests/DataAPIClients Tests/Scripts -q -p no:cacheprovider
step 3 "synth check" .build/debug/synth check
step 10 "cfn-lint" lint_templates
step 15 "checkov" run_checkov
