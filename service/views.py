"""The HTTP API: thin views over the shared `ToneModel.predict` core."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from model import TONES, ToneModel
from service.access_log import note_flagged
from service.openapi import openapi_document
from service.payload import json_object, replies_of, reply_of

api = Blueprint("api", __name__)


def tone_model() -> ToneModel:
    return current_app.extensions["model_holder"].current()


@api.post("/classify")
def classify():
    payload = json_object(request)
    model, limits = tone_model(), current_app.config
    if "items" in payload:
        pairs = replies_of(payload, limits["MAX_TEXT_CHARS"], limits["MAX_ITEMS"])
        results = model.predict([t for t, _ in pairs], [c for _, c in pairs])
        note_flagged(sum(r["flagged"] for r in results))
        return jsonify(results=results, model_version=model.version)
    text, context = reply_of(payload, limits["MAX_TEXT_CHARS"])
    [result] = model.predict([text], [context])
    note_flagged(int(result["flagged"]))
    return jsonify(**result, model_version=model.version)


@api.get("/health")
def health():
    model = tone_model()
    return jsonify(status="ok", model_version=model.version, labels=list(TONES))


@api.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(current_app.config))
