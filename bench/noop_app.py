"""A do-nothing JSON endpoint: the HTTP floor that `make bench` serves with the service's own gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.post("/classify")
def classify() -> dict:
    return {"labels": [], "flagged": False}


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}
