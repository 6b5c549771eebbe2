"""A durable feedback store over SQLAlchemy: SQLite by default, any database URL SQLAlchemy knows.

SQLite is opened in WAL mode with a busy timeout, so that several gunicorn workers can write at once
without losing or corrupting a record; each record is one committed transaction.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from sqlalchemy import (Column, DateTime, Integer, MetaData, String, Table, Text, create_engine, event, func,
                        insert, select)
from sqlalchemy.engine import Engine

ACTIONS = ("sent_anyway", "revised", "correct_labels")

metadata = MetaData()
feedback = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("action", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("context", Text, nullable=False, default=""),
    Column("model_version", String(128), nullable=False),
    Column("predicted_labels", Text, nullable=False),  # JSON list: what the service said
    Column("labels", Text, nullable=True),  # JSON list: what the person says is right (correct_labels)
    Column("agent_id", String(128), nullable=True),
    Column("chat_id", String(128), nullable=True),
    Column("item_id", String(128), nullable=True),
)


def default_url(directory: str | Path) -> str:
    return f"sqlite:///{Path(directory).resolve() / 'feedback.sqlite3'}"


class FeedbackStore:
    """Append and read feedback records; safe to share across forked worker processes."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._pid = -1
        self.engine  # noqa: B018 - create the table (and WAL mode) now, before any worker forks

    @property
    def engine(self) -> Engine:
        if self._engine is None or self._pid != os.getpid():  # a forked worker opens its own connections
            self._engine, self._pid = _connect(self.url), os.getpid()
        return self._engine

    def add(self, *, action: str, text: str, context: str, model_version: str, predicted_labels: list[str],
            labels: list[str] | None = None, agent_id: str | None = None, chat_id: str | None = None,
            item_id: str | None = None) -> int:
        """Store one record (committed before returning); its id."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        row = {"created_at": datetime.now(timezone.utc), "action": action, "text": text, "context": context,
               "model_version": model_version, "predicted_labels": json.dumps(predicted_labels, ensure_ascii=False),
               "labels": None if labels is None else json.dumps(labels, ensure_ascii=False),
               "agent_id": agent_id, "chat_id": chat_id, "item_id": item_id}
        with self.engine.begin() as connection:
            return int(connection.execute(insert(feedback).values(**row)).inserted_primary_key[0])

    def records(self, action: str | None = None) -> Iterator[dict]:
        """Every record in the order stored, labels decoded."""
        query = select(feedback).order_by(feedback.c.id)
        if action:
            query = query.where(feedback.c.action == action)
        with self.engine.connect() as connection:
            for row in connection.execute(query).mappings():
                record = dict(row)
                record["predicted_labels"] = json.loads(record["predicted_labels"])
                record["labels"] = None if record["labels"] is None else json.loads(record["labels"])
                yield record

    def count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(feedback)).scalar_one())

    def labeled_item_ids(self) -> set[str]:
        with self.engine.connect() as connection:
            query = select(feedback.c.item_id).where(feedback.c.item_id.is_not(None))
            return {row[0] for row in connection.execute(query)}


def _connect(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:
            cursor = connection.cursor()
            # WAL is a property of the file, set once; switching it takes a lock that would fail under load
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()
    else:
        engine = create_engine(url, pool_pre_ping=True)
    metadata.create_all(engine)
    return engine
