"""Local stand-ins for the places AWS credentials come from, for the credential chain's tests:
the ECS/EKS container credentials endpoint, EC2 instance metadata (IMDSv2) and the SSO portal,
plus a gateway in front of moto's DynamoDB that refuses requests signed with keys it issued once
they have expired (moto itself checks no credentials).

usage: aws_credential_standins.py PORT MOTO_URL [LIFETIME_SECONDS]

  GET  /container/credentials         needs Authorization: container-token
  PUT  /latest/api/token              IMDSv2 session token (needs X-aws-ec2-metadata-token-ttl-seconds)
  GET  /latest/meta-data/iam/security-credentials/[chat-role]   needs X-aws-ec2-metadata-token
  GET  /latest/meta-data/placement/region                       eu-central-1
  GET  /federation/credentials?account_id=…&role_name=…          needs x-amz-sso_bearer_token: sso-token
  POST /  (X-Amz-Target)              the checking gateway to MOTO_URL
  GET  /_stats                        {"issued": {source: n}, "rejected": n, "forwarded": n}

Every issued key is ASIA<SOURCE><counter>, valid LIFETIME_SECONDS (default 3600).
"""
import json
import re
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PORT, MOTO = int(sys.argv[1]), sys.argv[2].rstrip("/")
LIFETIME = float(sys.argv[3]) if len(sys.argv) > 3 else 3600.0
LOCK = threading.Lock()
ISSUED = {}  # access key id -> expiry (epoch seconds)
STATS = {"issued": {}, "rejected": 0, "forwarded": 0}


def issue(source):
    with LOCK:
        count = STATS["issued"].get(source, 0) + 1
        STATS["issued"][source] = count
        key = f"ASIA{source.upper()}{count:06d}"
        expiry = time.time() + LIFETIME
        ISSUED[key] = expiry
    stamp = datetime.fromtimestamp(expiry, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return key, f"secret-{key}", f"token-{key}", stamp, expiry


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json", headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def metadata_credentials(self, source):
        key, secret, token, stamp, _ = issue(source)
        return json.dumps({"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": key, "SecretAccessKey": secret,
                           "Token": token, "Expiration": stamp, "LastUpdated": stamp})

    def do_PUT(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(200, "imds-session-token", "text/plain")
        self.reply(400, "bad request", "text/plain")

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/_stats":
            with LOCK:
                return self.reply(200, json.dumps(STATS))
        if url.path == "/container/credentials":
            if self.headers.get("Authorization") != "container-token":
                return self.reply(401, json.dumps({"message": "bad authorization token"}))
            return self.reply(200, self.metadata_credentials("cont"))
        if url.path.startswith("/latest/meta-data/"):
            if self.headers.get("X-aws-ec2-metadata-token") != "imds-session-token":
                return self.reply(401, "", "text/plain")
            if url.path == "/latest/meta-data/iam/security-credentials/":
                return self.reply(200, "chat-role", "text/plain")
            if url.path == "/latest/meta-data/iam/security-credentials/chat-role":
                return self.reply(200, self.metadata_credentials("imds"))
            if url.path == "/latest/meta-data/placement/region":
                return self.reply(200, "eu-central-1", "text/plain")
            return self.reply(404, "", "text/plain")
        if url.path == "/federation/credentials":
            query = parse_qs(url.query)
            if self.headers.get("x-amz-sso_bearer_token") != "sso-token":
                return self.reply(401, json.dumps({"message": "Session token not found or invalid"}))
            if query.get("account_id") != ["123456789012"] or query.get("role_name") != ["ChatOperator"]:
                return self.reply(403, json.dumps({"message": "No access"}))
            key, secret, token, _, expiry = issue("ssox")
            return self.reply(200, json.dumps({"roleCredentials": {"accessKeyId": key, "secretAccessKey": secret,
                                                                   "sessionToken": token, "expiration": int(expiry * 1000)}}))
        self.reply(404, "", "text/plain")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        match = re.search(r"Credential=([A-Z0-9]+)/", self.headers.get("Authorization", ""))
        key = match.group(1) if match else ""
        with LOCK:
            expiry = ISSUED.get(key)
        if expiry is None or expiry <= time.time():
            with LOCK:
                STATS["rejected"] += 1
            kind = "UnrecognizedClientException" if expiry is None else "ExpiredTokenException"
            return self.reply(400, json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{kind}",
                                               "message": f"The security token included in the request is {'invalid' if expiry is None else 'expired'}"}),
                              "application/x-amz-json-1.0")
        request = urllib.request.Request(MOTO + "/", data=body, method="POST",
                                         headers={name: value for name, value in self.headers.items() if name.lower() != "host"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, answer, content_type = response.status, response.read(), response.headers.get("Content-Type", "application/json")
        except urllib.error.HTTPError as error:
            status, answer, content_type = error.code, error.read(), error.headers.get("Content-Type", "application/json")
        with LOCK:
            STATS["forwarded"] += 1
        self.reply(status, answer, content_type)


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
