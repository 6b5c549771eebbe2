"""``POST /feedback`` from the chat tool, and the ``/label`` page where QA people label replies."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request

from feedback.store import FeedbackStore
from model.labels import TONES
from service.errors import APIError
from service.payload import feedback_of, json_object

feedback_api = Blueprint("feedback", __name__)
LABEL_PAGE = Path(__file__).with_name("label.html")


def store() -> FeedbackStore:
    return current_app.extensions["feedback_store"]


@feedback_api.post("/feedback")
def add_feedback():
    record = feedback_of(json_object(request), current_app.config["MAX_TEXT_CHARS"])
    return jsonify(id=store().add(**record), stored=True), 201


@feedback_api.get("/label")
def label_page():
    return LABEL_PAGE.read_text(encoding="utf-8"), 200, {"Content-Type": "text/html; charset=utf-8"}


@feedback_api.get("/label/items")
def label_items():
    """The labeling queue (``LABEL_QUEUE``, a file written by `make label`) less the items already saved."""
    queue = current_app.config["LABEL_QUEUE"]
    if not queue:
        return jsonify(items=[], tones=list(TONES), queue=None)
    try:
        lines = Path(queue).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise APIError(404, "no_label_queue", f"cannot read the labeling queue {queue}: {exc.strerror}") from None
    done = store().labeled_item_ids()
    items = []
    for number, line in enumerate(lines, 1):
        if line.strip() and f"{Path(queue).name}:{number}" not in done:
            row = json.loads(line)
            items.append({"item_id": f"{Path(queue).name}:{number}", "text": row["reply"], "context": row.get("context", ""),
                          "suggested": row.get("suggested", [])})
    return jsonify(items=items, tones=list(TONES), queue=Path(queue).name)
