"""Feature analyzers and the scikit-learn pipeline that is the whole tone model.

The model reads rows of two text columns, ``(reply, context)``. Each block of features is a
`TfidfVectorizer` with an analyzer defined here (module-level classes, so the pipeline pickles):

- ``reply_words``: word 1..n-grams of the reply from `tokenise`;
- ``reply_chars``: character n-grams of the normalised reply (robust to segmentation and typos);
- ``context_words``: words of the customer's message, in their own namespace;
- ``pair``: signals about the pair: reply length, questions on both sides, whether the reply takes
  up the customer's words, the kind of customer message (complaint, thanks, question; `cues`)
  crossed with the reply's length and words, and optionally the customer's words crossed with the
  reply's length.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline

from model.cues import message_kinds
from model.tokenizer import is_display_token, normalise, tokenise

REPLY, CONTEXT = 0, 1
FEATURES_VERSION = 4  # bump whenever an analyzer's output changes: older models are then refused


@dataclass(frozen=True)
class ModelConfig:
    """Hyper-parameters of the pipeline; stored in the model's metadata."""

    word_ngram_max: int = 2
    char_ngram_min: int = 1
    char_ngram_max: int = 3
    min_df: int = 2
    sublinear_tf: bool = True
    use_context: bool = True
    context_chars: int = 80  # read only the last N characters of the customer's message (0: all of it)
    use_pair: bool = True
    cross_kind_with_reply: bool = True
    cross_context_words: bool = False
    reply_word_presence: bool = False  # + the reply's words as 0/1, not normalised: a cue weighs the same in a long reply
    repeat_urgent_kinds: bool = False  # two more kinds of customer message for the pair signals (`cues.MORE_KINDS`)
    C: float = 4.0
    class_weight: str | None = "balanced"
    calibration: str = "sigmoid"  # "sigmoid": Platt scaling fitted on 3-fold held-out scores; "none"

    def to_dict(self) -> dict:
        return asdict(self)


def last_chars(text: str, n: int) -> str:
    """The last `n` characters of `text` (all of it when `n` is 0)."""
    return text[-n:] if n else text


