"""The behaviour suite (training/checklist.py) holds on the model trained from the shipped data."""

from training.checklist import CASES, run_checklist

MIN_PASS_RATE = 0.95
MIN_PER_KIND = 0.90


def test_the_suite_has_at_least_100_cases_of_every_kind():
    kinds = [c.kind for c in CASES]
    assert len(CASES) >= 100 and {k: kinds.count(k) >= 15 for k in ("MFT", "INV", "DIR")} == {
        "MFT": True, "INV": True, "DIR": True}


def test_the_model_passes_the_behaviour_suite(tone_model):
    report = run_checklist(tone_model)
    assert report["pass_rate"] >= MIN_PASS_RATE, report["failures"]
    assert all(rate >= MIN_PER_KIND for rate in report["by_kind"].values()), report["by_kind"]


def test_a_broken_model_fails_the_suite(tone_model):
    flipped = type(tone_model)(tone_model.pipeline, tone_model.metadata, {t: 0.0 for t in tone_model.thresholds})
    assert run_checklist(flipped)["pass_rate"] < MIN_PASS_RATE
