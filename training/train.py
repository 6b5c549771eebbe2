"""`make train`: cross-validate, choose per-tone thresholds, fit on all data, write a model directory.

    python -m training.train --data data/train --models models [--set C=2.0 --set use_context=false]
"""

from __future__ import annotations

import argparse
import hashlib
import dataclasses
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from sklearn.model_selection import KFold

from model.artifact import library_versions, save_model
from model.features import FEATURES_VERSION, ModelConfig, as_rows, build_pipeline
from model.labels import TONES
from training.courtesy import read_team_examples
from training.dataset import DataError, Example, data_hash, label_matrix, read_examples
from training.metrics import best_thresholds, calibration_error, format_quality, quality
from training.plots import precision_recall_curves, reliability_diagram

CURRENT = "current"


def rows_of(examples: list[Example]) -> np.ndarray:
    return as_rows([e.reply for e in examples], [e.context for e in examples])


def out_of_fold_probabilities(config: ModelConfig, rows: np.ndarray, y: np.ndarray, folds: int,
                              groups: np.ndarray | None = None) -> np.ndarray:
    """Each example's probabilities from a model fitted without it (shuffled K-fold, fixed seed).

    Rows with the same group (copies of one weighted example) always fall in the same fold.
    """
    groups = np.arange(len(rows)) if groups is None else groups
    unique = np.unique(groups)
    oof = np.zeros(y.shape, dtype=np.float64)
    for train_groups, _ in KFold(folds, shuffle=True, random_state=0).split(unique):
        train_idx = np.isin(groups, unique[train_groups])
        test_idx = ~train_idx
        oof[test_idx] = build_pipeline(config).fit(rows[train_idx], y[train_idx]).predict_proba(rows[test_idx])
    return oof


def weighted(examples: list[Example], extra: list[Example], weight: int) -> tuple[list[Example], np.ndarray]:
    """`examples` then each `extra` example `weight` times, with the group (original example) of every row."""
    rows = examples + [e for e in extra for _ in range(weight)]
    groups = np.concatenate([np.arange(len(examples)), len(examples) + np.repeat(np.arange(len(extra)), weight)])
    return rows, groups.astype(np.int64)


def cross_validate(config: ModelConfig, examples: list[Example], folds: int,
                   groups: np.ndarray | None = None) -> tuple[dict[str, float], dict, np.ndarray]:
    """Thresholds chosen on out-of-fold probabilities, the quality figures at those thresholds, and the probabilities."""
    y = label_matrix(examples)
    oof = out_of_fold_probabilities(config, rows_of(examples), y, folds, groups)
    thresholds = best_thresholds(y, oof)
    predicted = (oof >= np.array([thresholds[t] for t in TONES])).astype(int)
    return thresholds, {**quality(y, predicted), "calibration_error": calibration_error(y, oof)}, oof


def git_commit() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("-dirty" if dirty else "")


