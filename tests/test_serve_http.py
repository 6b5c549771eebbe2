"""`make serve` for real: gunicorn on a free port on 127.0.0.1, called over HTTP."""

import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

from conftest import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(url: str, body: bytes | None = None, content_type: str = "application/json",
         headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, headers={
        **({"Content-Type": content_type} if body else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


class Serve(subprocess.Popen):
    """`make serve MODEL=... PORT=...` on 127.0.0.1 in its own session. Its output (a log line per request) is read
    as it comes: left in the pipe, it would fill it after a few hundred requests and block the server."""

    def __init__(self, model_dir, port: int, env: dict, *make_args: str) -> None:
        super().__init__(["make", "--no-print-directory", "serve", f"MODEL={model_dir}", f"PORT={port}", *make_args],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, env=env)
        self.lines: list[bytes] = []
        self.reader = threading.Thread(target=lambda: self.lines.extend(self.stdout), daemon=True)
        self.reader.start()


def stop(process: Serve) -> str:
    """Stop `make serve` and its gunicorn processes; return what they printed."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    process.wait(timeout=20)
    process.reader.join(timeout=20)
    process.stdout.close()
    return b"".join(process.lines).decode()


def wait_for_health(base: str, process: Serve) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if call(f"{base}/health")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("make serve did not answer /health: " + stop(process))


@pytest.fixture(scope="module")
def server(model_dir, tmp_path_factory):
    port = free_port()
    env = {**os.environ, "TONE_STATE_DIR": str(tmp_path_factory.mktemp("serve-state"))}
    process = Serve(model_dir, port, env)
    base = f"http://127.0.0.1:{port}"
    wait_for_health(base, process)
    yield base, process
    stop(process)


def test_make_serve_answers_over_http(server, tone_model):
    base, _ = server
    status, body = call(f"{base}/classify", json.dumps({"text": "😊😊", "context": "裤子收到了,很薄很皱,版型也不好"}).encode())
    assert status == 200 and body["flagged"] is True and body["model_version"] == tone_model.version
    status, body = call(f"{base}/classify", json.dumps({"items": [{"text": "已发货"}] * 64}).encode())
    assert status == 200 and len(body["results"]) == 64


def test_make_serve_refuses_bad_input_with_json(server):
    base, _ = server
    assert call(f"{base}/classify", b"{oops")[1]["error"]["code"] == "invalid_json"
    assert call(f"{base}/classify", b'{"text": "x"}', "text/plain")[0] == 415
    assert call(f"{base}/missing")[0] == 404
    status, body = call(f"{base}/classify", b'{"text": "' + b"a" * (1024 * 1024 + 10) + b'"}')
    assert status == 413 and body["error"]["code"] == "payload_too_large"


def test_make_serve_runs_gunicorn_and_logs_requests_without_text(server):
    base, process = server
    call(f"{base}/classify", json.dumps({"text": "暗号甲乙丙"}).encode())
    output = stop(process)
    assert "gunicorn" in output.lower() and "Booting worker" in output
    assert "POST /classify 200" in output and "暗号甲乙丙" not in output
