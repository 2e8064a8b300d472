"""Signs one request with botocore's SigV4Auth at a fixed time and prints the Authorization header.

usage: sigv4_botocore_sign.py SERVICE REGION URL AMZDATE BODY_BASE64 HEADER=VALUE...
"""
import base64
import datetime
import sys
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

service, region, url, amz_date, body = sys.argv[1:6]
headers = dict(item.split("=", 1) for item in sys.argv[6:])
request = AWSRequest(method="POST", url=url, data=base64.b64decode(body), headers=headers)
when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")
with mock.patch("botocore.auth.datetime") as clock:
    clock.datetime.now.return_value = when
    clock.datetime.utcnow.return_value = when
    clock.timezone = datetime.timezone
    SigV4Auth(Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), service, region).add_auth(request)
print(request.headers["Authorization"])
