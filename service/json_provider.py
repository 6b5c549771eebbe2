"""Flask's JSON, with one encoder built once.

`flask.json.provider.DefaultJSONProvider.dumps` hands its options to `json.dumps`, which builds a new
`json.JSONEncoder` on every call; this provider keeps one for the settings every response uses
(compact, UTF-8 as is, keys in order).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider

COMPACT = (",", ":")


class ServiceJSONProvider(DefaultJSONProvider):
    ensure_ascii = False
    sort_keys = False

    def __init__(self, app: Flask) -> None:
        super().__init__(app)
        self._compact = json.JSONEncoder(ensure_ascii=self.ensure_ascii, sort_keys=self.sort_keys,
                                         separators=COMPACT, default=self.default)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs == {"separators": COMPACT}:
            return self._compact.encode(obj)
        return super().dumps(obj, **kwargs)
