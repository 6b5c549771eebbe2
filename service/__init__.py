"""Flask service: ``POST /classify``, ``GET /health``, ``GET /openapi.json``, ``POST /feedback``, ``/label``,
``POST /admin/reload``."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from feedback.store import FeedbackStore, default_url
from model.tokenizer import warm_up
from service import config as settings
from service.access_log import install_access_log
from service.admin import admin_api
from service.errors import register_error_handlers
from service.feedback_views import feedback_api
from service.json_provider import ServiceJSONProvider
from service.model_holder import ModelHolder
from service.views import api


def create_app(config: dict | None = None) -> Flask:
    """Build the app; the model is loaded and warmed up here, once, before any request."""
    app = Flask(__name__)
    app.json = ServiceJSONProvider(app)
    app.config.from_mapping(settings.DEFAULTS)
    app.config.from_mapping(settings.from_environment())
    if config:
        app.config.from_mapping(config)
    state = Path(app.config["STATE_DIR"])
    app.extensions["model_holder"] = ModelHolder(app.config["MODEL_DIR"], app.config["THRESHOLDS"], state / "active-model")
    app.extensions["feedback_store"] = FeedbackStore(app.config["FEEDBACK_URL"] or default_url(state))
    warm_up()
    register_error_handlers(app)
    install_access_log(app)
    for blueprint in (api, feedback_api, admin_api):
        app.register_blueprint(blueprint)
    return app
