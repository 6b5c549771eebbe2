"""Switching the served model over real HTTP: no failed request, and a broken model is refused."""

import json
import os
import shutil
import threading
import time

import pytest

from feedback.store import FeedbackStore, default_url
from test_serve_http import Serve, call, free_port, stop, wait_for_health

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def served(model_dir, tmp_path_factory):
    """make serve with two workers and an admin token; a second model version next to the first."""
    root = tmp_path_factory.mktemp("reload")
    second = root / "second"
    shutil.copytree(model_dir, second)
    meta = json.loads((second / "metadata.json").read_text(encoding="utf-8"))
    meta["version"] += "-second"
    (second / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    broken = root / "broken"
    shutil.copytree(model_dir, broken)
    (broken / "model.joblib").write_bytes(b"not a pickle")
    port = free_port()
    env = {**os.environ, "TONE_STATE_DIR": str(root / "state"), "TONE_ADMIN_TOKEN": TOKEN}
    process = Serve(model_dir, port, env, "WORKERS=2")
    base = f"http://127.0.0.1:{port}"
    wait_for_health(base, process)
    yield base, meta["version"], second, broken, root / "state"
    stop(process)


def admin(base: str, body: dict, token: str = TOKEN) -> tuple[int, dict]:
    return call(f"{base}/admin/reload", json.dumps(body).encode(), headers={"Authorization": f"Bearer {token}"})


def test_reload_needs_the_token(served):
    base = served[0]
    assert admin(base, {}, token="wrong")[0] == 401


def test_a_broken_model_is_refused_and_the_old_one_stays(served, tone_model):
    base, _, _, broken, _ = served
    status, body = admin(base, {"model_dir": str(broken)})
    assert status == 409 and body["error"]["code"] == "model_load_failed"
    for _ in range(6):
        assert call(f"{base}/classify", b'{"text": "\\u597d"}')[1]["model_version"] == tone_model.version


def test_switching_models_drops_no_request(served, tone_model):
    base, new_version, second, _, _ = served
    seen, failures, running = [], [], threading.Event()
    running.set()

    def client():
        while running.is_set():
            try:
                status, body = call(f"{base}/classify", '{"text": "亲,这个没办法呢"}'.encode())
                seen.append(body.get("model_version")) if status == 200 else failures.append(status)
            except OSError as exc:
                failures.append(repr(exc))

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        while len(seen) < 50 and not failures:
            time.sleep(0.01)
        status, body = admin(base, {"model_dir": str(second)})
        assert status == 200 and body["model_version"] == new_version
        before = len(seen)
        while len(seen) < before + 100 and not failures:
            time.sleep(0.01)
    finally:
        running.clear()
        for t in threads:
            t.join(timeout=30)
    assert failures == []
    assert seen[0] == tone_model.version and set(seen[-40:]) == {new_version}


def test_feedback_from_concurrent_http_clients_is_all_stored(served):
    base, state = served[0], served[4]
    statuses = []

    def writer(n: int):
        for i in range(25):
            body = {"text": f"c{n}-{i}", "model_version": "v", "action": "sent_anyway"}
            statuses.append(call(f"{base}/feedback", json.dumps(body).encode())[0])

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert statuses == [201] * 150
    texts = {r["text"] for r in FeedbackStore(default_url(state)).records()}
    assert {f"c{n}-{i}" for n in range(6) for i in range(25)} <= texts
