"""Runs the documented chat-store session (docs/runtime.md) exactly as written, except for the port (8080 may be taken
on the machine running the tests): terminal 1 in the background, terminal 2 line by line."""
import subprocess

from conftest import ROOT, free_port, readme_session, start_readme_server


def test_the_readme_chat_store_session_runs_as_written():
    server_lines, script = readme_session("chat-store-session")
    assert server_lines == ["swift run data-api-local --port 8080"]
    port = str(free_port())
    server = start_readme_server(server_lines[0], port)
    try:
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
