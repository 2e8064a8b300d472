"""The runtime's AWS credential chain against botocore's, on the same environment and files, with
local stand-ins for every place credentials come from: moto's STS (web identity, assumed roles),
the container endpoint, instance metadata and the SSO portal (scripts/aws_credential_standins.py).
Then a sync that outlives its credentials, through a gateway that refuses expired keys."""
import hashlib
import json
import os
import subprocess
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import boto3
import pytest

from conftest import ROOT, Server, postgres_settings

CHAT_STORE = ROOT / ".build" / "debug" / "chat-store"
PYTHON = ROOT / ".venv" / "bin" / "python"


@pytest.fixture(scope="module")
def moto():
    server = Server([ROOT / ".venv" / "bin" / "moto_server", "-H", "127.0.0.1", "-p", "{port}"], "moto_server")
    yield server
    server.stop()


def start_standins(moto_url, lifetime=3600):
    return Server([PYTHON, ROOT / "scripts" / "aws_credential_standins.py", "{port}", moto_url, str(lifetime)], "credential stand-ins")


@pytest.fixture(scope="module")
def standins(moto):
    server = start_standins(moto.url)
    yield server
    server.stop()


def stats(standins):
    with urllib.request.urlopen(standins.url + "/_stats", timeout=5) as response:
        return json.load(response)


@pytest.fixture
def home(tmp_path):
    """A home with shared files holding every kind of profile the scenarios name."""
    aws = tmp_path / ".aws"
    (aws / "sso" / "cache").mkdir(parents=True)
    (aws / "credentials").write_text(
        "[default]\naws_access_key_id = AKIADEFAULTPROF1\naws_secret_access_key = default-secret\n\n"
        "[dev]\naws_access_key_id = AKIADEVCREDS0001\naws_secret_access_key = dev-secret\n")
    (aws / "config").write_text(
        "[default]\nregion = us-west-2\n\n"
        "[profile dev]\nregion = eu-west-3\n\n"
        "[profile cfg]\naws_access_key_id = AKIACONFIGKEYS01\naws_secret_access_key = cfg-secret\nregion = ap-south-1\n\n"
        "[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/operator\nsource_profile = dev\nrole_session_name = ops\n\n"
        "[profile proc]\ncredential_process = printf '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROCESS00001\", \"SecretAccessKey\": \"p\"}'\n\n"
        "[profile corp]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = ChatOperator\nregion = eu-north-1\n\n"
        "[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
        "sso_registration_scopes = sso:account:access\n")
    expires = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    cache = aws / "sso" / "cache" / (hashlib.sha1(b"corp").hexdigest() + ".json")
    cache.write_text(json.dumps({"startUrl": "https://example.awsapps.com/start", "region": "us-east-1",
                                 "accessToken": "sso-token", "expiresAt": expires}))
    (tmp_path / "web-identity-token").write_text("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.signature")
    (tmp_path / "container-token").write_text("container-token")
    return tmp_path


def base_environment(home):
    """Nothing of this machine's AWS settings: the scenario's variables only."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    environment.update({"HOME": str(home), "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
                        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
                        "AWS_EC2_METADATA_DISABLED": "true"})
    return environment


BOTOCORE = """
import json, botocore.session
session = botocore.session.get_session()
credentials = session.get_credentials()
frozen = credentials.get_frozen_credentials()
print(json.dumps({"kind": credentials.method, "accessKeyIdEnding": frozen.access_key[-4:],
                  "region": session.get_config_variable("region")}))
