"""Creates or changes a Secrets Manager secret in a moto server, for the runtime's tests.

usage: moto_secret.py create ENDPOINT NAME SECRET_STRING   (prints the secret's ARN)
       moto_secret.py put ENDPOINT ARN SECRET_STRING       (a new current version, as a rotation leaves it)
"""
import sys

import boto3

command, endpoint, name, secret = sys.argv[1:5]
client = boto3.client("secretsmanager", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
if command == "create":
    print(client.create_secret(Name=name, SecretString=secret)["ARN"])
elif command == "put":
    print(client.put_secret_value(SecretId=name, SecretString=secret)["VersionId"])
else:
    sys.exit(f"moto_secret.py: unknown command {command}; use create or put")
