"""Runs the README's chat-function session exactly as written, except for the ports (8080 and 3000
may be taken on the machine running the tests): terminal 1 in the background, terminal 2 as a script."""
import re
import socket
import subprocess
import time

import pytest

from conftest import ROOT, free_port


def session():
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"<!-- chat-function-session -->\s*```sh\n(.*?)```\s*<!-- /chat-function-session -->", readme, re.S)
    if not match:
        pytest.fail("README.md has no chat-function session between <!-- chat-function-session --> markers")
    terminal1, terminal2 = match.group(1).split("# Terminal 2\n")
    server = [line for line in terminal1.splitlines() if line and not line.startswith("#")]
    return server, terminal2


def test_the_readme_chat_function_session_runs_as_written():
    server_lines, script = session()
    assert server_lines == ["swift run data-api-local --port 8080"]
    data_api_port, function_port = str(free_port()), str(free_port())
    server = subprocess.Popen(["bash", "-c", "exec " + server_lines[0].replace("8080", data_api_port)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", int(data_api_port)), timeout=0.2):
                    break
            except OSError:
                assert server.poll() is None, "data-api-local exited: " + server.stdout.read()
                assert time.time() < deadline, "data-api-local did not start"
                time.sleep(0.2)
        body = script.replace("8080", data_api_port).replace("3000", function_port)
        result = subprocess.run(["bash", "-ec", body], cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
        output = result.stdout
        assert '"content":"Plan a holiday in Hội An"' in output and '"seq":1' in output
        assert '{"message":"no conversation 6f1c2a8e-0000-4000-8000-000000000002"}404' in output
        assert '"botId":"travel-2"' in output.split('"bots":')[-1], output
    finally:
        subprocess.run(["pkill", "-f", f"chat-function serve --port {function_port}"], check=False)
        server.terminate()
        server.wait(timeout=30)
