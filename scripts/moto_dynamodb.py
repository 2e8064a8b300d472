"""Creates a DynamoDB table in a moto server and fills it, for the runtime's tests.

usage: moto_dynamodb.py ENDPOINT TABLE ITEMS_FILE
  Creates TABLE (keys PK and SK, both strings, on-demand) and puts every item of ITEMS_FILE: a JSON
  array of items in DynamoDB's attribute-value JSON ({"PK": {"S": "…"}, …}).
"""
import json
import sys

import boto3

endpoint, table, items_file = sys.argv[1:4]
client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
client.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                    KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
                    AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}, {"AttributeName": "SK", "AttributeType": "S"}])
with open(items_file, encoding="utf-8") as file:
    items = json.load(file)
for item in items:
    client.put_item(TableName=table, Item=item)
print(len(items))
