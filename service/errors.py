"""One JSON shape for every error: ``{"error": {"code": ..., "message": ...}}``."""

from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

_HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large",
    415: "unsupported_media_type",
}


class APIError(Exception):
    """A request the service refuses, with a stable machine code and a plain message."""

    def __init__(self, status: int, code: str, message: str, **detail) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.detail = status, code, message, detail


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(APIError)
    def api_error(error: APIError):
        return jsonify(error={"code": error.code, "message": error.message, **error.detail}), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        code = _HTTP_CODES.get(status, "http_error")
        message = {
            404: "no such endpoint; see /openapi.json",
            405: f"method not allowed here; allowed: {', '.join(sorted(error.valid_methods or []))}"
            if getattr(error, "valid_methods", None) else "method not allowed here",
            413: f"request body is over the limit of {app.config['MAX_CONTENT_LENGTH']} bytes",
        }.get(status, error.description)
        response = jsonify(error={"code": code, "message": message})
        if status == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response, status

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unexpected error")
        return jsonify(error={"code": "internal_error", "message": "the service failed on this request"}), 500
