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
            "/feedback": {"post": {
                "summary": "What the agent did with a verdict, or the labels a person says are right",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Feedback"}}}},
                "responses": {"201": {"description": "stored", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["id", "stored"],
                    "properties": {"id": {"type": "integer"}, "stored": {"type": "boolean"}}}}}},
                    "400": error_response, "413": error_response, "415": error_response}}},
            "/label": {"get": {"summary": "The labeling page (HTML, keyboard shortcuts)", "responses": {"200": {
                "description": "HTML page", "content": {"text/html": {}}}}}},
            "/label/items": {"get": {"summary": "Items of the labeling queue not yet saved", "responses": {"200": {
                "description": "items", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LabelItems"}}}},
                "404": error_response}}},
            "/admin/reload": {"post": {
                "summary": "Switch every worker to a new model version (Authorization: Bearer TONE_ADMIN_TOKEN)",
                "requestBody": {"required": False, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"model_dir": {"type": "string"}}}}}},
                "responses": {"200": {"description": "switched", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["status", "model_version"], "properties": {
                        "status": {"type": "string"}, "model_version": {"type": "string"}, "model_dir": {"type": "string"}}}}}},
                    "401": error_response, "403": error_response, "409": error_response}}},
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
            "Feedback": {**reply, "required": ["text", "model_version", "action"], "properties": {
                **reply["properties"],
                "model_version": {"type": "string", "minLength": 1},
                "action": {"type": "string", "enum": ["sent_anyway", "revised", "correct_labels"]},
                "labels": {"type": "array", "items": tone, "description": "required with correct_labels; [] is neutral"},
                "prediction": {"type": "object", "description": "what /classify returned",
                               "properties": {"labels": {"type": "array", "items": tone}}},
                "agent_id": {"type": "string", "maxLength": 128}, "chat_id": {"type": "string", "maxLength": 128},
                "item_id": {"type": "string", "maxLength": 128}}},
            "LabelItems": {"type": "object", "required": ["items", "tones"], "properties": {
                "items": {"type": "array", "items": {"type": "object", "required": ["item_id", "text", "context"],
                          "properties": {"item_id": {"type": "string"}, "text": {"type": "string"},
                                         "context": {"type": "string"},
                                         "suggested": {"type": "array", "items": tone}}}},
                "tones": {"type": "array", "items": tone}, "queue": {"type": ["string", "null"]}}},
        }},
    }
