"""The five operations, every Field type and typeHint, through boto3 against data-api-local."""
import base64
import json
import urllib.request

import pytest

from conftest import RESOURCE_ARN, SECRET_ARN, Calls


def string(value):
    return {"stringValue": value}


def test_every_field_type_comes_back_as_the_service_sends_it(calls):
    result = calls.execute(
        "SELECT true AS b, 42::int2 AS s, 7::int4 AS i, 9007199254740993::int8 AS l, 1.5::float4 AS f, 2.25::float8 AS d, "
        "123.4500::numeric(10,4) AS n, 'text'::text AS t, 'v'::varchar(5) AS v, "
        "'6f1c2a8e-0000-4000-8000-000000000001'::uuid AS u, '{\"k\": [1, 2]}'::jsonb AS j, '{\"k\":1}'::json AS js, "
        "'\\x00ff10'::bytea AS blob, DATE '2024-02-29' AS day, TIME '23:59:58.25' AS tm, "
        "TIMESTAMP '2024-01-15 12:34:56.789' AS ts, TIMESTAMPTZ '2024-01-15 12:34:56+02' AS tstz, NULL::text AS nothing",
        includeResultMetadata=True)
    record = result["records"][0]
    assert record == [
        {"booleanValue": True}, {"longValue": 42}, {"longValue": 7}, {"longValue": 9007199254740993},
        {"doubleValue": 1.5}, {"doubleValue": 2.25}, string("123.4500"), string("text"), string("v"),
        string("6f1c2a8e-0000-4000-8000-000000000001"), string('{"k": [1, 2]}'), string('{"k":1}'),
        {"blobValue": b"\x00\xff\x10"}, string("2024-02-29"), string("23:59:58.25"),
        string("2024-01-15 12:34:56.789"), string("2024-01-15 10:34:56"), {"isNull": True},
    ]
    metadata = {column["name"]: column for column in result["columnMetadata"]}
    assert [(metadata[n]["type"], metadata[n]["typeName"]) for n in ["b", "i", "l", "d", "n", "t", "u", "ts", "blob"]] == [
        (-7, "bool"), (4, "int4"), (-5, "int8"), (8, "float8"), (2, "numeric"), (12, "text"), (1111, "uuid"),
        (93, "timestamp"), (-2, "bytea")]
    assert metadata["n"]["precision"] == 10 and metadata["n"]["scale"] == 4
    assert metadata["v"]["precision"] == 5
    assert result["numberOfRecordsUpdated"] == 0


def test_parameters_of_every_type_and_every_type_hint(calls):
    calls.execute("CREATE TABLE typed (id uuid PRIMARY KEY, day date, tm time, ts timestamp, amount numeric(12,2), doc jsonb, "
                  "flag boolean, count bigint, ratio double precision, note text, raw bytea)")
    parameters = [
        {"name": "id", "value": string("0b7e7a4e-6c1e-4c3a-9d1f-2f6a1c0d9e11"), "typeHint": "UUID"},
        {"name": "day", "value": string("2024-03-01"), "typeHint": "DATE"},
        {"name": "tm", "value": string("08:15:00.5"), "typeHint": "TIME"},
        {"name": "ts", "value": string("2024-03-01 08:15:00.123"), "typeHint": "TIMESTAMP"},
        {"name": "amount", "value": string("1234.50"), "typeHint": "DECIMAL"},
        {"name": "doc", "value": string('{"a": [1, "two"]}'), "typeHint": "JSON"},
        {"name": "flag", "value": {"booleanValue": False}},
        {"name": "count", "value": {"longValue": -5}},
        {"name": "ratio", "value": {"doubleValue": 0.125}},
        {"name": "note", "value": {"isNull": True}},
        {"name": "raw", "value": {"blobValue": b"\x01\x02"}},
    ]
    inserted = calls.execute("INSERT INTO typed VALUES (:id, :day, :tm, :ts, :amount, :doc, :flag, :count, :ratio, :note, :raw)", parameters)
    assert inserted["numberOfRecordsUpdated"] == 1
    row = calls.execute("SELECT id, day, tm, ts, amount, doc, flag, count, ratio, note, raw FROM typed")["records"][0]
    assert row == [string("0b7e7a4e-6c1e-4c3a-9d1f-2f6a1c0d9e11"), string("2024-03-01"), string("08:15:00.5"),
                   string("2024-03-01 08:15:00.123"), string("1234.50"), string('{"a": [1, "two"]}'), {"booleanValue": False},
                   {"longValue": -5}, {"doubleValue": 0.125}, {"isNull": True}, {"blobValue": b"\x01\x02"}]


