"""A direct scorer compiled from the fitted pipeline's weights.

scikit-learn's `predict_proba` pays a fixed cost of about 2 ms per call (column selection, four
vectorizers, five estimators), which dominates when a chat tool sends one reply at a time. The
model is linear, so the same probabilities follow from the vocabularies, idf weights and
coefficients alone: this module computes them for any batch size, and the tests check it agrees
with `Pipeline.predict_proba` to 1e-9.

Each feature block (reply words, reply characters, context words, pair signals) adds its own share
to every tone's logit. Chat replies repeat (templates, stock answers), so each block remembers, per
distinct text, that share (five floats, not the features): a repeated reply costs four cache lookups
and a sum.
The sum and the sigmoid are done in plain floats: numpy's per-call cost is larger than the work for
five tones.
"""

from __future__ import annotations

import functools
import math
import operator
from array import array
from collections import Counter
from dataclasses import dataclass
from typing import Callable

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from model.features import REPLY

CACHE_SIZE = 20_000  # distinct texts whose features each block remembers


@dataclass(frozen=True)
class _Block:
    name: str
    analyze: Callable  # from the block's cache key to its features' names
    key: Callable  # from a document to what its features depend on (the document itself for text blocks)
    column: int | list[int]
    vocabulary: dict[str, int]
    idf: list[float]
    sublinear: bool
    offset: int


class LinearScorer:
    """Probabilities and per-feature contributions of a fitted tone pipeline, computed directly."""

    def __init__(self, pipeline: Pipeline) -> None:
        features: ColumnTransformer = pipeline.named_steps["features"]
        blocks, names = [], []
        for name, vectorizer, column in features.transformers_:
            if name == "remainder":
                continue
            assert isinstance(vectorizer, TfidfVectorizer) and vectorizer.norm == "l2"
            keyed = getattr(vectorizer.analyzer, "cache_key", None)
            blocks.append(_Block(
                name=name, analyze=vectorizer.analyzer.signals if keyed else vectorizer.build_analyzer(),
                key=keyed or _same, column=column,
                vocabulary=vectorizer.vocabulary_, idf=vectorizer.idf_.tolist(),
                sublinear=vectorizer.sublinear_tf, offset=features.output_indices_[name].start))
            names.extend(vectorizer.get_feature_names_out())
        linear, scaling = zip(*map(_linear_part, pipeline.named_steps["classify"].estimators_))
        self.blocks: tuple[_Block, ...] = tuple(blocks)
        self.feature_names = np.asarray(names, dtype=object)
        self.coef = np.vstack([e.coef_.ravel() for e in linear])  # (tones, features)
        self.intercept = np.array([e.intercept_[0] for e in linear])
        self.coef_t = np.ascontiguousarray(self.coef.T)
        self.platt_a, self.platt_b = (np.array(v, dtype=np.float64) for v in zip(*scaling))
        self._offset = tuple((self.platt_a * self.intercept + self.platt_b).tolist())  # a x intercept + b
        self._nothing = (0.0,) * len(self.intercept)
        # one cache per block
        self.caches = [functools.lru_cache(maxsize=CACHE_SIZE)(functools.partial(self._score_block, b))
                              for b in self.blocks]

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """Per-tone probabilities of ``(reply, context)`` rows, shape ``(rows, tones)``:
        ``1 / (1 + exp(a * logit + b))`` with each tone's Platt scaling ``(a, b)``."""
        blocks = tuple(zip(self.blocks, self.caches))
        out = []
        for row in rows:
            z = self._offset
            for block, score in blocks:
                z = tuple(map(operator.add, z, score(block.key(row[block.column]))))
            out.append([_inverse_logistic(v) for v in z])
        return np.array(out, dtype=np.float64).reshape(len(out), len(self._offset))

    def contributions(self, text: str, tone: int, block_names: frozenset[str]) -> list[tuple[str, str, float]]:
        """``(block name, feature, weight x value)`` for one tone, over the named blocks that read the reply only."""
        out = []
        for block in self.blocks:
            if block.name in block_names:
                assert block.column == REPLY, f"{block.name} does not read the reply alone"
                idx, vals = _block_features(block, block.key(text))
                out.extend((block.name, self.feature_names[j], v * self.coef[tone, j]) for j, v in zip(idx, vals))
        return out

    def _score_block(self, block: _Block, key) -> tuple[float, ...]:
        """Per tone, the Platt slope a x the block's share of the logit, for the document whose cache key is `key`."""
        indices, values = _block_features(block, key)
        if not indices:
            return self._nothing
        share = np.frombuffer(values) @ self.coef_t[np.frombuffer(indices, dtype=np.int64)]
        return tuple((self.platt_a * share).tolist())


def _block_features(block: _Block, key) -> tuple[array, array]:
    """One block's non-zero TF-IDF features of one document (given by its cache key): global column
    indices and l2-normalised values, in compact arrays.

    Plain Python floats: for one short reply they are several times faster than small numpy arrays.
    """
    vocabulary, idf = block.vocabulary, block.idf
    counts = [(vocabulary[f], c) for f, c in Counter(block.analyze(key)).items() if f in vocabulary]
    if not counts:
        return _NO_INDICES, _NO_VALUES
    if block.sublinear:
        weights = [(math.log(c) + 1.0) * idf[j] for j, c in counts]
    else:
        weights = [c * idf[j] for j, c in counts]
    norm = math.sqrt(sum(w * w for w in weights))
    return array("q", (j + block.offset for j, _ in counts)), array("d", (w / norm for w in weights))


def _inverse_logistic(z: float) -> float:
    """``1 / (1 + exp(z))`` without overflow."""
    if z > 0:
        e = math.exp(-z)
        return e / (1.0 + e)
    return 1.0 / (1.0 + math.exp(z))


def _same(doc):
    return doc


_NO_INDICES, _NO_VALUES = array("q"), array("d")


def _linear_part(estimator) -> tuple[object, tuple[float, float]]:
    """A tone's logistic regression and the Platt scaling ``(a, b)`` over its logit (``(-1, 0)``: none)."""
    if isinstance(estimator, CalibratedClassifierCV):
        [calibrated] = estimator.calibrated_classifiers_
        [sigmoid] = calibrated.calibrators
        return calibrated.estimator, (float(sigmoid.a_), float(sigmoid.b_))
    return estimator, (-1.0, 0.0)
