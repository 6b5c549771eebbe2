"""Feedback from the chat tool: validation, durability, concurrent writers."""

import json
import multiprocessing

import pytest

from feedback.store import FeedbackStore, default_url
from service import create_app

GOOD = {"text": "好的亲", "context": "三次了还没到!", "model_version": "v1", "action": "revised",
        "prediction": {"labels": ["dismissive"]}, "agent_id": "小美"}


@pytest.fixture()
def app(model_dir, tmp_path):
    return create_app({"MODEL_DIR": str(model_dir), "STATE_DIR": str(tmp_path)})


def test_feedback_is_stored(app, tmp_path):
    client = app.test_client()
    first = client.post("/feedback", json=GOOD)
    second = client.post("/feedback", json={**GOOD, "action": "correct_labels", "labels": ["hostile", "dismissive"]})
    assert first.status_code == 201 and second.status_code == 201
    assert second.get_json()["id"] == first.get_json()["id"] + 1
    records = list(FeedbackStore(default_url(tmp_path)).records())
    assert [r["action"] for r in records] == ["revised", "correct_labels"]
    assert records[0]["predicted_labels"] == ["dismissive"] and records[0]["agent_id"] == "小美"
    assert records[1]["labels"] == ["dismissive", "hostile"] and records[1]["context"] == "三次了还没到!"


@pytest.mark.parametrize("change, code", [
    ({"action": "deleted"}, "invalid_action"),
    ({"action": None}, "invalid_action"),
    ({"model_version": ""}, "invalid_model_version"),
    ({"model_version": 3}, "invalid_model_version"),
    ({"text": ""}, "empty_text"),
    ({"text": None}, "missing_text"),
    ({"context": ["x"]}, "invalid_context"),
    ({"action": "correct_labels"}, "missing_labels"),
    ({"action": "correct_labels", "labels": ["rude"]}, "invalid_labels"),
    ({"labels": "hostile"}, "invalid_labels"),
    ({"prediction": ["dismissive"]}, "invalid_prediction"),
    ({"prediction": {"labels": ["x"]}}, "invalid_labels"),
    ({"agent_id": 7}, "invalid_agent_id"),
])
def test_bad_feedback_gets_a_json_error(app, change, code):
    body = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    response = app.test_client().post("/feedback", json=body)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == code


def test_feedback_needs_json(app):
    response = app.test_client().post("/feedback", data="x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_feedback_survives_a_restart(model_dir, tmp_path):
    create_app({"MODEL_DIR": str(model_dir), "STATE_DIR": str(tmp_path)}).test_client().post("/feedback", json=GOOD)
    restarted = create_app({"MODEL_DIR": str(model_dir), "STATE_DIR": str(tmp_path)})
    restarted.test_client().post("/feedback", json={**GOOD, "text": "第二条"})
    assert [r["text"] for r in FeedbackStore(default_url(tmp_path)).records()] == ["好的亲", "第二条"]


def _write_many(url: str, writer: int, count: int) -> None:
    store = FeedbackStore(url)
    for i in range(count):
        store.add(action="sent_anyway", text=f"w{writer}-{i}", context="", model_version="v", predicted_labels=[])


def test_concurrent_writers_lose_nothing(tmp_path):
    url = default_url(tmp_path)
    FeedbackStore(url).count()  # create the table before the writers race
    workers = [multiprocessing.get_context("spawn").Process(target=_write_many, args=(url, w, 60)) for w in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert all(w.exitcode == 0 for w in workers)
    records = list(FeedbackStore(url).records())
    assert len(records) == 240 and len({r["id"] for r in records}) == 240
    assert {r["text"] for r in records} == {f"w{w}-{i}" for w in range(4) for i in range(60)}


def test_label_queue_lists_items_not_yet_saved(model_dir, tmp_path):
    queue = tmp_path / "to-label.jsonl"
    rows = [{"context": "坏了", "reply": "哦", "labels": [], "suggested": ["dismissive"]},
            {"context": "", "reply": "已发货", "labels": []}]
    queue.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    client = create_app({"MODEL_DIR": str(model_dir), "STATE_DIR": str(tmp_path), "LABEL_QUEUE": str(queue)}).test_client()
    items = client.get("/label/items").get_json()["items"]
    assert [i["text"] for i in items] == ["哦", "已发货"] and items[0]["suggested"] == ["dismissive"]
    client.post("/feedback", json={**GOOD, "text": "哦", "action": "correct_labels", "labels": ["dismissive"],
                                   "item_id": items[0]["item_id"]})
    assert [i["text"] for i in client.get("/label/items").get_json()["items"]] == ["已发货"]
    page = client.get("/label")
    assert page.status_code == 200 and "keydown" in page.get_data(as_text=True)
