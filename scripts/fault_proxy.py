"""A proxy in front of Secrets Manager (moto) and the Data API (data-api-local) that fails one chosen
request on demand, for the rotation tests: a step that fails half-way must complete when it runs again.

usage: fault_proxy.py PORT SECRETS_MANAGER_URL DATA_API_URL

  A request with an X-Amz-Target header (secretsmanager.*) goes to SECRETS_MANAGER_URL, any other
  to DATA_API_URL.
  POST /_fault {"match": "secretsmanager.PutSecretValue" | "/Execute", "contains": "…" (optional),
                "after": true}
      arms one fault: the next request whose target or path is `match` (and whose body holds
      `contains`) is answered 400 InjectedFault, after it was forwarded when `after` is true (the
      work is done, the caller hears it failed), or without forwarding it.
  GET /_fault  {"armed": bool, "hits": n}
"""
import json
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, SECRETS, DATA_API = int(sys.argv[1]), sys.argv[2].rstrip("/"), sys.argv[3].rstrip("/")
LOCK = threading.Lock()
STATE = {"fault": None, "hits": 0}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/_fault":
            with LOCK:
                body = json.dumps({"armed": STATE["fault"] is not None, "hits": STATE["hits"]}).encode()
            return self.reply(200, body, [("Content-Type", "application/json")])
        self.forward(b"")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/_fault":
            with LOCK:
                STATE["fault"] = json.loads(body)
            return self.reply(200, b"{}", [("Content-Type", "application/json")])
        self.forward(body)

    def forward(self, body):
        target = self.headers.get("X-Amz-Target", "")
        what = target or self.path
        with LOCK:
            fault = STATE["fault"]
            hit = fault is not None and fault["match"] == what and fault.get("contains", "").encode() in body
            if hit:
                STATE["fault"] = None
                STATE["hits"] += 1
        if hit and not fault.get("after"):
            return self.fail(what)
        upstream = SECRETS if target else DATA_API
        headers = {name: value for name, value in self.headers.items() if name.lower() not in ("host", "content-length")}
        request = urllib.request.Request(upstream + self.path, data=body if self.command == "POST" else None,
                                         method=self.command, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, answer, answer_headers = response.status, response.read(), response.headers.items()
        except urllib.error.HTTPError as error:
            status, answer, answer_headers = error.code, error.read(), error.headers.items()
        if hit:
            return self.fail(what)
        kept = [(name, value) for name, value in answer_headers if name.lower() not in ("content-length", "transfer-encoding", "connection")]
        self.reply(status, answer, kept)

    def fail(self, what):
        body = json.dumps({"__type": "InjectedFault", "code": "InjectedFault", "message": f"injected fault on {what}"}).encode()
        self.reply(400, body, [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", "InjectedFault")])


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
