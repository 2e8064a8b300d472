"""Misconfigurations an operator makes, each answered by chat-store within 5 s with its likely cause:
a database that does not exist (named), an endpoint that refuses, a name that does not resolve,
credentials the service rejects (with where they came from), and a sync whose DynamoDB cannot be
reached, which says what it is doing from its first second."""
import os
import subprocess
import time

import pytest

from conftest import RESOURCE_ARN, ROOT, SECRET_ARN, postgres_settings

CHAT_STORE = ROOT / ".build" / "debug" / "chat-store"
CONVERSATION = "3f1c2d9e-8a3b-4c5d-9e7f-0a1b2c3d4e5f"


def run(environment, *arguments):
    if not CHAT_STORE.exists():
        pytest.fail(f"{CHAT_STORE} is missing: run swift build first")
    base = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    base.update({"HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true", "AWS_REGION": "us-east-1"})
    base.update(environment)
    started = time.monotonic()
    result = subprocess.run([str(CHAT_STORE), *arguments], env=base, capture_output=True, text=True, timeout=60)
    return result, time.monotonic() - started


def data_api(endpoint_url, database, **extra):
    environment = {"MEMORY_BACKEND_TYPE": "aurora_data_api", "DATA_API_ENDPOINT": endpoint_url, "DB_CLUSTER_ARN": RESOURCE_ARN,
                   "DB_SECRET_ARN": SECRET_ARN, "DB_NAME": database, "AWS_ACCESS_KEY_ID": "AKIDLOCAL",
                   "AWS_SECRET_ACCESS_KEY": "local-secret-access-key"}
    environment.update(extra)
    return environment


def check(result, elapsed, status, *words):
    print(f"answered after {elapsed:.2f} s")
    assert elapsed < 5, f"answered after {elapsed:.1f} s: {result.stderr}"
    assert result.returncode == status, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    assert "Exception(" not in result.stderr and "Error(" not in result.stderr, result.stderr


def test_a_misspelt_database_name_is_named(start_endpoint, database):
    endpoint = start_endpoint()
    result, elapsed = run(data_api(endpoint.url, database + "x"), "history", "--conversation", CONVERSATION)
    check(result, elapsed, 1, f'has no database "{database}x"', "set the database name to one that exists")


def test_an_endpoint_that_refuses_is_named(database):
    result, elapsed = run(data_api("http://127.0.0.1:9", database), "history", "--conversation", CONVERSATION)
    check(result, elapsed, 1, "nothing accepts connections at http://127.0.0.1:9 (connection refused)")


def test_an_endpoint_whose_name_does_not_resolve_is_named(database):
    result, elapsed = run(data_api("http://chat-data-api.invalid:8080", database), "history", "--conversation", CONVERSATION)
    check(result, elapsed, 1, "the host name of http://chat-data-api.invalid:8080 does not resolve (DNS)")


def test_rejected_credentials_say_where_they_came_from(start_endpoint, database):
    endpoint = start_endpoint("--verify-signatures")
    result, elapsed = run(data_api(endpoint.url, database, AWS_ACCESS_KEY_ID="AKIDSOMEONEELSE"), "history", "--conversation", CONVERSATION)
    check(result, elapsed, 1, "UnrecognizedClientException", "the credentials came from environment variables (AWS_ACCESS_KEY_ID)")


@pytest.mark.parametrize("dynamodb, cause", [
    ("http://127.0.0.1:9", "nothing accepts connections at http://127.0.0.1:9"),
    ("http://dynamodb.invalid:4566", "does not resolve (DNS)"),
])
def test_a_sync_whose_dynamodb_cannot_be_reached_says_so_at_once(database, dynamodb, cause):
    port, _ = postgres_settings()
    environment = {"MEMORY_BACKEND_TYPE": "postgres", "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{port}/{database}",
                   "PGSSLMODE": "disable", "AWS_ACCESS_KEY_ID": "AKIDLOCAL", "AWS_SECRET_ACCESS_KEY": "secret",
                   "AWS_ENDPOINT_URL_DYNAMODB": dynamodb}
    migrated, _ = run(environment, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    result, elapsed = run(environment, "sync", "--bots-table", "bots")
    check(result, elapsed, 1, "sync bots: starting, 4 segments", "DescribeTable", cause)