class WordNgrams:
    """Analyzer: word 1..`ngram_max`-grams of one text (its last `keep_chars`), each prefixed with `prefix`."""

    def __init__(self, ngram_max: int = 2, prefix: str = "", keep_chars: int = 0) -> None:
        self.ngram_max = ngram_max
        self.prefix = prefix
        self.keep_chars = keep_chars

    def __call__(self, text: str) -> list[str]:
        tokens = tokenise(last_chars(text, self.keep_chars))
        grams = [self.prefix + token for token in tokens]
        for n in range(2, self.ngram_max + 1):
            grams.extend(self.prefix + " ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        return grams


_NO_CONTENT = frozenset("哦 噢 嗯 嗯嗯 恩 好 好的 的 亲 亲亲 呢 哈 啊 呀 ~ ! 收到 ok 了 吧 额 哈哈 嘿嘿 哦哦 是 是的 在 在的".split())


def length_bucket(text: str) -> str:
    """A coarse length class of a normalised text: tiny, short, medium or long."""
    n = len(text)
    return "tiny" if n <= 4 else "short" if n <= 12 else "medium" if n <= 40 else "long"


@functools.lru_cache(maxsize=65536)
def context_summary(context: str, keep_chars: int, with_words: bool, more_kinds: bool = False) -> tuple:
    """What pair signals read from a customer's message (its last `keep_chars`): its kinds (`more_kinds`: see
    `message_kinds`), its length class, its distinct content words and (`with_words`) all its distinct tokens, each
    sorted in a tuple (a fraction of a frozenset's memory: every worker keeps thousands of these in its cache)."""
    context = last_chars(context, keep_chars)
    context_norm = normalise(context)
    kinds = message_kinds(context_norm, more_kinds)
    if not context_norm:
        return kinds, None, (), ()
    tokens = tokenise(context)
    words = tuple(sorted({t for t in tokens if len(t) >= 2 and t.isalnum()}))
    return kinds, length_bucket(context_norm), words, tuple(sorted(set(tokens))) if with_words else ()


class PairSignals:
    """Analyzer over a ``(reply, context)`` row: what the reply does with the customer's message."""

    more_kinds = False  # models pickled before the option existed read as without it

    def __init__(self, cross_kind_with_reply: bool = True, cross_context_words: bool = False,
                 context_chars: int = 0, more_kinds: bool = False) -> None:
        self.cross_kind_with_reply = cross_kind_with_reply
        self.cross_context_words = cross_context_words
        self.context_chars = context_chars
        self.more_kinds = more_kinds

    def __call__(self, row: np.ndarray) -> list[str]:
        return [signal for part in self.parts(row) for signal in self.signals(part)]

    def parts(self, row) -> tuple[tuple, tuple]:
        """The row's signals come in two parts, each keyed by all it depends on, and no signal is in both.

        - ``("reply", reply, kinds)``: the reply's length and content, and the kind of customer message
          crossed with them. Many rows share it (the same template after the same kind of message).
        - ``("context", length class, overlap, customer's words, reply length)``: the customer's message
          and how much of it the reply takes up: few distinct values unless customer words are crossed.

        Scorers remember each part's weights by its key; the l2 norm of the whole is the root of the
        parts' summed squares, because a signal's count never spans two parts. (With the crossed
        customer words on, ``{word}|{length class}`` could in principle equal a reply signal
        ``{kind}|{word}``; the tests check the scorer against the pipeline on the shipped settings.)
        """
        reply = str(row[REPLY])
        kinds, size, words, crossed = context_summary(str(row[CONTEXT]), self.context_chars, self.cross_context_words,
                                                      self.more_kinds)
        overlap = None
        if words:
            shared = len(set(tokenise(reply)).intersection(words)) / len(words)
            overlap = "none" if shared == 0 else "some" if shared < 0.3 else "high"
        reply_size = length_bucket(normalise(reply)) if crossed else None
        return ("reply", reply, kinds), ("context", size, overlap, crossed, reply_size)

    def signals(self, part: tuple) -> list[str]:
        """The signals of one part (see `parts`)."""
        if part[0] == "context":
            _, context_size, overlap, crossed, reply_size = part
            return ([f"ctx_len={context_size}"] if context_size else []) + \
                ([f"overlap={overlap}"] if overlap else []) + [f"{t}|{reply_size}" for t in crossed]
        _, reply, kinds = part
        reply_tokens = tokenise(reply)
        size = length_bucket(normalise(reply))
        no_content = all(t in _NO_CONTENT or not t.isalnum() or t.startswith("[") for t in reply_tokens)
        signals = [f"len={size}"] + (["reply=no_content"] if no_content else [])
        if "?" in reply_tokens:
            signals.append("reply=question")
        for kind in kinds:
            signals += [f"kind={kind}", f"{kind}|len={size}"] + ([f"{kind}|no_content"] if no_content else [])
            if self.cross_kind_with_reply:
                signals.extend(f"{kind}|{t}" for t in set(reply_tokens) if is_display_token(t))
        return signals


def build_pipeline(config: ModelConfig) -> Pipeline:
    """The whole model: feature blocks over ``(reply, context)`` rows, then one-vs-rest logistic regression."""
    common = {"sublinear_tf": config.sublinear_tf, "min_df": config.min_df, "lowercase": False, "dtype": np.float64}
    blocks = [
        ("reply_words", TfidfVectorizer(analyzer=WordNgrams(config.word_ngram_max), **common), REPLY),
        ("reply_chars", TfidfVectorizer(
            analyzer="char", preprocessor=normalise,
            ngram_range=(config.char_ngram_min, config.char_ngram_max), **common), REPLY),
    ]
    if config.reply_word_presence:
        blocks.append(("reply_presence", TfidfVectorizer(
            analyzer=WordNgrams(1), binary=True, use_idf=False, norm=None, min_df=config.min_df, lowercase=False,
            dtype=np.float64), REPLY))
    if config.use_context:
        context_words = WordNgrams(1, prefix="c:", keep_chars=config.context_chars)
        blocks.append(("context_words", TfidfVectorizer(analyzer=context_words, **common), CONTEXT))
    if config.use_pair:
        pair = PairSignals(config.cross_kind_with_reply, config.cross_context_words, config.context_chars,
                           config.repeat_urgent_kinds)
        blocks.append(("pair", TfidfVectorizer(analyzer=pair, **common), [REPLY, CONTEXT]))
    classifier = LogisticRegression(
        C=config.C, class_weight=config.class_weight, solver="liblinear", max_iter=1000, random_state=0)
    if config.calibration == "sigmoid":
        classifier = CalibratedClassifierCV(classifier, method="sigmoid", cv=3, ensemble=False)
    elif config.calibration != "none":
        raise ValueError(f"calibration must be 'sigmoid' or 'none', not {config.calibration!r}")
    return Pipeline([
        ("features", ColumnTransformer(blocks)),
        ("classify", OneVsRestClassifier(classifier)),
    ])


def as_rows(texts: list[str], contexts: list[str] | None = None) -> np.ndarray:
    """The pipeline's input: an ``(n, 2)`` object array of replies and contexts ('' where none)."""
    rows = np.empty((len(texts), 2), dtype=object)
    rows[:, REPLY] = texts
    rows[:, CONTEXT] = contexts if contexts is not None else [""] * len(texts)
    return rows
