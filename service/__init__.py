"""Flask service: ``POST /classify``, ``GET /health``, ``GET /openapi.json``."""

from __future__ import annotations

from flask import Flask

from model import load_model
from model.tokenizer import warm_up
from service import config as settings
from service.access_log import install_access_log
from service.errors import register_error_handlers
from service.views import api


def create_app(config: dict | None = None) -> Flask:
    """Build the app; the model is loaded and warmed up here, once, before any request."""
    app = Flask(__name__)
    app.config.from_mapping(settings.DEFAULTS)
    app.config.from_mapping(settings.from_environment())
    if config:
        app.config.from_mapping(config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    model = load_model(app.config["MODEL_DIR"], thresholds=app.config["THRESHOLDS"])
    warm_up()
    app.extensions["tone_model"] = model
    register_error_handlers(app)
    install_access_log(app)
    app.register_blueprint(api)
    return app