def test_a_plain_string_into_a_uuid_column_fails_like_the_service(calls):
    calls.execute("CREATE TABLE ids (id uuid)")
    with pytest.raises(calls.client.exceptions.DatabaseErrorException) as error:
        calls.execute("INSERT INTO ids VALUES (:id)", [{"name": "id", "value": string("0b7e7a4e-6c1e-4c3a-9d1f-2f6a1c0d9e11")}])
    assert "SQLState: 42804" in str(error.value)


def test_arrays_in_results(calls):
    record = calls.execute("SELECT ARRAY[1, 2, 3]::int8[], ARRAY['a', 'b'], ARRAY[0.5, 1.5]::float8[], ARRAY[true, false], "
                           "'{}'::int4[]")["records"][0]
    assert record == [{"arrayValue": {"longValues": [1, 2, 3]}}, {"arrayValue": {"stringValues": ["a", "b"]}},
                      {"arrayValue": {"doubleValues": [0.5, 1.5]}}, {"arrayValue": {"booleanValues": [True, False]}},
                      {"arrayValue": {"longValues": []}}]
    with pytest.raises(calls.client.exceptions.UnsupportedResultException):
        calls.execute("SELECT ARRAY[[1, 2], [3, 4]]")
    with pytest.raises(calls.client.exceptions.UnsupportedResultException):
        calls.execute("SELECT ARRAY[1, NULL]")


def test_hostile_text_is_stored_and_returned_byte_exact(calls):
    calls.execute("CREATE TABLE notes (body text)")
    hostile = "it's \"quoted\" :name $1 -- not a comment /* nor this */ back\\slash 🚀 Tiếng Việt ;DROP TABLE notes;"
    calls.execute("INSERT INTO notes VALUES (:body)", [{"name": "body", "value": string(hostile)}])
    assert calls.execute("SELECT body FROM notes")["records"] == [[string(hostile)]]


def test_format_records_as_json(calls):
    result = calls.execute("SELECT 1 AS id, 'x' AS name, NULL::int AS missing, ARRAY[1,2] AS list, 2.5::float8 AS score",
                           formatRecordsAs="JSON")
    assert json.loads(result["formattedRecords"]) == [{"id": 1, "name": "x", "missing": None, "list": [1, 2], "score": 2.5}]
    assert "records" not in result


def test_two_columns_of_one_name_cannot_be_formatted_as_json(calls):
    with pytest.raises(calls.client.exceptions.BadRequestException, match='more than one column named "a"'):
        calls.execute("SELECT 1 AS a, 2 AS a", formatRecordsAs="JSON")
    assert calls.execute("SELECT 1 AS a, 2 AS a")["records"] == [[{"longValue": 1}, {"longValue": 2}]]