"""


def botocore_view(environment):
    # botocore reads the region from AWS_DEFAULT_REGION only; the other SDKs (and Lambda) set AWS_REGION first.
    environment = dict(environment)
    if "AWS_REGION" in environment:
        environment["AWS_DEFAULT_REGION"] = environment["AWS_REGION"]
    result = subprocess.run([str(PYTHON), "-c", BOTOCORE], env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def chat_store(environment, *arguments, timeout=60):
    if not CHAT_STORE.exists():
        pytest.fail(f"{CHAT_STORE} is missing: run swift build first")
    return subprocess.run([str(CHAT_STORE), *arguments], env=environment, capture_output=True, text=True, timeout=timeout)


def scenarios(home, moto, standins):
    return {
        "environment variables win over the default profile": {
            "AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT1", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_REGION": "eu-west-1"},
        "a web identity token file": {
            "AWS_WEB_IDENTITY_TOKEN_FILE": str(home / "web-identity-token"), "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci",
            "AWS_ROLE_SESSION_NAME": "ci", "AWS_ENDPOINT_URL_STS": moto.url, "AWS_REGION": "us-east-1"},
        "the default profile's keys": {},
        "a named profile's keys in the credentials file": {"AWS_PROFILE": "dev"},
        "a profile's keys in the config file": {"AWS_PROFILE": "cfg"},
        "a role assumed with a source profile": {"AWS_PROFILE": "ops", "AWS_ENDPOINT_URL_STS": moto.url, "AWS_REGION": "us-east-1"},
        "credential_process": {"AWS_PROFILE": "proc", "AWS_REGION": "us-east-1"},
        "SSO through an sso-session": {"AWS_PROFILE": "corp", "AWS_ENDPOINT_URL_SSO": standins.url},
        "the container endpoint with a token file": {
            "AWS_CONFIG_FILE": str(home / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(home / "none"),
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": standins.url + "/container/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(home / "container-token"), "AWS_REGION": "us-east-1"},
        "instance metadata": {
            "AWS_CONFIG_FILE": str(home / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(home / "none"),
            "AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": standins.url, "AWS_REGION": "us-east-1"},
    }


# The scenarios' names, from the same table (the servers' addresses do not change what is in it).
SCENARIOS = list(scenarios(Path("/"), SimpleNamespace(url=""), SimpleNamespace(url="")))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_chain_chooses_the_source_and_keys_botocore_chooses(scenario, home, moto, standins):
    environment = base_environment(home)
    environment.update(scenarios(home, moto, standins)[scenario])
    result = chat_store(environment, "credentials")
    assert result.returncode == 0, result.stderr
    ours = json.loads(result.stdout)
    theirs = botocore_view(environment)
    assert ours["kind"] == theirs["kind"], (scenario, ours, theirs)
    assert ours["region"] == theirs["region"], (scenario, ours, theirs)
    if ours["kind"] not in ("assume-role", "assume-role-with-web-identity", "container-role", "iam-role", "sso"):
        # Static keys: the very same; the others are issued afresh for each fetch.
        assert ours["accessKeyIdEnding"] == theirs["accessKeyIdEnding"], (scenario, ours, theirs)
    else:
        assert ours["sessionToken"] and ours["expiration"], ours


def test_instance_metadata_gives_the_region_when_nothing_else_does(home, standins):
    environment = base_environment(home)
    environment.update({"AWS_CONFIG_FILE": str(home / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(home / "none"),
                        "AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": standins.url})
    result = chat_store(environment, "credentials")
    assert result.returncode == 0, result.stderr
    ours = json.loads(result.stdout)
    assert (ours["kind"], ours["region"], ours["regionSource"]) == ("iam-role", "eu-central-1", "EC2 instance metadata")
    assert ours["source"].startswith("EC2 instance metadata (IMDSv2 at http://127.0.0.1:")


@pytest.mark.parametrize("variables, status, words", [
    ({"AWS_PROFILE": "nosuch"}, 2, ['AWS_PROFILE: names profile "nosuch"', "aws configure list-profiles"]),
    ({"AWS_ACCESS_KEY_ID": "AKIAONLYKEY00001"}, 2, ["AWS_SECRET_ACCESS_KEY: is not set, but AWS_ACCESS_KEY_ID is"]),
    ({"AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent/token"}, 2, ["AWS_ROLE_ARN: is not set"]),
    ({"AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "false",
      "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9"}, 1, ["no AWS credentials found", "could not be reached within 1"]),
    ({"AWS_PROFILE": "corp", "AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:9"}, 1, ["AWS_ENDPOINT_URL_SSO", 'SSO of profile "corp"']),
])
def test_a_misconfiguration_is_answered_within_five_seconds_naming_the_setting(home, variables, status, words):
    environment = base_environment(home)
    environment.update(variables)
    started = time.monotonic()
    result = chat_store(environment, "credentials", timeout=30)
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"took {elapsed:.1f} s"
    assert result.returncode == status, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    assert "Swift" not in result.stderr and "Error(" not in result.stderr


def bot_item(index):
    return {"PK": {"S": f"sub-owner-{index % 7}"}, "SK": {"S": f"BOT#01JBOT{index:06d}"}, "BotId": {"S": f"01JBOT{index:06d}"},
            "Title": {"S": f"Lantern helper {index}"}, "Description": {"S": f"Bot {index} answers questions about lanterns"},
            "CreateTime": {"N": str(1_700_000_000_000 + index)}, "SharedScope": {"S": "all"}, "Instruction": {"S": "Be helpful."}}


def test_a_sync_that_outlives_its_credentials_refreshes_them_and_no_request_is_refused(home, moto, database):
    # Credentials from the container endpoint live 3 s; the gateway refuses a key once it has expired.
    standins = start_standins(moto.url, lifetime=3)
    try:
        dynamodb = boto3.client("dynamodb", endpoint_url=moto.url, region_name="us-east-1",
                                aws_access_key_id="testing", aws_secret_access_key="testing")
        table = "bots-" + database
        dynamodb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
                              AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}, {"AttributeName": "SK", "AttributeType": "S"}])
        for start in range(0, 240, 25):
            dynamodb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": bot_item(i)}} for i in range(start, min(start + 25, 240))]})

        port, _ = postgres_settings()
        environment = base_environment(home)
        environment.update({"MEMORY_BACKEND_TYPE": "postgres", "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{port}/{database}",
                            "PGSSLMODE": "disable", "AWS_CONFIG_FILE": str(home / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(home / "none"),
                            "AWS_CONTAINER_CREDENTIALS_FULL_URI": standins.url + "/container/credentials",
                            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-token", "AWS_REGION": "us-east-1",
                            "AWS_ENDPOINT_URL_DYNAMODB": standins.url})
        migrated = chat_store(environment, "migrate")
        assert migrated.returncode == 0, migrated.stderr
        started = time.monotonic()
        # One segment, small pages, each written before the next is read: a sync of several seconds.
        synced = chat_store(environment, "sync", "--bots-table", table, "--segments", "1", "--page-size", "4", timeout=300)
        elapsed = time.monotonic() - started
        assert synced.returncode == 0, synced.stderr
        summary = json.loads(synced.stdout)
        assert summary[0]["counts"]["indexed"] == 240, summary
        seen = stats(standins)
        assert seen["rejected"] == 0, seen
        # Refreshed in the middle: several sets, each fetched before the one in use expired.
        assert seen["issued"].get("cont", 0) >= 2 and elapsed > 3, (seen, elapsed)
        print(f"sync of {elapsed:.1f} s: {seen['issued']['cont']} credential sets, {seen['forwarded']} requests, 0 refused")
    finally:
        standins.stop()


def test_the_documented_example_is_what_chat_store_prints(home):
    page = (ROOT / "docs" / "runtime.md").read_text()
    start = page.index("<!-- credentials-example -->")
    block = page[start:page.index("<!-- /credentials-example -->")]
    command, _, shown = block.split("```sh\n", 1)[1].rsplit("```", 1)[0].partition("\n")
    assert command == "$ AWS_PROFILE=dev swift run chat-store credentials"
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    environment.update({"HOME": str(home), "AWS_PROFILE": "dev", "AWS_EC2_METADATA_DISABLED": "true"})
    result = chat_store(environment, "credentials")
    assert result.returncode == 0, result.stderr
    assert result.stdout == shown, "docs/runtime.md's example should read:\n" + result.stdout
