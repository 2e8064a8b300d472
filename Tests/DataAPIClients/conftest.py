"""Fixtures for driving data-api-local with boto3, the AWS SDK for Python: the test PostgreSQL that
scripts/postgres.sh runs, a fresh database per test, and the endpoint started on a free port."""
import os
import re
import socket
import subprocess
import time
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / ".build" / "debug" / "data-api-local"
RESOURCE_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:chat-local"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:chat-local-AbCdEf"


def postgres_settings():
    values = dict(os.environ)
    state = ROOT / ".build" / "test-postgres.env"
    if "TEST_POSTGRES_PORT" not in values and state.exists():
        for line in state.read_text().splitlines():
            key, _, value = line.partition("=")
            values[key] = value
    if "TEST_POSTGRES_PORT" not in values:
        pytest.fail("No test PostgreSQL: run scripts/test.sh, or scripts/postgres.sh start first")
    return values["TEST_POSTGRES_PORT"], values["TEST_POSTGRES_BIN"]


def psql(database, sql):
    port, bin_dir = postgres_settings()
    subprocess.run([f"{bin_dir}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", port, "-U", "postgres",
                    "-d", database, "-c", sql], check=True, capture_output=True, timeout=60)


@pytest.fixture
def database():
    name = "dataapi_" + uuid.uuid4().hex
    psql("postgres", f"CREATE DATABASE {name}")
    yield name
    psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server the tests run as a child process on a free loopback port (`{port}` in its arguments),
    waited for until it listens, and stopped (SIGTERM, then SIGKILL after 10 s)."""

    def __init__(self, arguments, name, env=None, wait_seconds=30):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([str(a).replace("{port}", str(self.port)) for a in arguments], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.time() + wait_seconds
        while time.time() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"{name} exited: " + self.process.stdout.read())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        pytest.fail(f"{name} did not start listening within {wait_seconds} s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Endpoint(Server):
    """data-api-local on the test PostgreSQL's `database`."""

    def __init__(self, database, *flags):
        if not BINARY.exists():
            pytest.fail(f"{BINARY} is missing: run swift build first")
        port, _ = postgres_settings()
        super().__init__([BINARY, "--port", "{port}", "--database-url", f"postgresql://postgres@127.0.0.1:{port}/{database}", *flags],
                         "data-api-local")

    def client(self, access_key="AKIDTEST", secret_key="test-secret", token=None):
        return boto3.client("rds-data", endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id=access_key, aws_secret_access_key=secret_key, aws_session_token=token,
                            config=Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=60))


@pytest.fixture
def start_endpoint(database):
    started = []

    def start(*flags):
        endpoint = Endpoint(database, *flags)
        started.append(endpoint)
        return endpoint

    yield start
    for endpoint in started:
        endpoint.stop()


@pytest.fixture
def endpoint(start_endpoint):
    return start_endpoint()


@pytest.fixture
def client(endpoint):
    return endpoint.client()


class Calls:
    """ExecuteStatement and friends with the ARNs filled in."""

    def __init__(self, client):
        self.client = client

    def execute(self, sql, parameters=None, **options):
        return self.client.execute_statement(resourceArn=RESOURCE_ARN, secretArn=SECRET_ARN, sql=sql,
                                             parameters=parameters or [], **options)

    def batch(self, sql, parameter_sets, **options):
        return self.client.batch_execute_statement(resourceArn=RESOURCE_ARN, secretArn=SECRET_ARN, sql=sql,
                                                   parameterSets=parameter_sets, **options)

    def begin(self):
        return self.client.begin_transaction(resourceArn=RESOURCE_ARN, secretArn=SECRET_ARN)["transactionId"]

    def commit(self, transaction):
        return self.client.commit_transaction(resourceArn=RESOURCE_ARN, secretArn=SECRET_ARN, transactionId=transaction)

    def rollback(self, transaction):
        return self.client.rollback_transaction(resourceArn=RESOURCE_ARN, secretArn=SECRET_ARN, transactionId=transaction)


@pytest.fixture
def calls(client):
    return Calls(client)


def readme_session(marker):
    """The documented session between <!-- marker --> comments (in README.md or a page under docs/):
    terminal 1's server command lines and terminal 2's script."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for page in pages:
        match = re.search(rf"<!-- {marker} -->\s*```sh\n(.*?)```\s*<!-- /{marker} -->", page.read_text(), re.S)
        if match:
            terminal1, terminal2 = match.group(1).split("# Terminal 2\n")
            return [line for line in terminal1.splitlines() if line and not line.startswith("#")], terminal2
    pytest.fail(f"no page of the documentation has a session between <!-- {marker} --> markers")


def start_readme_server(command, port):
    """Terminal 1 of a README session, on `port` instead of the README's 8080; waits until it listens."""
    server = subprocess.Popen(["bash", "-c", "exec " + command.replace("8080", port)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 120
    while True:
        try:
            with socket.create_connection(("127.0.0.1", int(port)), timeout=0.2):
                return server
        except OSError:
            if server.poll() is not None:
                pytest.fail("the README's server exited: " + server.stdout.read())
            if time.time() > deadline:
                server.kill()
                pytest.fail("the README's server did not listen within 120 s")
            time.sleep(0.2)
