"""The OpenAPI 3 document of the service; the tests validate real responses against it."""

from __future__ import annotations

from typing import Mapping

from model.labels import TONES


def openapi_document(config: Mapping) -> dict:
    max_chars, max_items = config["MAX_TEXT_CHARS"], config["MAX_ITEMS"]
    text = {"type": "string", "minLength": 1, "maxLength": max_chars, "description": "the draft reply"}
    context = {"type": "string", "maxLength": max_chars, "description": "the customer's last message (optional)"}
    reply = {"type": "object", "required": ["text"], "properties": {"text": text, "context": context}}
    tone = {"type": "string", "enum": list(TONES)}
    result = {
        "type": "object",
        "required": ["labels", "scores", "flagged", "evidence"],
        "properties": {
            "labels": {"type": "array", "items": tone, "description": "tones over their thresholds"},
            "scores": {"type": "object", "required": list(TONES), "additionalProperties": False,
                       "properties": {t: {"type": "number", "minimum": 0, "maximum": 1} for t in TONES}},
            "flagged": {"type": "boolean", "description": "true when dismissive or hostile is among the labels"},
            "evidence": {"type": "object", "additionalProperties": False,
                         "properties": {t: {"type": "array", "items": {"type": "string"}} for t in TONES},
                         "description": "per label given, the reply's words that pushed its score up most"},
        },
    }
    single = {**result, "required": [*result["required"], "model_version"],
              "properties": {**result["properties"], "model_version": {"type": "string"}}}
    batch = {"type": "object", "required": ["results", "model_version"],
             "properties": {"results": {"type": "array", "items": result}, "model_version": {"type": "string"}}}
    error = {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "index": {"type": "integer"}}}}}
    error_response = {"description": "refused input", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Tone check for Chinese customer-service replies", "version": "1"},
        "paths": {
            "/classify": {"post": {
                "summary": "Tones of one draft reply, or of up to MAX_ITEMS replies",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"oneOf": [
                    {"$ref": "#/components/schemas/Reply"},
                    {"$ref": "#/components/schemas/Batch"}]}}}},
                "responses": {
                    "200": {"description": "tones", "content": {"application/json": {"schema": {"oneOf": [
                        {"$ref": "#/components/schemas/Result"}, {"$ref": "#/components/schemas/BatchResult"}]}}}},
                    "400": error_response, "405": error_response, "413": error_response, "415": error_response},
            }},
            "/health": {"get": {"summary": "Ready, with the model version", "responses": {"200": {
                "description": "ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}}}},
            "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3"}}}},
        },
        "components": {"schemas": {
            "Reply": reply,
            "Batch": {"type": "object", "required": ["items"], "properties": {
                "items": {"type": "array", "minItems": 1, "maxItems": max_items, "items": reply}}},
            "Result": single,
            "BatchResult": batch,
            "Health": {"type": "object", "required": ["status", "model_version", "labels"], "properties": {
                "status": {"type": "string", "enum": ["ok"]}, "model_version": {"type": "string"},
                "labels": {"type": "array", "items": tone}}},
            "Error": error,
        }},
    }
