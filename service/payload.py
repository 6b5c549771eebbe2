"""Reading and checking `/classify` request bodies."""

from __future__ import annotations

import json
from typing import Any

from flask import Request

from feedback.store import ACTIONS
from model.labels import TONES
from service.errors import APIError


def json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, or an `APIError` that says what is wrong with it."""
    if not request.is_json:
        raise APIError(415, "unsupported_media_type", "send the body as JSON with Content-Type: application/json")
    raw = request.get_data()  # over MAX_CONTENT_LENGTH this raises 413
    try:
        payload = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise APIError(400, "invalid_json", f"the body is not valid JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise APIError(400, "not_an_object", f"the body must be a JSON object, not {_kind(payload)}")
    return payload


def reply_of(item: dict, max_chars: int, where: str = "") -> tuple[str, str]:
    """``(text, context)`` of one reply object, checked."""
    text, context = item.get("text"), item.get("context", "")
    if text is None:
        raise _bad(where, "missing_text", "'text' is required: the draft reply to check")
    if not isinstance(text, str):
        raise _bad(where, "invalid_text", f"'text' must be a string, not {_kind(text)}")
    if not text.strip():
        raise _bad(where, "empty_text", "'text' is empty or only whitespace")
    if len(text) > max_chars:
        raise _bad(where, "text_too_long", f"'text' has {len(text)} characters; the limit is {max_chars}")
    if context is None:
        context = ""
    if not isinstance(context, str):
        raise _bad(where, "invalid_context", f"'context' must be a string, not {_kind(context)}")
    if len(context) > max_chars:
        raise _bad(where, "context_too_long", f"'context' has {len(context)} characters; the limit is {max_chars}")
    return text, context


def replies_of(payload: dict, max_chars: int, max_items: int) -> list[tuple[str, str]]:
    """The ``(text, context)`` pairs of a batch body ``{"items": [...]}``, checked."""
    items = payload["items"]
    if not isinstance(items, list):
        raise APIError(400, "invalid_items", f"'items' must be a list of reply objects, not {_kind(items)}")
    if not items:
        raise APIError(400, "empty_items", "'items' is empty: send at least one reply")
    if len(items) > max_items:
        raise APIError(400, "too_many_items", f"'items' has {len(items)} replies; the limit is {max_items} per call")
    pairs = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise APIError(400, "invalid_item", f"items[{index}] must be an object with 'text', not {_kind(item)}",
                           index=index)
        pairs.append(reply_of(item, max_chars, where=f"items[{index}]"))
    return pairs


def _bad(where: str, code: str, message: str) -> APIError:
    if not where:
        return APIError(400, code, message)
    index = int(where[len("items["):-1])
    return APIError(400, "invalid_item", f"{where}: {message}", index=index, reason=code)


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def feedback_of(payload: dict, max_chars: int) -> dict:
    """The fields of a ``POST /feedback`` body, checked: the reply, what the service said, what the person did."""
    text, context = reply_of(payload, max_chars)
    action = payload.get("action")
    if action not in ACTIONS:
        raise APIError(400, "invalid_action", f"'action' must be one of {', '.join(ACTIONS)}")
    version = payload.get("model_version")
    if not isinstance(version, str) or not version.strip():
        raise APIError(400, "invalid_model_version", "'model_version' is required: the version that classified the reply")
    prediction = payload.get("prediction", {})
    if not isinstance(prediction, dict):
        raise APIError(400, "invalid_prediction", "'prediction' must be the object /classify returned")
    predicted = _tones(prediction.get("labels", []), "prediction.labels")
    labels = payload.get("labels")
    if action == "correct_labels" and labels is None:
        raise APIError(400, "missing_labels", "'labels' is required with action correct_labels ([] for neutral)")
    extras = {}
    for name in ("agent_id", "chat_id", "item_id"):
        value = payload.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > 128):
            raise APIError(400, f"invalid_{name}", f"'{name}' must be a string of at most 128 characters")
        extras[name] = value
    return {"action": action, "text": text, "context": context, "model_version": version.strip(),
            "predicted_labels": predicted, "labels": None if labels is None else _tones(labels, "labels"), **extras}


def _tones(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise APIError(400, "invalid_labels", f"'{name}' must be a list of tone names")
    unknown = sorted(set(value) - set(TONES))
    if unknown:
        raise APIError(400, "invalid_labels", f"'{name}' has unknown tones {', '.join(unknown)}; known: {', '.join(TONES)}")
    return [t for t in TONES if t in value]
