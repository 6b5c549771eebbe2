"""`ToneModel`: the one prediction core shared by the service, the audit and evaluation."""

from __future__ import annotations

import functools
import threading
from collections import defaultdict
from typing import Sequence, TypedDict

import numpy as np
from sklearn.pipeline import Pipeline

from model.cues import message_kinds
from model.features import context_summary
from model.labels import TONES, is_flagged
from model.scorer import CACHE_SIZE, LinearScorer
from model.tokenizer import is_display_token, normalise, tokenise

RESULT_CACHE_SIZE = 4096  # distinct (reply, context) pairs whose results `predict` remembers
EVIDENCE_BLOCKS = frozenset({"reply_words", "reply_chars"})
MAX_EVIDENCE = 5
EVIDENCE_SHARE = 0.3  # a word is shown when it carries at least this share of the top word's weight


class ToneResult(TypedDict):
    labels: list[str]
    scores: dict[str, float]
    flagged: bool
    evidence: dict[str, list[str]]


class ToneModel:
    """A fitted pipeline with its per-tone thresholds and metadata."""

    def __init__(self, pipeline: Pipeline, metadata: dict, thresholds: dict[str, float] | None = None,
                 cache_size: int = CACHE_SIZE, results_cache_size: int = RESULT_CACHE_SIZE) -> None:
        """`thresholds` overrides some or all of the thresholds stored in `metadata`; `cache_size` is how
        many distinct texts (per feature block) and replies (for evidence) the model remembers, and
        `results_cache_size` how many ``(reply, context)`` results (0: none, for inputs that rarely repeat a pair)."""
        self.pipeline = pipeline
        self.metadata = metadata
        self.thresholds = {**metadata["thresholds"], **(thresholds or {})}
        self.scorer = LinearScorer(pipeline, cache_size)
        self._evidence = functools.lru_cache(maxsize=cache_size)(self._find_evidence)
        self._results: dict[tuple[str, str], ToneResult] = {}
        self.results_cache_size = results_cache_size
        self._remembering = threading.Lock()
        missing = set(TONES) - set(self.thresholds)
        if missing:
            raise ValueError(f"no threshold for tones: {sorted(missing)}")

    @property
    def version(self) -> str:
        return self.metadata["version"]

    def probabilities(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> np.ndarray:
        """Per-tone probabilities, shape ``(len(texts), len(TONES))``."""
        return self.scorer.probabilities(zip(texts, _contexts(texts, contexts)))

    def predict(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> list[ToneResult]:
        """Labels over their thresholds, all five scores, the flag, and evidence words per label.

        The results of the last `results_cache_size` distinct ``(text, context)`` pairs are remembered
        (a chat tool checks the same draft again when the agent sends it; agents paste templates):
        they are shared, so callers must not change them.
        """
        contexts = _contexts(texts, contexts)
        if not self.results_cache_size:
            return self._results_of(list(texts), contexts)
        pairs = list(zip(texts, contexts))
        results = [self._results.get(pair) for pair in pairs]
        new = [i for i, result in enumerate(results) if result is None]
        if new:
            fresh = self._results_of([pairs[i][0] for i in new], [pairs[i][1] for i in new])
            for i, result in zip(new, fresh):
                results[i] = self._remember(pairs[i], result)
        return results

    def _results_of(self, texts: list[str], contexts: list[str]) -> list[ToneResult]:
        probabilities = self.scorer.probability_rows(zip(texts, contexts))
        cut = [self.thresholds[t] for t in TONES]
        results = []
        for text, row in zip(texts, probabilities):
            labels = [t for t, p, c in zip(TONES, row, cut) if p >= c]
            results.append(ToneResult(
                labels=labels,
                scores=dict(zip(TONES, row)),
                flagged=is_flagged(labels),
                evidence={t: list(self.evidence(text, TONES.index(t))) for t in labels},
            ))
        return results

    def _remember(self, pair: tuple[str, str], result: ToneResult) -> ToneResult:
        with self._remembering:  # a threaded server may call predict from several threads
            if len(self._results) >= self.results_cache_size:
                del self._results[next(iter(self._results))]  # the oldest
            self._results[pair] = result
        return result

    def clear_caches(self) -> None:
        """Forget every text seen so far: this model's caches and those of the tokeniser and features."""
        for cache in (tokenise, normalise, message_kinds, context_summary, self._evidence, *self.scorer.caches):
            cache.cache_clear()
        self._results.clear()

    def evidence(self, text: str, tone: int) -> tuple[str, ...]:
        """The reply's words or emoji that pushed this tone's score up most (remembered per reply and tone).

        Word n-gram weights are shared among their words; a character n-gram's weight goes to the
        reply words it overlaps.
        """
        return self._evidence(text, tone)

    def _find_evidence(self, text: str, tone: int) -> tuple[str, ...]:
        words = [t for t in dict.fromkeys(tokenise(text)) if is_display_token(t)]
        score: dict[str, float] = defaultdict(float)
        for block, feature, weight in self.scorer.contributions(text, tone, EVIDENCE_BLOCKS):
            if weight <= 0:
                continue
            if block == "reply_words":
                owners = [w for w in feature.split(" ") if w in words]
            else:
                owners = [w for w in words if feature in w or (len(w) > 1 and w in feature)]
            for word in owners:
                score[word] += weight / len(owners)
        ranked = sorted(score.items(), key=lambda item: (-item[1], words.index(item[0])))
        top = ranked[0][1] if ranked else 0.0
        return tuple(word for word, weight in ranked[:MAX_EVIDENCE] if weight >= EVIDENCE_SHARE * top)


def _contexts(texts: Sequence[str], contexts: Sequence[str] | None) -> list[str]:
    if contexts is None:
        return [""] * len(texts)
    if len(contexts) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(contexts)} contexts")
    return [c or "" for c in contexts]
