"""Classifying batches of replies in this process or in a pool of worker processes, in order."""

from __future__ import annotations

import multiprocessing
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Iterator

from model import ToneModel, ToneResult, load_model

_worker_model: ToneModel | None = None  # set before the workers fork, so they share the loaded model


def _predict_in_worker(texts: list[str], contexts: list[str]) -> list[ToneResult]:
    assert _worker_model is not None
    return _worker_model.predict(texts, contexts)


class BatchClassifier:
    """Feeds batches to `jobs` processes (or this one when ``jobs == 1``) and yields results in order.

    At most ``2 * jobs`` batches are in flight, so memory stays bounded however large the input.
    """

    def __init__(self, model_dir: Path, jobs: int) -> None:
        global _worker_model
        self.model = _worker_model = load_model(model_dir)
        self._pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) if jobs > 1 else None
        self._in_flight = 2 * jobs if self._pool else 0
        self._pending: deque[tuple[object, Future | list[ToneResult]]] = deque()

    def submit(self, tag: object, texts: list[str], contexts: list[str]) -> Iterator[tuple[object, list[ToneResult]]]:
        """Queue one batch; yield the (tag, results) of batches that must be collected to make room."""
        if self._pool is None:
            self._pending.append((tag, self.model.predict(texts, contexts)))
        else:
            self._pending.append((tag, self._pool.submit(_predict_in_worker, texts, contexts)))
        while len(self._pending) > self._in_flight:
            yield self._collect()

    def drain(self) -> Iterator[tuple[object, list[ToneResult]]]:
        while self._pending:
            yield self._collect()

    def _collect(self) -> tuple[object, list[ToneResult]]:
        tag, outcome = self._pending.popleft()
        return tag, outcome.result() if isinstance(outcome, Future) else outcome

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "BatchClassifier":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
