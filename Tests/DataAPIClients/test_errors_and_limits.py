"""Errors and limits as the service reports them: each raises the botocore exception class a real
Data API call would, and raw HTTP clients see the same status, header and body."""
import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import RESOURCE_ARN, SECRET_ARN, Calls


def raw_post(endpoint, path, body, headers=None):
    request = urllib.request.Request(endpoint.url + path, data=body, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_multiple_statements_are_refused(calls):
    with pytest.raises(calls.client.exceptions.BadRequestException, match="Multistatements aren't supported"):
        calls.execute("SELECT 1; SELECT 2")


def test_sql_longer_than_65536_characters_is_refused(calls):
    with pytest.raises(calls.client.exceptions.BadRequestException, match="65536"):
        calls.execute("SELECT 1 " + " " * 65_536)


def test_a_result_over_one_mebibyte_fails_like_the_service(calls):
    with pytest.raises(calls.client.exceptions.BadRequestException, match="response size limit"):
        calls.execute("SELECT repeat('x', 1000) FROM generate_series(1, 1500)")
    assert len(calls.execute("SELECT repeat('x', 1000) FROM generate_series(1, 500)")["records"]) == 500


def test_postgresql_errors_carry_their_sqlstate(calls):
    with pytest.raises(calls.client.exceptions.DatabaseErrorException, match="SQLState: 42P01"):
        calls.execute("SELECT * FROM missing_table")
    with pytest.raises(calls.client.exceptions.DatabaseErrorException, match="SQLState: 22012"):
        calls.execute("SELECT 1 / 0")


def test_a_missing_parameter_is_a_bad_request(calls):
    with pytest.raises(calls.client.exceptions.BadRequestException, match="No value specified for parameter: id"):
        calls.execute("SELECT :id")


def test_malformed_json_and_missing_fields(endpoint):
    status, headers, body = raw_post(endpoint, "/Execute", b"{not json")
    assert status == 400
    assert headers["x-amzn-ErrorType"] == "BadRequestException"
    assert json.loads(body)["code"] == "BadRequestException"
    status, headers, body = raw_post(endpoint, "/Execute", json.dumps({"resourceArn": RESOURCE_ARN, "secretArn": SECRET_ARN}).encode())
    assert status == 400 and "'sql'" in json.loads(body)["message"]


def test_other_arns_are_refused_when_the_endpoint_is_pinned(start_endpoint):
    endpoint = start_endpoint("--resource-arn", RESOURCE_ARN, "--secret-arn", SECRET_ARN)
    client = endpoint.client()
    client.execute_statement(resourceArn=RESOURCE_ARN, secretArn=SECRET_ARN, sql="SELECT 1")
    with pytest.raises(client.exceptions.NotFoundException):
        client.execute_statement(resourceArn=RESOURCE_ARN + "-other", secretArn=SECRET_ARN, sql="SELECT 1")
    with pytest.raises(client.exceptions.SecretsErrorException):
        client.execute_statement(resourceArn=RESOURCE_ARN, secretArn=SECRET_ARN + "x", sql="SELECT 1")


def test_signatures_are_checked_when_asked(start_endpoint):
    endpoint = start_endpoint("--verify-signatures", "--access-key-id", "AKIDLOCAL", "--secret-access-key", "right-secret")
    good = Calls(endpoint.client(access_key="AKIDLOCAL", secret_key="right-secret"))
    assert good.execute("SELECT 1")["records"] == [[{"longValue": 1}]]
    for access_key, secret, code in [("AKIDLOCAL", "wrong-secret", "InvalidSignatureException"),
                                     ("AKIDOTHER", "right-secret", "UnrecognizedClientException")]:
        with pytest.raises(ClientError) as error:
            Calls(endpoint.client(access_key=access_key, secret_key=secret)).execute("SELECT 1")
        assert error.value.response["Error"]["Code"] == code
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

    # A request signed by botocore, then tampered with on the way: the body no longer matches.
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    body = json.dumps({"resourceArn": RESOURCE_ARN, "secretArn": SECRET_ARN, "sql": "SELECT 1"}).encode()
    request = AWSRequest(method="POST", url=endpoint.url + "/Execute", data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials("AKIDLOCAL", "right-secret"), "rds-data", "us-east-1").add_auth(request)
    headers = dict(request.headers)
    status, _, _ = raw_post(endpoint, "/Execute", body, headers)
    assert status == 200
    status, response_headers, _ = raw_post(endpoint, "/Execute", body.replace(b"SELECT 1", b"SELECT 2"), headers)
    assert status == 403 and response_headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    status, response_headers, _ = raw_post(endpoint, "/Execute", body)
    assert status == 403 and response_headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_auto_pause_answers_resuming_and_then_recovers(start_endpoint):
    calls = Calls(start_endpoint("--auto-pause-after", "1", "--resume-seconds", "1.5").client())
    calls.execute("SELECT 1")
    time.sleep(1.5)
    with pytest.raises(calls.client.exceptions.DatabaseResumingException):
        calls.execute("SELECT 1")
    with pytest.raises(calls.client.exceptions.DatabaseResumingException):
        calls.begin()
    deadline = time.time() + 10
    while True:
        try:
            assert calls.execute("SELECT 2")["records"] == [[{"longValue": 2}]]
            break
        except calls.client.exceptions.DatabaseResumingException:
            assert time.time() < deadline, "still resuming after 10 s"
            time.sleep(0.25)


def test_a_statement_past_the_wait_times_out_and_continue_after_timeout_lets_it_finish(start_endpoint):
    calls = Calls(start_endpoint("--statement-wait", "0.5").client())
    calls.execute("CREATE TABLE slow (n int)")
    # Without continueAfterTimeout the statement is cancelled when the call stops waiting.
    with pytest.raises(calls.client.exceptions.StatementTimeoutException):
        calls.execute("INSERT INTO slow SELECT 1 FROM pg_sleep(1.5)")
    time.sleep(1.5)
    assert calls.execute("SELECT count(*) FROM slow")["records"] == [[{"longValue": 0}]]
    # With it, the call times out the same way but the statement runs on to its end.
    with pytest.raises(calls.client.exceptions.StatementTimeoutException):
        calls.execute("INSERT INTO slow SELECT 2 FROM pg_sleep(1.5)", continueAfterTimeout=True)
    deadline = time.time() + 10
    while calls.execute("SELECT count(*) FROM slow")["records"] != [[{"longValue": 1}]]:
        assert time.time() < deadline, "the statement sent with continueAfterTimeout did not finish"
        time.sleep(0.2)
    assert calls.execute("SELECT n FROM slow")["records"] == [[{"longValue": 2}]]
    # A statement within the wait answers as usual.
    assert calls.execute("SELECT 3", continueAfterTimeout=True)["records"] == [[{"longValue": 3}]]


def test_many_clients_at_once(endpoint):
    calls = Calls(endpoint.client())
    calls.execute("CREATE TABLE hits (worker int, n int)")
    failures = []

    def work(worker):
        local = Calls(endpoint.client())
        try:
            for n in range(20):
                local.execute("INSERT INTO hits VALUES (:w, :n)", [{"name": "w", "value": {"longValue": worker}},
                                                                   {"name": "n", "value": {"longValue": n}}])
        except Exception as error:  # collected and asserted below
            failures.append(error)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert calls.execute("SELECT count(*) FROM hits")["records"] == [[{"longValue": 320}]]
