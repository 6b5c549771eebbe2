"""Measurements inside this process, pinned to one core: the tokeniser floor, the model alone, the peers."""

from __future__ import annotations

import logging
import os
import time
from contextlib import contextmanager
from typing import Callable, Iterator

import jieba

from bench.corpus import Pair
from model import ToneModel
from model.features import as_rows
from model.tokenizer import normalise, tokenise, warm_up
from training.peers import KeywordRules, SnowNLPSentiment

BATCH_SIZES = (1, 64, 1024)
STAGE_BATCH = 1024
TEMPLATE_REPLIES = 256


@contextmanager
def one_core() -> Iterator[None]:
    """Pin this thread to one CPU for the duration (children started later are not affected)."""
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {max(allowed)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, allowed)


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def tokeniser_floor(texts: list[str]) -> dict:
    """Replies/s of plain jieba (the floor) and of the project's uncached `tokenise` on the same replies."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    plain = jieba.Tokenizer()
    plain.initialize()
    warm_up()
    jieba_seconds = timed(lambda: [plain.lcut(text, HMM=False) for text in texts])
    normalise.cache_clear()
    own_seconds = timed(lambda: [tokenise.__wrapped__(text) for text in texts])
    return {"replies": len(texts), "jieba_replies_per_s": len(texts) / jieba_seconds,
            "project_replies_per_s": len(texts) / own_seconds}


def model_only(model: ToneModel, pairs: list[Pair], template_rounds: int, stage_repeats: int) -> dict:
    """`predict` replies/s per batch size (cold caches), with warm caches on templates, and the stage split."""
    texts, contexts = [p.reply for p in pairs], [p.context for p in pairs]
    result: dict = {"replies": len(pairs)}
    for size in BATCH_SIZES:
        model.clear_caches()
        result[f"batch_{size}"] = len(texts) / timed(lambda: _predict_batches(model, texts, contexts, size))
    templates = pairs[:TEMPLATE_REPLIES]
    t_texts, t_contexts = [p.reply for p in templates], [p.context for p in templates]
    _predict_batches(model, t_texts, t_contexts, 1)  # fills the caches
    seconds = timed(lambda: [_predict_batches(model, t_texts, t_contexts, 1) for _ in range(template_rounds)])
    result["templates_warm"] = {"distinct": len(templates), "rounds": template_rounds, "batch": 1,
                                "replies_per_s": len(templates) * template_rounds / seconds}
    result["stages"] = stage_split(model, texts, contexts, stage_repeats)
    return result


def _predict_batches(model: ToneModel, texts: list[str], contexts: list[str], size: int) -> None:
    for start in range(0, len(texts), size):
        model.predict(texts[start:start + size], contexts[start:start + size])


def stage_split(model: ToneModel, texts: list[str], contexts: list[str], repeats: int) -> dict:
    """Shares of `predict` time in tokenising, vectorising and the classifier, each stage timed on its own.

    tokenise: `tokenise` of every reply and context, cold. vectorise: `scorer.probabilities` cold, minus
    tokenise and minus the same call warm: each block's TF-IDF features and their dot product with the
    weights. classifier: `scorer.probabilities` warm (cache lookups, the sum of the blocks' shares, the
    sigmoid) plus labels and evidence (the rest of a cold `predict`). Each stage keeps its fastest of
    `repeats` timings.
    """
    batches = [as_rows(texts[i:i + STAGE_BATCH], contexts[i:i + STAGE_BATCH])
               for i in range(0, len(texts), STAGE_BATCH)]

    def fastest(work: Callable[[], object], cold: bool) -> float:
        best = float("inf")
        for _ in range(repeats):
            if cold:
                model.clear_caches()
            best = min(best, timed(work))
        return best

    tokenising = fastest(lambda: [tokenise(str(s)) for rows in batches for s in rows.ravel()], cold=True)
    scoring_cold = fastest(lambda: [model.scorer.probabilities(rows) for rows in batches], cold=True)
    scoring_warm = fastest(lambda: [model.scorer.probabilities(rows) for rows in batches], cold=False)
    predicting = fastest(lambda: [model.predict(list(rows[:, 0]), list(rows[:, 1])) for rows in batches], cold=True)
    return {
        "batch": STAGE_BATCH,
        "predict_replies_per_s": len(texts) / predicting,
        "tokenise": tokenising / predicting,
        "vectorise": (scoring_cold - tokenising - scoring_warm) / predicting,
        "classifier": (predicting - scoring_cold + scoring_warm) / predicting,
        "probabilities": scoring_warm / predicting,
        "labels_evidence": (predicting - scoring_cold) / predicting,
    }


def peers(snownlp_texts: list[str], keyword_texts: list[str]) -> dict:
    """Replies/s of SnowNLP sentiment (one reply per call) and of the keyword rules (one call for all)."""
    snownlp = SnowNLPSentiment()
    snownlp.sentiment(snownlp_texts[0])  # loads its model
    snow_seconds = timed(lambda: [snownlp.sentiment(text) for text in snownlp_texts])
    rules = KeywordRules()
    rule_seconds = min(timed(lambda: rules.labels(keyword_texts)) for _ in range(3))
    return {"snownlp": {"replies": len(snownlp_texts), "replies_per_s": len(snownlp_texts) / snow_seconds},
            "keyword_rules": {"replies": len(keyword_texts), "replies_per_s": len(keyword_texts) / rule_seconds}}
