"""Fills a moto server with DynamoDB tables and S3 objects, for the runtime's tests.

usage: moto_seed.py ENDPOINT SPEC_FILE
  SPEC_FILE is JSON: {"tables": {NAME: [ITEM, …]}, "objects": [{"bucket": …, "key": …, "body": …}],
  "deletions": {NAME: [KEY, …]}}.
  Each table is created with Bedrock Chat's keys (PK and SK, both strings, on-demand) and filled with
  its items, in DynamoDB's attribute-value JSON ({"PK": {"S": "…"}, …}). Buckets are created as
  needed. Each key under "deletions" is deleted from its existing table. Prints the number of items
  and objects written or deleted.
"""
import json
import sys

import boto3

endpoint, spec_file = sys.argv[1:3]
session = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
dynamodb = boto3.client("dynamodb", **session)
s3 = boto3.client("s3", **session)
with open(spec_file, encoding="utf-8") as file:
    spec = json.load(file)

written = 0
for table, items in spec.get("tables", {}).items():
    dynamodb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                          KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
                          AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"},
                                                {"AttributeName": "SK", "AttributeType": "S"}])
    for start in range(0, len(items), 25):
        batch = {table: [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]}
        while batch:
            batch = dynamodb.batch_write_item(RequestItems=batch).get("UnprocessedItems") or None
    written += len(items)

buckets = set()
for entry in spec.get("objects", []):
    if entry["bucket"] not in buckets:
        s3.create_bucket(Bucket=entry["bucket"])
        buckets.add(entry["bucket"])
    s3.put_object(Bucket=entry["bucket"], Key=entry["key"], Body=entry["body"].encode("utf-8"))
    written += 1

for table, keys in spec.get("deletions", {}).items():
    for key in keys:
        dynamodb.delete_item(TableName=table, Key=key)
        written += 1
print(written)
