"""Creates, changes or lists Secrets Manager secrets in a moto server, for the runtime's tests.

usage: moto_secret.py create ENDPOINT NAME SECRET_STRING   (prints the secret's ARN)
       moto_secret.py put ENDPOINT ARN SECRET_STRING       (a new current version, as a rotation leaves it)
       moto_secret.py list ENDPOINT                        (the names of the secrets not deleted, one a line)
"""
import sys

import boto3

USAGE = "usage: moto_secret.py create|put ENDPOINT NAME SECRET_STRING, or moto_secret.py list ENDPOINT"
if len(sys.argv) < 3:
    print(USAGE, file=sys.stderr)
    sys.exit(2)
command, endpoint = sys.argv[1:3]
client = boto3.client("secretsmanager", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
if command == "list":
    for page in client.get_paginator("list_secrets").paginate():
        for entry in page["SecretList"]:
            print(entry["Name"])
elif command in ("create", "put") and len(sys.argv) == 5:
    name, secret = sys.argv[3:5]
    if command == "create":
        print(client.create_secret(Name=name, SecretString=secret)["ARN"])
    else:
        print(client.put_secret_value(SecretId=name, SecretString=secret)["VersionId"])
else:
    print(USAGE, file=sys.stderr)
    sys.exit(2)
