"""scripts/package.sh, scripts/lambda_package.py and scripts/deploy.sh: the architecture comes from the
manifest, the ELF check refuses a binary for the other architecture, the zip is byte-for-byte
reproducible, and a deploy uploads under the zip's SHA-256 and deploys the stacks in manifest order.

The AWS CLI and `swift sdk list` are replaced, at the process boundary, by recording scripts: a deploy
needs an AWS account, and the refusal needs a machine without a cross SDK."""
import hashlib
import json
import os
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest

from compiled_programs import compile_program  # noqa: F401 (a fixture: pytest finds it by name)

ROOT = Path(__file__).resolve().parents[2]
PACKAGER = ROOT / "scripts" / "lambda_package.py"
MACHINES = {"x86_64": 62, "arm64": 183}


def run(arguments, **options):
    return subprocess.run(arguments, capture_output=True, text=True, timeout=120, cwd=ROOT, **options)


def fake_elf(path, machine):
    # e_ident: magic, 64-bit, little-endian, version 1; then e_type (executable) and e_machine.
    header = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9) + (2).to_bytes(2, "little") + machine.to_bytes(2, "little")
    path.write_bytes(header + os.urandom(4096))
    return path


def manifest_architecture(stage):
    stacks = json.loads((ROOT / "out" / stage / "manifest.json").read_text())["stacks"]
    return {artifact["architecture"] for stack in stacks for artifact in stack["artifacts"]}


def test_the_architecture_is_the_stage_setting_the_manifest_carries():
    for stage in ["dev", "staging", "prod"]:
        result = run(["python3", str(PACKAGER), "architecture", f"out/{stage}/manifest.json"])
        assert result.returncode == 0, result.stderr
        assert {result.stdout.strip()} == manifest_architecture(stage)
    assert manifest_architecture("dev") == {"x86_64"} and manifest_architecture("prod") == {"arm64"}
    missing = run(["python3", str(PACKAGER), "architecture", "out/nowhere/manifest.json"])
    assert missing.returncode == 2 and "run `swift run synth <stage>` first" in missing.stderr


def test_a_binary_for_the_other_architecture_is_refused(tmp_path):
    binary = fake_elf(tmp_path / "chat-function", MACHINES["x86_64"])
    result = run(["python3", str(PACKAGER), "zip", "--binary", str(binary), "--architecture", "arm64", "--out", str(tmp_path / "b.zip")])
    assert result.returncode == 2
    assert "built for x86-64, but the stage's function runs on arm64" in result.stderr
    assert not (tmp_path / "b.zip").exists()
    script = tmp_path / "script"
    script.write_text("#!/bin/sh\n")
    result = run(["python3", str(PACKAGER), "zip", "--binary", str(script), "--architecture", "x86_64", "--out", str(tmp_path / "c.zip")])
    assert result.returncode == 2 and "not an ELF executable" in result.stderr


def test_the_zip_is_reproducible_and_holds_an_executable_bootstrap(tmp_path, compile_program):
    # A real binary for this machine: zip refuses what provided.al2023 could not load (test_loadability.py),
    # which a header over random bytes cannot show.
    program = compile_program("hello", '#include <stdio.h>\nint main(int argc, char **argv) { printf("%s\\n", argv[0]); return 0; }\n')
    binary = tmp_path / "chat-function"
    binary.write_bytes(program.read_bytes())
    host = "arm64" if os.uname().machine in ("aarch64", "arm64") else "x86_64"
    digests = []
    for attempt, mtime in enumerate([1_000_000_000, 1_700_000_000]):
        os.utime(binary, (mtime, mtime))
        out = tmp_path / f"{attempt}" / "bootstrap.zip"
        result = run(["python3", str(PACKAGER), "zip", "--binary", str(binary), "--architecture", host, "--out", str(out)])
        assert result.returncode == 0, result.stderr
        digest = hashlib.sha256(out.read_bytes()).hexdigest()
        assert f"sha256 {digest}" in result.stdout and f"{out.stat().st_size} bytes" in result.stdout
        digests.append(digest)
    assert digests[0] == digests[1]
    with zipfile.ZipFile(tmp_path / "0" / "bootstrap.zip") as archive:
        [entry] = archive.infolist()
        assert entry.filename == "bootstrap" and entry.date_time == (1980, 1, 1, 0, 0, 0)
        assert stat.S_IMODE(entry.external_attr >> 16) == 0o755
        assert archive.read("bootstrap") == binary.read_bytes()


