"""`make ablation`: what each model setting buys, by cross-validation on the training data.

Each row changes one setting of the default `ModelConfig` and reports the cross-validated
macro-F1 and flag F1 (the figures settings are chosen by); with ``--eval FILE`` it also reports,
for information only, the same figures on a labeled evaluation file, and with ``--real FILE`` the
share of unlabeled real replies the variant flags at its cross-validated thresholds (no labels
needed: a variant that learned an artefact of our writing often shows it as a jump in that share).

    python -m training.ablation --data data/train [--eval ../shared/eval/dev.jsonl]
        [--real ../shared/corpora/replies.jsonl]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np
from sklearn.pipeline import Pipeline

from model.features import ModelConfig, as_rows, build_pipeline
from model.labels import TONES
from training.courtesy import read_team_examples
from training.dataset import DataError, read_examples, read_unlabeled
from training.metrics import FLAG_COLUMNS, calibration_error, quality
from training.train import cross_validate, label_matrix, rows_of

VARIANTS: dict[str, dict] = {
    "default": {},
    "no context words": {"use_context": False},
    "no pair signals": {"use_pair": False},
    "reply only (no context, no pair)": {"use_context": False, "use_pair": False},
    "pair: no reply words x message kind": {"cross_kind_with_reply": False},
    "pair: + context words x reply length": {"cross_context_words": True},
    "+ reply words as presence (not normalised)": {"reply_word_presence": True},
    "pair: + repeat and urgent kinds of message": {"repeat_urgent_kinds": True},
    "word unigrams only": {"word_ngram_max": 1},
    "word 1-3 grams": {"word_ngram_max": 3},
    "char 2-4 grams": {"char_ngram_min": 2, "char_ngram_max": 4},
    "char 1-2 grams": {"char_ngram_max": 2},
    "raw tf (no sublinear)": {"sublinear_tf": False},
    "no class weights": {"class_weight": None},
    "C=1": {"C": 1.0},
    "C=16": {"C": 16.0},
    "min_df=1": {"min_df": 1},
    "no calibration": {"calibration": "none"},
    "context: last 40 characters": {"context_chars": 40},
    "context: last 80 characters": {"context_chars": 80},
}


def flagged_share(pipeline: Pipeline, pairs: list[tuple[str, str]], cut: np.ndarray) -> float:
    """The share of ``(reply, context)`` pairs with a flag tone at or over its cut-off."""
    reply, context = zip(*pairs)
    probabilities = pipeline.predict_proba(as_rows(list(reply), list(context)))
    return float((probabilities[:, FLAG_COLUMNS] >= cut[FLAG_COLUMNS]).any(axis=1).mean())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("data/train"))
    parser.add_argument("--eval", type=Path, help="a labeled file to report on (information only)")
    parser.add_argument("--real", type=Path,
                        help="unlabeled real replies (JSONL with 'reply' and 'context'): the share each variant flags")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="run only these variants")
    args = parser.parse_args(argv)
    try:
        examples, _ = read_team_examples(args.data)
        held = read_examples(args.eval) if args.eval else None
        real = read_unlabeled(args.real) if args.real else None
        if args.real and not real:
            raise DataError(f"{args.real} holds no replies")
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{'variant':<36}{'CV macro-F1':>12}{'CV flag F1':>11}{'CV ECE':>8}"
          + (f"{'eval macro-F1*':>16}{'eval flag F1':>13}{'eval ECE':>9}" if held else "")
          + (f"{'real flagged':>14}" if real else ""))
    held_rows, held_y = (rows_of(held), label_matrix(held)) if held else (None, None)
    for name, change in VARIANTS.items():
        if args.only and name not in args.only:
            continue
        config = dataclasses.replace(ModelConfig(), **change)
        thresholds, cv, _ = cross_validate(config, examples, args.folds)
        line = f"{name:<36}{cv['macro_f1']:>12.3f}{cv['flag']['f1']:>11.3f}{cv['calibration_error']['all']:>8.3f}"
        cut = np.array([thresholds[t] for t in TONES])
        pipeline = build_pipeline(config).fit(rows_of(examples), label_matrix(examples)) if held or real else None
        if held:
            probabilities = pipeline.predict_proba(held_rows)
            q = quality(held_y, (probabilities >= cut).astype(int))
            ece = calibration_error(held_y, probabilities)["all"]
            line += f"{q['macro_f1_frequent']:>16.3f}{q['flag']['f1']:>13.3f}{ece:>9.3f}"
        if real:
            line += f"{flagged_share(pipeline, real, cut):>14.1%}"
        print(line, flush=True)
    if held:
        print("* macro-F1 over the tones with at least 20 examples in the evaluation file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
