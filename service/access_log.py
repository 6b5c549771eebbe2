"""One log line per request on stderr: time, method, path, status, latency and how many replies were flagged.

It wraps the WSGI app rather than hooking into Flask's request cycle, and writes the line itself
rather than through `logging` (a log record, a formatter and a handler lock cost more than the rest
of a cached `/classify`): the line is built from the WSGI environ and the status line alone. A view
reports how many replies it flagged with `note_flagged`. The reply text is logged only when
``LOG_TEXT`` is on (``TONE_LOG_TEXT=1``).
"""

from __future__ import annotations

import io
import sys
import time
from typing import Callable, Iterable

from flask import Flask, request

FLAGGED_KEY = "tone.flagged"
TEXT_CHARS = 500  # of the request body, with LOG_TEXT on


def note_flagged(count: int) -> None:
    """Tell the access log how many replies this request flagged."""
    request.environ[FLAGGED_KEY] = count


def install_access_log(app: Flask) -> None:
    max_text_bytes = app.config["MAX_CONTENT_LENGTH"] if app.config["LOG_TEXT"] else 0
    app.wsgi_app = AccessLog(app.wsgi_app, max_text_bytes)


class AccessLog:
    """WSGI middleware that writes a line to stderr for each request once its response is produced."""

    def __init__(self, wsgi_app: Callable, max_text_bytes: int = 0) -> None:
        """`max_text_bytes` > 0 logs the start of JSON bodies up to that size (the service's body limit)."""
        self.wsgi_app, self.max_text_bytes = wsgi_app, max_text_bytes
        self._second, self._stamp = -1, ""

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        text = _keep_json_body(environ, self.max_text_bytes) if self.max_text_bytes else None
        status = []

        def remember_status(status_line: str, headers: list, *exc_info) -> Callable:
            status.append(status_line[:3])
            return start_response(status_line, headers, *exc_info)

        body = self.wsgi_app(environ, remember_status)
        elapsed_ms = (time.perf_counter() - started) * 1000
        line = (f"{self._now()} {environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')} "
                f"{status[-1] if status else '-'} {elapsed_ms:.2f}ms flagged={environ.get(FLAGGED_KEY, '-')}")
        if text is not None:
            line += f" body={text!r}"
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
        return body

    def _now(self) -> str:
        """Local time to the second, formatted once per second."""
        second = int(time.time())
        if second != self._second:
            self._second, self._stamp = second, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        return self._stamp


def _keep_json_body(environ: dict, max_bytes: int) -> str | None:
    """The start of a JSON request body, read ahead and put back for the app (None for other bodies)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not environ.get("CONTENT_TYPE", "").startswith("application/json") or not 0 < length <= max_bytes:
        return None
    raw = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(raw)
    return raw.decode("utf-8", errors="replace")[:TEXT_CHARS]
