"""Service settings: defaults, overridden by ``TONE_*`` environment variables, overridden by `create_app(config)`.

| variable               | setting              | default          |
|------------------------|----------------------|------------------|
| TONE_MODEL_DIR         | MODEL_DIR            | models/current   |
| TONE_MAX_TEXT_CHARS    | MAX_TEXT_CHARS       | 2000             |
| TONE_MAX_ITEMS         | MAX_ITEMS            | 256              |
| TONE_MAX_BODY_BYTES    | MAX_CONTENT_LENGTH   | 1048576 (1 MB)   |
| TONE_THRESHOLDS        | THRESHOLDS           | the model's own  |
| TONE_LOG_TEXT          | LOG_TEXT             | 0                |
| TONE_STATE_DIR         | STATE_DIR            | var/             |
| TONE_FEEDBACK_URL      | FEEDBACK_URL         | SQLite file in STATE_DIR |
| TONE_ADMIN_TOKEN       | ADMIN_TOKEN          | unset: admin endpoints off |
| TONE_LABEL_QUEUE       | LABEL_QUEUE          | unset: /label has nothing to label |
| TONE_WORKERS           | (gunicorn workers)   | 2                |

TONE_THRESHOLDS overrides some or all per-tone thresholds: ``dismissive=0.4,hostile=0.5``.
TONE_FEEDBACK_URL is any SQLAlchemy database URL, e.g. ``postgresql+psycopg://user@host/db``.
STATE_DIR also holds ``active-model``, through which a model switch reaches every worker.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

from model.labels import TONES

PREFIX = "TONE_"
ROOT = Path(__file__).resolve().parents[1]

DEFAULTS = {
    "MODEL_DIR": str(ROOT / "models" / "current"),
    "MAX_TEXT_CHARS": 2000,
    "MAX_ITEMS": 256,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "THRESHOLDS": {},
    "LOG_TEXT": False,
    "STATE_DIR": str(ROOT / "var"),
    "FEEDBACK_URL": "",
    "ADMIN_TOKEN": "",
    "LABEL_QUEUE": "",
}
_ENV_NAMES = {"MAX_BODY_BYTES": "MAX_CONTENT_LENGTH"}


class ConfigError(ValueError):
    """A ``TONE_*`` variable has a value the service cannot use."""


def from_environment(environ: Mapping[str, str] = os.environ) -> dict:
    """The settings named by ``TONE_*`` variables, parsed to their types."""
    settings = {}
    for name, raw in environ.items():
        if not name.startswith(PREFIX) or name == "TONE_WORKERS":
            continue
        key = _ENV_NAMES.get(name[len(PREFIX):], name[len(PREFIX):])
        if key not in DEFAULTS:
            continue
        settings[key] = _parse(name, key, raw)
    return settings


def parse_thresholds(raw: str) -> dict[str, float]:
    """``"dismissive=0.4,hostile=0.5"`` -> ``{"dismissive": 0.4, "hostile": 0.5}``."""
    thresholds = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        tone, _, value = part.partition("=")
        if tone not in TONES:
            raise ConfigError(f"TONE_THRESHOLDS: unknown tone {tone!r}; known: {', '.join(TONES)}")
        try:
            thresholds[tone] = float(value)
        except ValueError:
            raise ConfigError(f"TONE_THRESHOLDS: {part!r} is not tone=number") from None
        if not 0.0 < thresholds[tone] < 1.0:
            raise ConfigError(f"TONE_THRESHOLDS: {tone} must be between 0 and 1")
    return thresholds


def _parse(name: str, key: str, raw: str):
    default = DEFAULTS[key]
    if key == "THRESHOLDS":
        return parse_thresholds(raw)
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
        if value <= 0:
            raise ConfigError(f"{name} must be positive")
        return value
    return raw
