"""Runs the README's chat-store session exactly as written, except for the port (8080 may be taken
on the machine running the tests): terminal 1 in the background, terminal 2 line by line."""
import re
import socket
import subprocess
import time

import pytest

from conftest import ROOT, free_port


def session_blocks():
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"<!-- chat-store-session -->\s*```sh\n(.*?)```\s*<!-- /chat-store-session -->", readme, re.S)
    if not match:
        pytest.fail("README.md has no chat-store session between <!-- chat-store-session --> markers")
    terminal1, terminal2 = match.group(1).split("# Terminal 2\n")
    server = [line for line in terminal1.splitlines() if line and not line.startswith("#")]
    return server, terminal2


def test_the_readme_chat_store_session_runs_as_written():
    server_lines, script = session_blocks()
    assert server_lines == ["swift run data-api-local --port 8080"]
    port = str(free_port())
    server = subprocess.Popen(["bash", "-c", "exec " + server_lines[0].replace("8080", port)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", int(port)), timeout=0.2):
                    break
            except OSError:
                assert server.poll() is None, "data-api-local exited: " + server.stdout.read()
                assert time.time() < deadline, "data-api-local did not start"
                time.sleep(0.2)
        result = subprocess.run(["bash", "-ec", script.replace("8080", port)], cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
        output = result.stdout
        assert '"content" : "Lanterns, tailors and the old town."' in output
        assert '"botId" : "travel-1"' in output
        assert '"conversationId" : "6f1c2a8e-0000-4000-8000-000000000001"' in output
        assert '"deleted" : true' in output
    finally:
        server.terminate()
        server.wait(timeout=30)
