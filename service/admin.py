"""``POST /admin/reload``: switch to a new model version, protected by ``TONE_ADMIN_TOKEN``."""

from __future__ import annotations

import hmac

from flask import Blueprint, current_app, jsonify, request

from model import ModelLoadError
from service.errors import APIError

admin_api = Blueprint("admin", __name__)


@admin_api.post("/admin/reload")
def reload_model():
    token = current_app.config["ADMIN_TOKEN"]
    if not token:
        raise APIError(403, "admin_disabled", "admin endpoints are off: start the service with TONE_ADMIN_TOKEN set")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise APIError(401, "unauthorized", "send the admin token as 'Authorization: Bearer <token>'")
    payload = request.get_json(silent=True) if request.data else {}
    directory = (payload or {}).get("model_dir") or current_app.config["MODEL_DIR"]
    if not isinstance(directory, str):
        raise APIError(400, "invalid_model_dir", "'model_dir' must be a path to a model directory")
    holder = current_app.extensions["model_holder"]
    try:
        model = holder.reload(directory)
    except ModelLoadError as exc:
        raise APIError(409, "model_load_failed", f"{exc}; still serving {holder.model.version}",
                       model_version=holder.model.version) from None
    return jsonify(status="reloaded", model_version=model.version, model_dir=str(holder.directory))
