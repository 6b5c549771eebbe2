"""Reliability diagrams and precision-recall curves, one panel per tone, as PNG files."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import average_precision_score, precision_recall_curve  # noqa: E402

from model.labels import TONES  # noqa: E402

BINS = 10


def reliability_diagram(y_true: np.ndarray, probabilities: np.ndarray, path: Path, title: str) -> Path:
    """Observed rate of each tone against its predicted probability, in equal-width bins."""
    figure, axes = plt.subplots(1, len(TONES), figsize=(4 * len(TONES), 4), sharey=True)
    for i, (tone, ax) in enumerate(zip(TONES, axes)):
        p, truth = probabilities[:, i], y_true[:, i]
        which = np.minimum((p * BINS).astype(int), BINS - 1)
        used = [b for b in range(BINS) if np.any(which == b)]
        ax.plot([0, 1], [0, 1], ":", color="grey")
        ax.plot([p[which == b].mean() for b in used], [truth[which == b].mean() for b in used], "o-")
        ax.set_title(tone)
        ax.set_xlabel("predicted probability")
    axes[0].set_ylabel("observed rate")
    figure.suptitle(title)
    return _save(figure, path)


def precision_recall_curves(y_true: np.ndarray, probabilities: np.ndarray, path: Path, title: str,
                            thresholds: dict[str, float] | None = None) -> Path:
    """Precision against recall per tone, with the chosen threshold marked."""
    figure, axes = plt.subplots(1, len(TONES), figsize=(4 * len(TONES), 4), sharey=True)
    for i, (tone, ax) in enumerate(zip(TONES, axes)):
        truth, p = y_true[:, i], probabilities[:, i]
        if truth.any():
            precision, recall, cuts = precision_recall_curve(truth, p)
            ax.plot(recall, precision)
            ax.set_title(f"{tone} (AP {average_precision_score(truth, p):.2f})")
            if thresholds:
                at = min(np.searchsorted(cuts, thresholds[tone]), len(cuts) - 1)
                ax.plot(recall[at], precision[at], "o", color="red")
        else:
            ax.set_title(f"{tone} (no examples)")
        ax.set_xlabel("recall")
    axes[0].set_ylabel("precision")
    figure.suptitle(title)
    return _save(figure, path)


def _save(figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)
    return path