def train(data: Path, models: Path, config: ModelConfig, folds: int = 5, log=print,
          extra: list[Path] | None = None, extra_weight: int = 1, courtesy: bool = True) -> Path:
    """Train on `data` (with stock courtesy added unless `courtesy` is off; plus `extra` files, each row counted
    `extra_weight` times), write ``models/<version>/`` next to the older versions, and point ``models/current`` at it."""
    started = time.perf_counter()
    extra = extra or []
    extra_examples = [e for path in extra for e in read_examples(path)]
    team, added = read_team_examples(data, courtesy)
    examples, groups = weighted(team, extra_examples, extra_weight)
    y = label_matrix(examples)
    positives = {t: int(y[:, i].sum()) for i, t in enumerate(TONES)}
    empty = [t for t, n in positives.items() if n < folds]
    if empty:
        raise DataError(f"{data}: too few examples of {', '.join(empty)} to train (need at least {folds} each)")
    log(f"training on {len(examples)} replies from {data}" + (f" and {len(extra_examples)} extra x{extra_weight}"
                                                             if extra else "") + ": "
        + ", ".join(f"{t} {n}" for t, n in positives.items()))
    thresholds, cv, oof = cross_validate(config, examples, folds, groups)
    log(format_quality(cv, f"cross-validated ({folds} folds), at the chosen thresholds:"))
    log(f"expected calibration error (out of fold): {cv['calibration_error']['all']:.4f}")
    pipeline = build_pipeline(config).fit(rows_of(examples), y)
    digest = hashlib.sha256("".join([data_hash(data), *map(data_hash, extra), str(extra_weight),
                                     added["sha256"] if added else ""]).encode()).hexdigest()
    created = datetime.now(timezone.utc)
    version = f"{created:%Y%m%d-%H%M%S}-{digest[:8]}"
    metadata = {
        "version": version,
        "created_at": created.isoformat(timespec="seconds"),
        "labels": list(TONES),
        "thresholds": thresholds,
        "config": config.to_dict(),
        "features_version": FEATURES_VERSION,
        "libraries": library_versions(),
        "python": platform.python_version(),
        "git_commit": git_commit(),
        "data": {"path": str(data), "sha256": digest, "rows": len(examples), "positives": positives,
                 "extra": [{"path": str(p), "sha256": data_hash(p)} for p in extra], "extra_weight": extra_weight,
                 "courtesy": added},
        "metrics": {"cross_validation": {"folds": folds, **cv}},
        "training_seconds": round(time.perf_counter() - started, 1),
    }
    directory = save_model(pipeline, metadata, models / version)
    reliability_diagram(y, oof, directory / "reliability.png", f"{version}: out-of-fold reliability")
    precision_recall_curves(y, oof, directory / "precision_recall.png", f"{version}: out-of-fold precision-recall",
                            thresholds)
    link = models / CURRENT
    staging = models / f".{CURRENT}.tmp"
    staging.unlink(missing_ok=True)
    staging.symlink_to(version)
    staging.replace(link)
    log("thresholds: " + ", ".join(f"{t} {v:.2f}" for t, v in thresholds.items()))
    log(f"wrote {directory} ({metadata['training_seconds']} s); {link} -> {version}")
    return directory


def parse_overrides(pairs: list[str]) -> ModelConfig:
    """``key=value`` pairs over the default `ModelConfig`, typed like the defaults."""
    config = ModelConfig()
    fields = {f.name: f for f in dataclasses.fields(ModelConfig)}
    changes = {}
    for pair in pairs:
        key, _, raw = pair.partition("=")
        if key not in fields:
            raise SystemExit(f"error: unknown setting {key!r}; known: {', '.join(fields)}")
        default = getattr(config, key)
        if isinstance(default, bool):
            changes[key] = raw.lower() in {"1", "true", "yes"}
        elif raw.lower() == "none":
            changes[key] = None
        elif isinstance(default, (int, float)):
            changes[key] = type(default)(raw)
        else:
            changes[key] = raw
    return dataclasses.replace(config, **changes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("data/train"), help="a JSONL file or a folder of them")
    parser.add_argument("--models", type=Path, default=Path("models"), help="where model versions are written")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds for thresholds and figures")
    parser.add_argument("--extra", type=Path, action="append", default=[],
                        help="an extra labeled file (e.g. a shop's own labels or exported corrections); repeatable")
    parser.add_argument("--extra-weight", type=int, default=3, help="how many times each extra row counts")
    parser.add_argument("--no-courtesy", dest="courtesy", action="store_false",
                        help="train on the replies as written, without stock openers and closings added")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override a model setting, e.g. C=2.0 or use_context=false")
    args = parser.parse_args(argv)
    try:
        if args.extra_weight < 1:
            raise DataError("--extra-weight must be at least 1")
        train(args.data, args.models, parse_overrides(args.overrides), args.folds,
              extra=args.extra, extra_weight=args.extra_weight, courtesy=args.courtesy)
    except DataError as exc:
        print(f"error: {exc}; nothing was trained", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
