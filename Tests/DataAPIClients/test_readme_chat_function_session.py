"""Runs the documented chat-function session (docs/chat-function.md) exactly as written, except for the ports (8080 and 3000
may be taken on the machine running the tests): terminal 1 in the background, terminal 2 as a script."""
import subprocess

from conftest import ROOT, free_port, readme_session, start_readme_server


def test_the_readme_chat_function_session_runs_as_written():
    server_lines, script = readme_session("chat-function-session")
    assert server_lines == ["swift run data-api-local --port 8080"]
    data_api_port, function_port = str(free_port()), str(free_port())
    server = start_readme_server(server_lines[0], data_api_port)
    try:
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
