"""Quality figures shared by training (cross-validation) and evaluation."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

from model.labels import FLAG_TONES, TONES

FLAG_COLUMNS = [TONES.index(t) for t in sorted(FLAG_TONES)]
MIN_SUPPORT = 20  # tones with fewer gold examples are left out of the "frequent" macro-F1
PLATEAU = 0.005  # cut-offs whose F1 is this close to the best count as equally good


def quality(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """Per-tone precision/recall/F1/support, macro-F1 (all tones, and tones with >= MIN_SUPPORT), flag P/R/F1."""
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, average=None, labels=range(len(TONES)), zero_division=0)
    per_tone = {t: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
                for i, t in enumerate(TONES)}
    frequent = [t for t in TONES if per_tone[t]["support"] >= MIN_SUPPORT]
    flag_true, flag_pred = y_true[:, FLAG_COLUMNS].any(axis=1), y_pred[:, FLAG_COLUMNS].any(axis=1)
    fp, fr, ff, _ = precision_recall_fscore_support(flag_true, flag_pred, average="binary", zero_division=0)
    return {
        "per_tone": per_tone,
        "macro_f1": float(np.mean(f)),
        "frequent_tones": frequent,
        "macro_f1_frequent": float(np.mean([per_tone[t]["f1"] for t in frequent])) if frequent else 0.0,
        "flag": {"precision": float(fp), "recall": float(fr), "f1": float(ff), "support": int(flag_true.sum())},
        "rows": int(len(y_true)),
    }


def best_thresholds(y_true: np.ndarray, probabilities: np.ndarray) -> dict[str, float]:
    """Per tone, the probability cut-off in the middle of those whose F1 on held-out (out-of-fold) probabilities
    is within `PLATEAU` of the best.

    Where F1 is flat over a wide range, its argmax is noise: on half-splits of the out-of-fold scores the middle
    of the plateau gives the same F1 on the other half, with a cut-off that varies far less (apologetic: a third).
    """
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    thresholds = {}
    for i, tone in enumerate(TONES):
        truth = y_true[:, i].astype(bool)
        scores = np.array([_f1(truth, probabilities[:, i] >= cut) for cut in grid])
        near_best = grid[scores >= scores.max() - PLATEAU]
        thresholds[tone] = float(near_best[len(near_best) // 2])
    return thresholds


def _f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    tp = np.sum(truth & predicted)
    return 2 * tp / (truth.sum() + predicted.sum()) if truth.any() or predicted.any() else 0.0


def format_quality(q: dict, title: str) -> str:
    """A plain-text table of `quality`'s figures."""
    lines = [title, f"{'tone':<14}{'precision':>10}{'recall':>8}{'F1':>8}{'support':>9}"]
    for tone, m in q["per_tone"].items():
        lines.append(f"{tone:<14}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}{m['support']:>9d}")
    flag = q["flag"]
    lines.append(f"{'flagged':<14}{flag['precision']:>10.3f}{flag['recall']:>8.3f}{flag['f1']:>8.3f}{flag['support']:>9d}")
    lines.append(f"macro-F1 (5 tones) {q['macro_f1']:.3f}   "
                 f"macro-F1 ({len(q['frequent_tones'])} tones with >= {MIN_SUPPORT} examples) {q['macro_f1_frequent']:.3f}   "
                 f"flag F1 {flag['f1']:.3f}   rows {q['rows']}")
    return "\n".join(lines)


def calibration_error(y_true: np.ndarray, probabilities: np.ndarray, bins: int = 10) -> dict:
    """Expected calibration error over every (reply, tone) probability, and per tone (equal-width bins)."""

    def ece(truth: np.ndarray, p: np.ndarray) -> float:
        which = np.minimum((p * bins).astype(int), bins - 1)
        gaps = [abs(p[which == b].mean() - truth[which == b].mean()) * np.sum(which == b)
                for b in range(bins) if np.any(which == b)]
        return float(sum(gaps) / len(p)) if len(p) else 0.0

    return {"all": ece(y_true.ravel().astype(float), probabilities.ravel()),
            "per_tone": {t: ece(y_true[:, i].astype(float), probabilities[:, i]) for i, t in enumerate(TONES)}}
