"""A direct scorer compiled from the fitted pipeline's weights.

scikit-learn's `predict_proba` pays a fixed cost of about 2 ms per call (column selection, four
vectorizers, five estimators), which dominates when a chat tool sends one reply at a time. The
model is linear, so the same probabilities follow from the vocabularies, idf weights and
coefficients alone: this module computes them for any batch size, and the tests check it agrees
with `Pipeline.predict_proba` to 1e-9.

Each feature block (reply words, reply characters, context words, pair signals) adds its own share
to every tone's logit: the dot product of its TF-IDF weights with the coefficients, divided by the
weights' l2 norm (for l2-normalised blocks: all of them unless an option adds another). A block's
document comes in parts (one for text blocks; two for the pair signals, see `PairSignals.parts`),
and chat replies repeat (templates, stock answers), so the scorer remembers
per distinct part its dot products and its sum of squared weights (six floats, not the features): a
repeated reply costs a few cache lookups and a sum. The sum is done in plain floats (numpy's
per-call cost is larger than the work for five tones), and so is the sigmoid.
"""

from __future__ import annotations

import functools
import math
import operator
from array import array
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from model.features import REPLY

CACHE_SIZE = 20_000  # distinct parts of documents (texts, for most blocks) whose scores each block remembers


@dataclass(frozen=True)
class _Block:
    name: str
    analyze: Callable  # from one part of a document to its features' names
    parts: Callable  # from a document to its parts: keys of disjoint sets of features (the document itself for text)
    column: int | list[int]
    vocabulary: dict[str, int]
    idf: array  # of doubles, 1.0 each without idf weighting (no float objects: workers share these pages untouched)
    sublinear: bool
    binary: bool  # counts as 0/1
    normalised: bool  # l2 (True) or none
    offset: int


