"""Reading and checking `/classify` request bodies."""

from __future__ import annotations

import json
from typing import Any

from flask import Request

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
