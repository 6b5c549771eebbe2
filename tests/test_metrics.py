"""`training.metrics`: thresholds chosen on held-out scores."""

import numpy as np

from model import TONES
from training.metrics import best_thresholds


def scores_for_every_tone(truth: list[int], scores: list[float]) -> tuple[np.ndarray, np.ndarray]:
    y = np.repeat(np.array(truth)[:, None], len(TONES), axis=1)
    return y, np.repeat(np.array(scores)[:, None], len(TONES), axis=1)


def test_a_flat_f1_gives_the_middle_of_the_plateau_not_its_first_point():
    # positives score 0.9, negatives 0.09: every cut-off from 0.10 to 0.90 separates them perfectly
    y, p = scores_for_every_tone([1, 1, 0, 0], [0.9, 0.9, 0.09, 0.09])
    assert set(best_thresholds(y, p).values()) == {0.5}


def test_a_sharp_best_cut_off_is_kept():
    # two negatives at 0.6 between positives at 0.7 and 0.5: only cut-offs in (0.6, 0.7] reach F1 0.8
    # (0.61 .. 0.70 on the grid; the next best, 0.75, is far below)
    y, p = scores_for_every_tone([1, 1, 0, 0, 1, 0], [0.7, 0.7, 0.6, 0.6, 0.5, 0.1])
    assert set(best_thresholds(y, p).values()) == {0.66}
