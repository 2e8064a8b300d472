"""Signs random requests with botocore's SigV4Auth (fixed clock) and prints them as JSON, so the
Swift signer can be checked against it.

usage: sigv4_botocore_cases.py COUNT SEED [SERVICE]
  SERVICE is rds-data (the default) or s3, whose signer (S3SigV4Auth) signs the path exactly as sent
  (paths here then hold empty and "." segments) and the payload hash header it adds.
"""
import base64
import datetime
import json
import random
import sys
from unittest import mock
from urllib.parse import quote

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SEGMENT_CHARS = "abcXYZ019-_.~ éá"
HEADER_NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"
VALUE_CHARS = "abc XYZ 019 ;,=/:+*\"'  \t"


def random_text(rng, alphabet, low, high):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))


def main():
    count, seed = int(sys.argv[1]), int(sys.argv[2])
    service = sys.argv[3] if len(sys.argv) > 3 else "rds-data"
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        when = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=rng.randint(0, 10**8))
        region = rng.choice(["us-east-1", "eu-west-1", "ap-southeast-2"])
        segments = [random_text(rng, SEGMENT_CHARS, 1, 8).strip(".") or "x" for _ in range(rng.randint(0, 3))]
        if service == "s3":
            segments += rng.sample(["", ".", "..", "k+y"], rng.randint(0, 2)) + ["key"]
        path = "/" + "/".join(quote(s, safe="-_.~") for s in segments)
        params = [(random_text(rng, "abcXYZ-_.~ =&", 1, 6), random_text(rng, "abc019-_.~ /+", 0, 6)) for _ in range(rng.randint(0, 3))]
        query = "&".join(quote(k, safe="-_.~") + "=" + quote(v, safe="-_.~") for k, v in params)
        body = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 64))) if rng.random() < 0.5 else \
            json.dumps({"sql": random_text(rng, VALUE_CHARS, 0, 40)}).encode()
        host = "bucket.s3.%s.amazonaws.com" % region if service == "s3" else "rds-data.%s.amazonaws.com" % region
        headers = {"Host": host, "Content-Type": "application/json"}
        for _ in range(rng.randint(0, 3)):
            name = "X-" + random_text(rng, HEADER_NAME_CHARS, 1, 10)
            headers[name] = random_text(rng, VALUE_CHARS, 1, 20).strip() or "v"
        token = random_text(rng, "ABCDEFabcdef0123456789/+=", 20, 60) if rng.random() < 0.5 else None
        credentials = Credentials("AKID" + str(index), random_text(rng, "abcdefABCDEF0123456789/+", 40, 40), token)
        # Over http S3SigV4Auth hashes the payload, as the Swift signer always does.
        url = "%s://%s%s" % ("http" if service == "s3" else "https", host, path) + ("?" + query if query else "")
        request = AWSRequest(method=rng.choice(["POST", "GET"]), url=url, data=body, headers=dict(headers))
        with mock.patch("botocore.auth.datetime") as clock:
            clock.datetime.now.return_value = when.replace(tzinfo=None)
            clock.datetime.utcnow.return_value = when.replace(tzinfo=None)
            clock.timezone = datetime.timezone
            (S3SigV4Auth if service == "s3" else SigV4Auth)(credentials, service, region).add_auth(request)
        if service == "s3":
            headers["X-Amz-Content-SHA256"] = request.headers["X-Amz-Content-SHA256"]
        cases.append({
            "method": request.method, "path": path, "query": query, "region": region,
            "headers": [[k, v] for k, v in headers.items()],
            "body": base64.b64encode(body).decode(),
            "accessKeyId": credentials.access_key, "secretAccessKey": credentials.secret_key, "sessionToken": token,
            "amzDate": request.headers["X-Amz-Date"], "authorization": request.headers["Authorization"],
        })
    json.dump(cases, sys.stdout)


main()
