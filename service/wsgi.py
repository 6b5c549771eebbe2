"""WSGI entry point for gunicorn (``service.wsgi:app``); a model or settings problem ends it with a message."""

import sys

from model import ModelLoadError
from service import create_app
from service.config import ConfigError

try:
    app = create_app()
except (ModelLoadError, ConfigError) as exc:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(1)
