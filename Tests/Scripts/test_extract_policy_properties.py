"""scripts/extract_policy_properties.py: the committed table of policy-document properties is what the
provider schemas in the pinned cfn-lint give, and `--check` says when it is not."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "extract_policy_properties.py"
TABLE = ROOT / "Sources" / "StackDiff" / "Generated" / "PolicyPropertiesTable.swift"


def test_the_committed_table_matches_the_schemas():
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def test_it_names_identity_trust_and_resource_policies():
    rows = dict(line.split("\t") for line in TABLE.read_text().splitlines() if line.startswith("AWS::"))
    assert rows["AWS::IAM::ManagedPolicy"] == "PolicyDocument"  # a `format: json` value, not an object type
    assert rows["AWS::IAM::Role"] == "AssumeRolePolicyDocument"
    assert rows["AWS::KMS::Key"] == "KeyPolicy"
    assert rows["AWS::SecretsManager::ResourcePolicy"] == "ResourcePolicy"
    assert "AccessPolicies" in rows["AWS::OpenSearchService::Domain"].split(",")
    # A property with fields of its own is configuration, not a policy document.
    assert "AWS::AutoScaling::AutoScalingGroup" not in rows


def test_check_fails_on_an_edited_table(tmp_path):
    original = TABLE.read_text()
    try:
        TABLE.write_text(original.replace("AWS::KMS::Key\tKeyPolicy\n", ""))
        result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=300)
        assert result.returncode == 1 and "PolicyPropertiesTable.swift" in result.stderr
    finally:
        TABLE.write_text(original)
