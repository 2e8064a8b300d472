"""The chat API's OpenAPI document: valid OpenAPI 3.1 (openapi-spec-validator), served by
`chat-function serve` as synth wrote it, and the function's answers fuzzed against it with schemathesis
on both backends: no 500, no response the document does not describe, no request over a second.
FUZZ_MAX_EXAMPLES sets the examples per operation (the CI pass generates over 1,000 requests per backend)."""
import json
import os
import re
import subprocess
import urllib.request

import pytest
from openapi_spec_validator import validate

from conftest import Endpoint, ROOT, Server, postgres_settings

CHAT_STORE = ROOT / ".build" / "debug" / "chat-store"
CHAT_FUNCTION = ROOT / ".build" / "debug" / "chat-function"
SCHEMATHESIS = ROOT / ".venv" / "bin" / "schemathesis"


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_the_document_is_valid_openapi(stage):
    document = json.loads((ROOT / "out" / stage / "openapi.json").read_text())
    validate(document)
    assert document["openapi"] == "3.1.0"


def environment(**variables):
    base = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    base.update({"HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"})
    base.update(variables)
    return base


@pytest.fixture(params=["postgres", "aurora_data_api"])
def served(request, database):
    port, _ = postgres_settings()
    endpoint = None
    if request.param == "postgres":
        variables = environment(MEMORY_BACKEND_TYPE="postgres", DATABASE_URL=f"postgresql://postgres@127.0.0.1:{port}/{database}", PGSSLMODE="disable")
    else:
        endpoint = Endpoint(database)
        variables = environment(MEMORY_BACKEND_TYPE="aurora_data_api", DATA_API_ENDPOINT=endpoint.url)
    migrated = subprocess.run([str(CHAT_STORE), "migrate"], env=variables, capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    server = Server([CHAT_FUNCTION, "serve", "--port", "{port}"], "chat-function serve", env=variables, wait_seconds=60)
    yield request.param, server
    server.stop()
    if endpoint:
        endpoint.stop()


def test_serve_answers_what_the_document_allows(served, tmp_path):
    backend, server = served
    with urllib.request.urlopen(server.url + "/openapi.json", timeout=10) as response:
        assert response.read().decode() == (ROOT / "out" / "dev" / "openapi.json").read_text()
    examples = os.environ.get("FUZZ_MAX_EXAMPLES", "40")
    # The JWT is API Gateway's to check: locally the bearer token names the user, so the checks of a
    # rejected token (ignored_auth) do not apply; every other check does.
    checks = ",".join(["not_a_server_error", "response_schema_conformance", "status_code_conformance", "positive_data_acceptance",
                       "negative_data_rejection", "content_type_conformance", "response_headers_conformance"])
    result = subprocess.run([str(SCHEMATHESIS), "run", server.url + "/openapi.json", "-H", "Authorization: Bearer alice",
                             "--max-examples", examples, "--seed", "1", "--checks", checks, "--max-response-time", "1",
                             "--no-color"], capture_output=True, text=True, timeout=1800, cwd=tmp_path)
    summary = result.stdout[-3000:]
    # Its report, and its cache, stay out of the repository.
    (ROOT / ".build" / f"schemathesis-{backend}.log").write_text(result.stdout)
    found = re.search(r"(\d+) generated", result.stdout)
    generated = int(found.group(1)) if found else 0
    print(f"{backend}: {generated} generated requests; {summary.splitlines()[-1] if summary else ''}")
    assert result.returncode == 0, summary
    assert generated >= 1000, f"only {generated} requests generated: {summary}"
