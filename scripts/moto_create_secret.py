"""Creates a Secrets Manager secret in a moto server, for the runtime's postgres-backend test.

usage: moto_create_secret.py ENDPOINT NAME SECRET_STRING   (prints the secret's ARN)
"""
import sys

import boto3

endpoint, name, secret = sys.argv[1:4]
client = boto3.client("secretsmanager", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
print(client.create_secret(Name=name, SecretString=secret)["ARN"])
