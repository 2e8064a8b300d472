#!/usr/bin/env bash
# Deploys a stage: uploads the packaged function under a content-addressed key, then deploys the
# stacks with the AWS CLI in the order out/<stage>/manifest.json lists them, and prints the API URL.
#
#   scripts/package.sh <stage>                                     (builds .build/lambda/<stage>/bootstrap.zip)
#   scripts/deploy.sh <stage> ArtifactBucket=<bucket> [ParameterKey=Value ...]
#
# The zip goes to s3://<bucket>/chat-runtime/<sha256>.zip: a code change is a new key, so
# CloudFormation really updates the functions, and an unchanged build uploads nothing. Parameters
# go to every stack that declares them; the artifact's key parameter is set by this script.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
usage="usage: scripts/deploy.sh <stage> ArtifactBucket=<bucket> [ParameterKey=Value ...]"
case "${1:-}" in
  "" ) echo "$usage" >&2; exit 2 ;;
  -h|--help) echo "$usage"; exit 0 ;;
  -*) echo "deploy: unknown option $1" >&2; echo "$usage" >&2; exit 2 ;;
esac
stage="$1"
shift
manifest="$root/out/$stage/manifest.json"
zip="${CHAT_FUNCTION_ZIP:-$root/.build/lambda/$stage/bootstrap.zip}"
[ -f "$manifest" ] || { echo "deploy: no $manifest: run swift run synth $stage" >&2; exit 2; }
[ -f "$zip" ] || { echo "deploy: no $zip: run scripts/package.sh $stage" >&2; exit 2; }

plan="$(python3 - "$manifest" "$zip" "$@" <<'PY'
import hashlib, json, sys
manifest_path, zip_path, *given = sys.argv[1:]
manifest = json.load(open(manifest_path))
arguments = {}
for item in given:
    if "=" not in item:
        sys.exit(f"deploy: {item!r} is not ParameterKey=Value")
    key, value = item.split("=", 1)
    arguments[key] = value
artifacts = [a for stack in manifest["stacks"] for a in stack.get("artifacts", [])]
if not artifacts:
    sys.exit(f"deploy: {manifest_path} lists no function artifact")
bucket_parameter, key_parameter = artifacts[0]["bucketParameter"], artifacts[0]["keyParameter"]
bucket = arguments.get(bucket_parameter)
if not bucket:
    sys.exit(f"deploy: give the artifact bucket: scripts/deploy.sh {manifest['stage']} {bucket_parameter}=<bucket>")
if key_parameter in arguments:
    sys.exit(f"deploy: {key_parameter} is set by this script (chat-runtime/<sha256>.zip); leave it out")
digest = hashlib.sha256(open(zip_path, "rb").read()).hexdigest()
arguments[key_parameter] = f"chat-runtime/{digest}.zip"
print("\t".join(["upload", bucket, arguments[key_parameter]]))
declared_anywhere = set()
for stack in manifest["stacks"]:
    declared = {p["name"] for p in stack["parameters"]}
    declared_anywhere |= declared
    overrides = " ".join(f"{k}={v}" for k, v in arguments.items() if k in declared)
    print("\t".join(["stack", stack["stackName"], stack["template"], " ".join(stack["capabilities"]) or "-", overrides or "-"]))
unknown = sorted(set(arguments) - declared_anywhere)
if unknown:
    sys.exit(f"deploy: no stack of {manifest['stage']} declares {', '.join(unknown)}")
app = [s for s in manifest["stacks"] if any(o["name"] == "ApiUrl" for o in s["outputs"])]
if app:
    print("\t".join(["url", app[0]["stackName"]]))
PY
)"

while IFS=$'\t' read -r kind first second third fourth; do
  case "$kind" in
    upload)
      if aws s3api head-object --bucket "$first" --key "$second" >/dev/null 2>&1; then
        echo "==> s3://$first/$second is already there (same build)"
      else
        echo "==> aws s3 cp $zip s3://$first/$second"
        aws s3 cp "$zip" "s3://$first/$second"
      fi
      ;;
    stack)
      args=(cloudformation deploy --stack-name "$first" --template-file "$root/out/$stage/$second" --no-fail-on-empty-changeset)
      [ "$third" != "-" ] && args+=(--capabilities $third)
      [ "$fourth" != "-" ] && args+=(--parameter-overrides $fourth)
      echo "==> aws ${args[*]}"
      aws "${args[@]}"
      ;;
    url)
      url="$(aws cloudformation describe-stacks --stack-name "$first" --query "Stacks[0].Outputs[?OutputKey=='ApiUrl'].OutputValue" --output text)"
      echo "API URL: $url"
      ;;
  esac
done <<< "$plan"