def fake_tools(directory, sdk_list="No Swift SDKs are currently installed."):
    """`swift` answering `sdk list` (and failing anything else: nothing may be built), and `aws`
    recording its arguments."""
    directory.mkdir(exist_ok=True)
    swift = directory / "swift"
    swift.write_text(f'#!/bin/sh\nif [ "$1 $2" = "sdk list" ]; then echo "{sdk_list}"; exit 0; fi\necho "swift $*" >> "{directory}/swift.log"; exit 99\n')
    aws = directory / "aws"
    aws.write_text(f"""#!/bin/sh
echo "$*" >> "{directory}/aws.log"
case "$1 $2" in
  "s3api head-object") exit 254 ;;
  "cloudformation describe-stacks") echo "https://abc123.execute-api.us-east-1.amazonaws.com" ;;
esac
""")
    for tool in (swift, aws):
        tool.chmod(0o755)
    return {**os.environ, "PATH": f"{directory}:{os.environ['PATH']}"}


def test_package_refuses_a_stage_for_the_other_architecture_without_a_cross_sdk(tmp_path):
    host = "arm64" if os.uname().machine in ("aarch64", "arm64") else "x86_64"
    stage = next(s for s in ["dev", "staging", "prod"] if manifest_architecture(s) != {host})
    environment = fake_tools(tmp_path / "bin")
    result = run(["bash", "scripts/package.sh", stage], env=environment)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"stage {stage} runs on {manifest_architecture(stage).pop()}" in result.stderr
    assert "no Swift SDK" in result.stderr
    assert not (tmp_path / "bin" / "swift.log").exists(), "it started a build it had refused"


def test_deploy_uploads_under_the_zip_hash_and_deploys_the_stacks_in_manifest_order(tmp_path):
    environment = fake_tools(tmp_path / "bin")
    package = tmp_path / "bootstrap.zip"
    package.write_bytes(b"a zip's bytes")
    environment["CHAT_FUNCTION_ZIP"] = str(package)
    digest = hashlib.sha256(package.read_bytes()).hexdigest()
    result = run(["bash", "scripts/deploy.sh", "staging", "ArtifactBucket=chat-artifacts", "JwtAudience=web-client"], env=environment)
    assert result.returncode == 0, result.stdout + result.stderr
    calls = (tmp_path / "bin" / "aws.log").read_text().splitlines()
    assert calls[0] == f"s3api head-object --bucket chat-artifacts --key chat-runtime/{digest}.zip"
    assert calls[1] == f"s3 cp {package} s3://chat-artifacts/chat-runtime/{digest}.zip"
    database, app = calls[2], calls[3]
    assert database.startswith("cloudformation deploy --stack-name chat-staging-database ")
    assert "--parameter-overrides" not in database
    assert app.startswith("cloudformation deploy --stack-name chat-staging-app ")
    assert "ArtifactBucket=chat-artifacts" in app and f"ArtifactKey=chat-runtime/{digest}.zip" in app
    assert "JwtAudience=web-client" in app and "--capabilities CAPABILITY_IAM" in app
    assert "API URL: https://abc123.execute-api.us-east-1.amazonaws.com" in result.stdout


@pytest.mark.parametrize("arguments, message", [
    ([], "give the artifact bucket: scripts/deploy.sh staging ArtifactBucket=<bucket>"),
    (["ArtifactBucket=b", "ArtifactKey=mine.zip"], "ArtifactKey is set by this script"),
    (["ArtifactBucket=b", "Colour=blue"], "no stack of staging declares Colour"),
    (["ArtifactBucket=b", "oops"], "'oops' is not ParameterKey=Value"),
])
def test_deploy_refuses_bad_arguments_before_touching_aws(tmp_path, arguments, message):
    environment = fake_tools(tmp_path / "bin")
    package = tmp_path / "bootstrap.zip"
    package.write_bytes(b"zip")
    environment["CHAT_FUNCTION_ZIP"] = str(package)
    result = run(["bash", "scripts/deploy.sh", "staging", *arguments], env=environment)
    assert result.returncode != 0 and message in result.stderr, result.stderr
    assert not (tmp_path / "bin" / "aws.log").exists()


@pytest.mark.parametrize("script, arguments", [
    ("package.sh", []),
    ("package.sh", ["--bogus"]),
    ("package.sh", ["dev", "extra"]),
    ("deploy.sh", []),
    ("deploy.sh", ["--bogus"]),
    ("postgres.sh", ["restart-everything"]),
])
def test_scripts_print_their_usage_and_exit_2_on_bad_usage(script, arguments):
    result = run(["bash", f"scripts/{script}", *arguments])
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert f"usage: scripts/{script}" in result.stderr, result.stderr
    assert "line " not in result.stderr, result.stderr


@pytest.mark.parametrize("script", ["package.sh", "deploy.sh"])
def test_scripts_answer_help(script):
    result = run(["bash", f"scripts/{script}", "--help"])
    assert result.returncode == 0 and result.stdout.startswith(f"usage: scripts/{script}"), result.stdout