def test_whole_doubles_keep_their_fraction_on_the_wire(calls, endpoint):
    result = calls.execute("SELECT 1024::float8 AS d, ARRAY[2, 3.5]::float8[] AS ds, 1e20::float8 AS big")
    whole, array, big = result["records"][0]
    assert whole == {"doubleValue": 1024.0} and isinstance(whole["doubleValue"], float)
    assert all(isinstance(value, float) for value in array["arrayValue"]["doubleValues"])
    assert big == {"doubleValue": 1e20} and isinstance(big["doubleValue"], float)
    body = json.dumps({"resourceArn": RESOURCE_ARN, "secretArn": SECRET_ARN, "sql": "SELECT 1024::float8"}).encode()
    request = urllib.request.Request(endpoint.url + "/Execute", data=body, method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert b'{"doubleValue":1024.0}' in response.read()


def test_result_set_options(calls):
    result = calls.execute("SELECT 12.5::numeric AS a, 12::numeric AS b, 9007199254740993::int8 AS c",
                           resultSetOptions={"decimalReturnType": "DOUBLE_OR_LONG", "longReturnType": "STRING"})
    assert result["records"] == [[{"doubleValue": 12.5}, {"longValue": 12}, string("9007199254740993")]]


def test_updates_report_their_count_and_returning_rows(calls):
    calls.execute("CREATE TABLE items (id serial PRIMARY KEY, label text)")
    inserted = calls.execute("INSERT INTO items (label) VALUES ('a'), ('b'), ('c') RETURNING id")
    assert inserted["records"] == [[{"longValue": 1}], [{"longValue": 2}], [{"longValue": 3}]]
    assert inserted["numberOfRecordsUpdated"] == 3
    updated = calls.execute("UPDATE items SET label = upper(label) WHERE id > :id", [{"name": "id", "value": {"longValue": 1}}])
    assert updated["numberOfRecordsUpdated"] == 2 and updated["generatedFields"] == []
    assert calls.execute("SELECT count(*) FROM items WHERE label = upper(label)")["records"] == [[{"longValue": 2}]]


def test_batch_execute_runs_every_parameter_set(calls):
    calls.execute("CREATE TABLE messages (seq int PRIMARY KEY, body text)")
    result = calls.batch("INSERT INTO messages VALUES (:seq, :body)",
                         [[{"name": "seq", "value": {"longValue": i}}, {"name": "body", "value": string(f"m{i}")}] for i in range(50)])
    assert result["updateResults"] == [{"generatedFields": []}] * 50
    assert calls.execute("SELECT count(*) FROM messages")["records"] == [[{"longValue": 50}]]
    with pytest.raises(calls.client.exceptions.DatabaseErrorException):
        calls.batch("INSERT INTO messages VALUES (:seq, :body)",
                    [[{"name": "seq", "value": {"longValue": 100}}, {"name": "body", "value": string("new")}],
                     [{"name": "seq", "value": {"longValue": 1}}, {"name": "body", "value": string("duplicate")}]])
    assert calls.execute("SELECT count(*) FROM messages WHERE seq = 100")["records"] == [[{"longValue": 0}]]


def test_a_committed_and_a_rolled_back_transaction(calls):
    calls.execute("CREATE TABLE ledger (entry text)")
    kept = calls.begin()
    assert len(kept) <= 192
    calls.execute("INSERT INTO ledger VALUES ('kept')", transactionId=kept)
    assert calls.execute("SELECT count(*) FROM ledger")["records"] == [[{"longValue": 0}]]
    assert calls.commit(kept)["transactionStatus"] == "Transaction Committed"

    dropped = calls.begin()
    calls.execute("INSERT INTO ledger VALUES ('dropped')", transactionId=dropped)
    calls.batch("INSERT INTO ledger VALUES (:e)", [[{"name": "e", "value": string("also dropped")}]], transactionId=dropped)
    assert calls.rollback(dropped)["transactionStatus"] == "Rollback Complete"
    assert calls.execute("SELECT entry FROM ledger")["records"] == [[string("kept")]]

    with pytest.raises(calls.client.exceptions.TransactionNotFoundException):
        calls.commit(kept)
    with pytest.raises(calls.client.exceptions.TransactionNotFoundException):
        calls.execute("SELECT 1", transactionId="no-such-transaction")


def test_idle_transactions_are_rolled_back(start_endpoint):
    calls = Calls(start_endpoint("--transaction-idle-timeout", "1").client())
    calls.execute("CREATE TABLE idle (v int)")
    transaction = calls.begin()
    calls.execute("INSERT INTO idle VALUES (1)", transactionId=transaction)
    import time
    time.sleep(3)
    with pytest.raises(calls.client.exceptions.TransactionNotFoundException):
        calls.commit(transaction)
    assert calls.execute("SELECT count(*) FROM idle")["records"] == [[{"longValue": 0}]]


def test_blob_parameters_and_results_are_base64_on_the_wire(calls):
    payload = bytes(range(256))
    result = calls.execute("SELECT :b::bytea AS b", [{"name": "b", "value": {"blobValue": payload}}])
    assert result["records"][0][0]["blobValue"] == payload
    assert base64.b64encode(payload)
