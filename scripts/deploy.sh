#!/usr/bin/env bash
# Deploys a stage's stacks with the AWS CLI in the order out/<stage>/manifest.json lists them.
# usage: scripts/deploy.sh <stage> [ParameterKey=Value ...]   (parameters go to every stack that declares them)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
stage="${1:?usage: scripts/deploy.sh <stage> [ParameterKey=Value ...]}"
shift
manifest="$root/out/$stage/manifest.json"
[ -f "$manifest" ] || { echo "no $manifest: run swift run synth $stage" >&2; exit 2; }

python3 - "$manifest" "$@" <<'PY' | while IFS=$'\t' read -r name template capabilities overrides; do
import json, sys
manifest = json.load(open(sys.argv[1]))
given = dict(arg.split("=", 1) for arg in sys.argv[2:])
for stack in manifest["stacks"]:
    declared = {p["name"] for p in stack["parameters"]}
    overrides = " ".join(f"{k}={v}" for k, v in given.items() if k in declared)
    print("\t".join([stack["stackName"], stack["template"], " ".join(stack["capabilities"]) or "-", overrides or "-"]))
PY
  args=(cloudformation deploy --stack-name "$name" --template-file "$root/out/$stage/$template" --no-fail-on-empty-changeset)
  [ "$capabilities" != "-" ] && args+=(--capabilities $capabilities)
  [ "$overrides" != "-" ] && args+=(--parameter-overrides $overrides)
  echo "==> aws ${args[*]}"
  aws "${args[@]}"
done
