"""Classifying batches of replies in this process or in worker processes, in order.

A batch comes back as its rows of replies.csv (CSV text) and the `Summary` of its replies, so the
process that reads the log only writes text and adds up counts: the per-reply work is spread over
the workers. Each reply goes to the worker its text hashes to, so a template is always scored by the
same worker and each worker's caches hold only its share of the distinct texts.
"""

from __future__ import annotations

import csv
import gc
import json
import multiprocessing
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

from audit.summary import Reply, Summary
from model import ToneModel, ToneResult, load_model
from model.labels import TONES

REPLY_COLUMNS = ["line", "chat_id", "time", "agent_id", "text", "context", "labels", *TONES, "flagged", "evidence"]
# A chat log repeats agent templates after many kinds of customer message, and its customer messages
# run to tens of thousands: the model remembers far more texts here than in the service. Whole
# (reply, context) pairs hardly ever repeat in a log (under 1% in the bench's), so their results are not kept.
AUDIT_CACHE_SIZE = 250_000

_worker_model: ToneModel | None = None  # set before the workers fork, so they share the loaded model


def load_audit_model(model_dir: str | Path) -> ToneModel:
    """The model with the caches that suit a chat log (`AUDIT_CACHE_SIZE`, no results cache)."""
    return load_model(model_dir, cache_size=AUDIT_CACHE_SIZE, results_cache_size=0)


def reply_row(reply: Reply, result: ToneResult) -> list:
    """One row of replies.csv (`REPLY_COLUMNS`)."""
    return [reply.line, reply.chat_id, reply.time, reply.agent_id, reply.text, reply.context,
            "|".join(result["labels"]), *(repr(result["scores"][t]) for t in TONES),
            "true" if result["flagged"] else "false",
            json.dumps(result["evidence"], ensure_ascii=False) if result["evidence"] else "{}"]


def classify_batch(model: ToneModel, replies: list[Reply]) -> tuple[list[str], Summary]:
    """The replies' rows of replies.csv, each as CSV text, and their `Summary`."""
    results = model.predict([r.text for r in replies], [r.context for r in replies])
    summary, rows = Summary(), []
    writer = csv.writer(SimpleNamespace(write=rows.append))  # a csv writer writes each row with one call
    for reply, result in zip(replies, results):
        writer.writerow(reply_row(reply, result))
        summary.add(reply, result)
    assert len(rows) == len(replies)
    return rows, summary


def _classify_in_worker(replies: list[Reply]) -> tuple[list[str], Summary]:
    assert _worker_model is not None
    outcome = classify_batch(_worker_model, replies)
    gc.freeze()  # what a batch leaves behind is new cache entries, kept for the whole run: not walked again
    return outcome


class BatchClassifier:
    """Feeds batches to `jobs` worker processes (or this one when ``jobs == 1``) and yields their outcomes,
    ``(replies.csv rows as text, Summary)``, in order.

    At most ``2 * jobs`` batches are in flight, so memory stays bounded however large the input.
    """

    def __init__(self, model_dir: Path, jobs: int) -> None:
        global _worker_model
        self.model = _worker_model = load_audit_model(model_dir)
        gc.collect()
        gc.freeze()  # the collector no longer walks the model (and the workers keep sharing its pages)
        fork = multiprocessing.get_context("fork")
        self._workers = [ProcessPoolExecutor(1, mp_context=fork) for _ in range(jobs)] if jobs > 1 else []
        self._in_flight = 2 * jobs if self._workers else 0
        self._pending: deque[list[tuple[list[int], Future | tuple[list[str], Summary]]]] = deque()

    def submit(self, replies: list[Reply]) -> Iterator[tuple[str, Summary]]:
        """Queue one batch; yield the outcomes of batches that must be collected to make room."""
        if not self._workers:
            self._pending.append([(list(range(len(replies))), classify_batch(self.model, replies))])
        else:
            shards: list[list[int]] = [[] for _ in self._workers]
            for i, reply in enumerate(replies):
                shards[hash(reply.text) % len(shards)].append(i)
            self._pending.append([(shard, worker.submit(_classify_in_worker, [replies[i] for i in shard]))
                                  for worker, shard in zip(self._workers, shards) if shard])
        while len(self._pending) > self._in_flight:
            yield self._collect()

    def drain(self) -> Iterator[tuple[str, Summary]]:
        while self._pending:
            yield self._collect()

    def _collect(self) -> tuple[str, Summary]:
        """The oldest batch's rows back in input order, and its summary."""
        parts = self._pending.popleft()
        rows: list[str] = [""] * sum(len(shard) for shard, _ in parts)
        summary = Summary()
        for shard, outcome in parts:
            shard_rows, shard_summary = outcome.result() if isinstance(outcome, Future) else outcome
            for i, row in zip(shard, shard_rows):
                rows[i] = row
            summary.merge(shard_summary)
        return "".join(rows), summary

    def close(self) -> None:
        for worker in self._workers:
            worker.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()  # a caller in the same process gets its collector back as it was

    def __enter__(self) -> "BatchClassifier":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