class LinearScorer:
    """Probabilities and per-feature contributions of a fitted tone pipeline, computed directly."""

    def __init__(self, pipeline: Pipeline, cache_size: int = CACHE_SIZE) -> None:
        features: ColumnTransformer = pipeline.named_steps["features"]
        blocks = []
        for name, vectorizer, column in features.transformers_:
            if name == "remainder":
                continue
            assert isinstance(vectorizer, TfidfVectorizer) and vectorizer.norm in ("l2", None)
            in_parts = getattr(vectorizer.analyzer, "parts", None)
            blocks.append(_Block(
                name=name, analyze=vectorizer.analyzer.signals if in_parts else vectorizer.build_analyzer(),
                parts=in_parts or _whole, column=column,
                vocabulary=vectorizer.vocabulary_,
                idf=array("d", vectorizer.idf_ if vectorizer.use_idf else [1.0] * len(vectorizer.vocabulary_)),
                sublinear=vectorizer.sublinear_tf, binary=vectorizer.binary, normalised=vectorizer.norm == "l2",
                offset=features.output_indices_[name].start))
        linear, scaling = zip(*map(_linear_part, pipeline.named_steps["classify"].estimators_))
        self.blocks: tuple[_Block, ...] = tuple(blocks)
        self.coef_t = np.ascontiguousarray(np.vstack([e.coef_.ravel() for e in linear]).T)  # (features, tones)
        self.intercept = np.array([e.intercept_[0] for e in linear])
        self.platt_a, self.platt_b = (np.array(v, dtype=np.float64) for v in zip(*scaling))
        self._offset = tuple((self.platt_a * self.intercept + self.platt_b).tolist())  # a x intercept + b
        self._zeros = (0.0,) * len(self.intercept)
        self.caches: list[Callable] = []  # one per block: of its documents, or of their parts
        self._shares: list[tuple[Callable, Callable]] = []  # per block: (pick its document from a row, its share)
        for block in self.blocks:
            if block.parts is _whole:
                cache = functools.lru_cache(maxsize=cache_size)(functools.partial(self._whole_share, block))
                share = cache
            else:
                cache = functools.lru_cache(maxsize=cache_size)(functools.partial(self._part_score, block))
                share = functools.partial(self._share_of_parts, block, cache)
            pick = operator.itemgetter(block.column) if isinstance(block.column, int) else _whole_row
            self.caches.append(cache)
            self._shares.append((pick, share))

    def probabilities(self, rows: Iterable[tuple[str, str]]) -> np.ndarray:
        """Per-tone probabilities of ``(reply, context)`` rows, shape ``(rows, tones)`` (see `probability_rows`)."""
        return np.array(self.probability_rows(rows), dtype=np.float64).reshape(-1, len(self._offset))

    def probability_rows(self, rows: Iterable[tuple[str, str]]) -> list[list[float]]:
        """Per row, per tone: ``1 / (1 + exp(a * logit + b))`` with the tone's Platt scaling ``(a, b)``, in plain
        floats (numpy's cost per call exceeds the work for five tones)."""
        out = []
        for row in rows:
            total = self._offset
            for pick, share in self._shares:
                total = tuple(map(operator.add, total, share(pick(row))))
            out.append([1.0 / (1.0 + math.exp(z)) if z < _EXP_LIMIT else 0.0 for z in total])
        return out

    def contributions(self, text: str, tone: int, block_names: frozenset[str]) -> list[tuple[str, str, float]]:
        """``(block name, feature, weight x value)`` for one tone, over the named blocks that read the reply only.

        The features' names come from the analysis of `text`, not from a table of every name: a forked worker
        that reads the master's strings copies the memory pages they sit on.
        """
        out = []
        for block in self.blocks:
            if block.name in block_names:
                assert block.column == REPLY, f"{block.name} does not read the reply alone"
                features = block.analyze(text)
                names = {block.vocabulary[f] + block.offset: f for f in features if f in block.vocabulary}
                indices, weights = _weights(block, features)
                norm = math.sqrt(sum(w * w for w in weights)) if block.normalised else 1.0
                out.extend((block.name, names[j], w / norm * self.coef_t[j, tone]) for j, w in zip(indices, weights))
        return out

    def _whole_share(self, block: _Block, document) -> tuple[float, ...]:
        """Per tone, Platt slope a x the block's share of the logit, for a block read as one part."""
        dots, squares = self._part_score(block, document)
        return self._share(block, dots, squares)

    def _part_score(self, block: _Block, part) -> tuple[tuple[float, ...], float]:
        """One part of a document: per tone, Platt slope a x (its TF-IDF weights . coefficients), and
        the sum of its squared weights."""
        indices, weights = _weights(block, block.analyze(part))
        if not indices:
            return self._zeros, 0.0
        dots = np.frombuffer(weights) @ self.coef_t[np.frombuffer(indices, dtype=np.int64)]
        return tuple((self.platt_a * dots).tolist()), math.fsum(w * w for w in weights)

    def _share_of_parts(self, block: _Block, part_score: Callable, document) -> tuple[float, ...]:
        """Per tone, Platt slope a x the block's share of the logit, from its parts' cached scores."""
        scored = [part_score(part) for part in block.parts(document)]
        dots = scored[0][0]
        for more, _ in scored[1:]:
            dots = tuple(map(operator.add, dots, more))
        return self._share(block, dots, sum(sq for _, sq in scored))

    def _share(self, block: _Block, dots: tuple[float, ...], squares: float) -> tuple[float, ...]:
        """The block's share from its summed dot products and squared weights: divided by the l2 norm."""
        if not squares:
            return self._zeros
        if not block.normalised:
            return dots
        inverse_norm = 1.0 / math.sqrt(squares)
        return tuple(d * inverse_norm for d in dots)


def _weights(block: _Block, features: list[str]) -> tuple[array, array]:
    """Global column indices and (not yet normalised) TF-IDF weights of a block's analysed features (of one
    part of a document), in compact arrays. Plain Python floats: for one short reply they are several times
    faster than small numpy arrays."""
    vocabulary, idf, offset = block.vocabulary, block.idf, block.offset
    counts = [(j, c) for f, c in Counter(features).items() if (j := vocabulary.get(f)) is not None]
    if not counts:
        return _NO_INDICES, _NO_VALUES
    counts.sort()  # column order: sums then do not depend on a set's order (string hashes vary per process)
    if block.binary:
        weights = [idf[j] for j, _ in counts]
    elif block.sublinear:
        weights = [(math.log(c) + 1.0) * idf[j] for j, c in counts]
    else:
        weights = [c * idf[j] for j, c in counts]
    return array("q", [j + offset for j, _ in counts]), array("d", weights)


def _whole(document) -> tuple:
    return (document,)


def _whole_row(row: tuple[str, str]) -> tuple[str, str]:
    return row


_NO_INDICES, _NO_VALUES = array("q"), array("d")
_EXP_LIMIT = 700.0  # exp() overflows past ~709; 1 / (1 + e^700) is 0 to within 1e-300


def _linear_part(estimator) -> tuple[object, tuple[float, float]]:
    """A tone's logistic regression and the Platt scaling ``(a, b)`` over its logit (``(-1, 0)``: none)."""
    if isinstance(estimator, CalibratedClassifierCV):
        [calibrated] = estimator.calibrated_classifiers_
        [sigmoid] = calibrated.calibrators
        return calibrated.estimator, (float(sigmoid.a_), float(sigmoid.b_))
    return estimator, (-1.0, 0.0)
