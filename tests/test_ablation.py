import json
import shutil

import numpy as np
import pytest

from conftest import ROOT
from model.labels import TONES
from training.ablation import flagged_share, main

DATA_FILES = ("01-apparel-cosmetics.jsonl", "09-short-answers-chat.jsonl")


class FixedScores:
    """A stand-in pipeline whose probabilities are given."""

    def __init__(self, probabilities: list[list[float]]) -> None:
        self.probabilities = np.array(probabilities)

    def predict_proba(self, rows: np.ndarray) -> np.ndarray:
        assert len(rows) == len(self.probabilities)
        return self.probabilities


def scores(**by_tone: float) -> list[float]:
    return [by_tone.get(t, 0.0) for t in TONES]


def test_flagged_share_counts_replies_over_a_flag_tone_cut_off():
    pipeline = FixedScores([scores(dismissive=0.9), scores(hostile=0.6), scores(apologetic=0.99),
                            scores(dismissive=0.49, hostile=0.2)])
    cut = np.array([0.5 if t in ("dismissive", "hostile") else 0.1 for t in TONES])
    pairs = [("好的", "坏了")] * 4
    assert flagged_share(pipeline, pairs, cut) == pytest.approx(0.5)


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory):
    """Two of the team's files as training data, a labeled file and an unlabeled one."""
    root = tmp_path_factory.mktemp("ablation")
    data = root / "train"
    data.mkdir()
    for name in DATA_FILES:
        shutil.copy(ROOT / "data" / "train" / name, data / name)
    labeled = (ROOT / "data" / "train" / "05-logistics-orders.jsonl").read_text(encoding="utf-8").splitlines()[:60]
    held = root / "held.jsonl"
    held.write_text("\n".join(labeled) + "\n", encoding="utf-8")
    real = root / "real.jsonl"
    unlabeled = [{"reply": row["reply"], "context": row["context"]} for row in map(json.loads, labeled)]
    real.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in unlabeled) + "\n", encoding="utf-8")
    return data, held, real


def test_ablation_prints_cv_eval_and_real_flagged_columns(small_data, capsys):
    data, held, real = small_data
    assert main(["--data", str(data), "--eval", str(held), "--real", str(real), "--folds", "2",
                 "--only", "default"]) == 0
    header, row, *_ = capsys.readouterr().out.splitlines()
    assert header.split()[-2:] == ["real", "flagged"]
    assert row.startswith("default")
    values = row.split()[1:]
    assert len(values) == 7
    assert all(0.0 <= float(v) <= 1.0 for v in values[:6])
    share = float(values[6].rstrip("%"))
    assert values[6].endswith("%") and 0.0 < share < 100.0  # the held-out logistics file has both kinds


@pytest.mark.parametrize("content, message", [
    ("", "holds no replies"),
    ("{not json\n", "not a JSON object with a 'reply' string"),
])
def test_ablation_rejects_a_bad_real_file_with_a_message(small_data, tmp_path, capsys, content, message):
    data, _, _ = small_data
    bad = tmp_path / "real.jsonl"
    bad.write_text(content, encoding="utf-8")
    assert main(["--data", str(data), "--real", str(bad), "--only", "default"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and message in err
