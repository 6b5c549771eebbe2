"""One log line per request: method, path, status, latency and how many replies were flagged.

The reply text is logged only when ``LOG_TEXT`` is on (``TONE_LOG_TEXT=1``).
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

logger = logging.getLogger("tone.access")


def install_access_log(app: Flask) -> None:
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False

    @app.before_request
    def start_clock() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        line = (f"{request.method} {request.path} {response.status_code} {elapsed_ms:.2f}ms "
                f"flagged={g.get('flagged', '-')}")
        if app.config["LOG_TEXT"] and request.is_json:
            line += f" body={request.get_data(as_text=True)[:500]!r}"
        logger.info(line)
        return response
