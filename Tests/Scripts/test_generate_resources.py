"""scripts/generate_resources.py: the committed typed resources are what the provider schemas in the
pinned cfn-lint generate, and `--check` notices when they are not."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "generate_resources.py"


def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300)


def test_the_committed_resources_match_the_schemas():
    result = run("--check")
    assert result.returncode == 0, result.stderr


def test_check_fails_on_an_edited_or_extra_file_and_names_it(tmp_path):
    assert run("--out", str(tmp_path)).returncode == 0
    written = sorted(p.name for p in tmp_path.glob("*.swift"))
    assert "RDS.swift" in written and "Lambda.swift" in written
    assert run("--check", "--out", str(tmp_path)).returncode == 0

    rds = tmp_path / "RDS.swift"
    rds.write_text(rds.read_text().replace("Typed<Bool>", "Typed<String>", 1))
    edited = run("--check", "--out", str(tmp_path))
    assert edited.returncode == 1 and "RDS.swift" in edited.stderr

    run("--out", str(tmp_path))
    (tmp_path / "Stray.swift").write_text("// not generated\n")
    extra = run("--check", "--out", str(tmp_path))
    assert extra.returncode == 1 and "Stray.swift" in extra.stderr


def test_properties_carry_types_docs_and_update_behaviour(tmp_path):
    run("--out", str(tmp_path))
    rds = (tmp_path / "RDS.swift").read_text()
    assert "public var enableHttpEndpoint: Typed<Bool>?" in rds
    assert "public var port: Typed<Int>?" in rds
    assert "public var serverlessV2ScalingConfiguration: Typed<ServerlessV2ScalingConfiguration>?" in rds
    assert "public var endpointAddress: Typed<String> { attribute(\"Endpoint.Address\") }" in rds
    # What the schema says a change does, in each property's doc comment.
    def note(declaration):
        end = rds.index(declaration)
        return rds[rds.rindex("/// Update:", 0, end):end]
    assert "replaces the resource" in note("public var storageEncrypted: Typed<Bool>?")
    assert "may replace the resource" in note("public var engine: Typed<String>?")
    assert "in place" in note("public var enableHttpEndpoint: Typed<Bool>?")
    ec2 = (tmp_path / "EC2.swift").read_text()
    assert 'case gateway = "Gateway"' in ec2
