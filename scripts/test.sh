#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what it needs (scripts/bootstrap.sh), starts a
# throwaway PostgreSQL with pgvector (scripts/postgres.sh), builds, runs `swift test` and the boto3
# suite against data-api-local (Tests/DataAPIClients), checks that
# out/ is what the stacks produce, and lints every template with cfn-lint (zero errors, zero
# warnings) and checkov (zero failed checks). The PostgreSQL is stopped on exit, pass or fail.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

step() { printf '\n==> %s\n' "$*"; }

step "bootstrap"
scripts/bootstrap.sh

step "test PostgreSQL"
scripts/postgres.sh start
trap 'scripts/postgres.sh stop' EXIT

step "swift build"
swift build

step "swift test"
swift test

step "Data API clients (boto3) against data-api-local"
.venv/bin/python -m pytest Tests/DataAPIClients -q -p no:cacheprovider

step "synth check"
.build/debug/synth check

templates=(out/*/*.yaml)
[ -e "${templates[0]}" ] || { echo "no templates under out/: run swift run synth --all" >&2; exit 1; }

step "cfn-lint (${#templates[@]} templates)"
# cfn-lint's exit code is a bitmask: any error (2) or warning (4) fails.
.venv/bin/cfn-lint --format parseable -- "${templates[@]}"
echo "cfn-lint: 0 errors, 0 warnings in ${#templates[@]} templates"

step "checkov"
report="$(mktemp)"
trap 'rm -f "$report"; scripts/postgres.sh stop' EXIT
set +e
.venv/bin/checkov -d out --framework cloudformation --skip-download --compact --quiet > "$report" 2>&1
status=$?
set -e
cat "$report"
passed=$(sed -n 's/.*Passed checks: \([0-9]*\).*/\1/p' "$report" | head -1)
if [ "$status" -ne 0 ] || [ -z "$passed" ] || [ "$passed" -eq 0 ]; then
  echo "checkov failed (exit $status) or checked nothing" >&2
  exit 1
fi
echo "checkov: $passed passed, 0 failed"
