import json
import subprocess
import sys

import pytest

from conftest import ROOT, SHARED

GOOD = {"context": "坏了", "reply": "非常抱歉", "labels": ["apologetic"]}


@pytest.mark.parametrize("bad_line, message", [
    ("{not json", "not a JSON line"),
    (json.dumps({"context": "", "reply": "好的", "labels": ["rude"]}), "unknown label 'rude'"),
    (json.dumps({"context": "", "labels": []}), "'reply' is missing"),
    (json.dumps({"context": "", "reply": "好的", "labels": "hostile"}), "'labels' must be a list"),
    (json.dumps(["a list"]), "expected a JSON object"),
])
def test_bad_training_data_stops_make_train_with_file_and_line(tmp_path, bad_line, message):
    data = tmp_path / "bad.jsonl"
    data.write_text("\n".join([json.dumps(GOOD, ensure_ascii=False)] * 3 + [bad_line]) + "\n", encoding="utf-8")
    models = tmp_path / "models"
    done = subprocess.run(["make", "--no-print-directory", "train", f"DATA={data}", f"MODELS={models}"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode != 0
    assert f"{data}:4" in done.stderr and message in done.stderr
    assert "Traceback" not in done.stderr
    assert not models.exists() or not any(models.iterdir())


def test_eval_prints_figures_and_worst_mistakes(model_dir, tmp_path):
    sample = tmp_path / "sample.jsonl"
    rows = [{"context": "裤子收到了,很薄很皱", "reply": "😊😊", "labels": ["dismissive"]},
            {"context": "", "reply": "非常抱歉,给您补发一件,运费我们承担", "labels": ["apologetic", "compensating"]},
            {"context": "什么时候发货", "reply": "已发货,明天到", "labels": ["hostile"]}]
    sample.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    report = tmp_path / "figures.json"
    done = subprocess.run([sys.executable, "-m", "training.evaluate", "--data", str(sample), "--model", str(model_dir),
                           "--json", str(report)], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "macro-F1" in done.stdout and "flagged" in done.stdout and "worst" in done.stdout
    figures = json.loads(report.read_text(encoding="utf-8"))
    assert figures["rows"] == 3 and figures["per_tone"]["hostile"]["support"] == 1
    assert any(m["reply"] == "已发货,明天到" for m in figures["worst"])


def test_eval_without_a_model_says_so(tmp_path):
    done = subprocess.run([sys.executable, "-m", "training.evaluate", "--data", str(SHARED / "eval" / "dev.jsonl"),
                           "--model", str(tmp_path / "none")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and "make train" in done.stderr and "Traceback" not in done.stderr


def test_error_groups_count_each_mistake_once():
    from training.dataset import Example
    from training.error_groups import group_mistakes

    examples = [Example("坏了", "是的哦", (), "a:1"), Example("坏了", "建议您咨询厂家", ("dismissive",), "a:2"),
                Example("", "已发货", ("apologetic",), "a:3")]
    groups = group_mistakes(examples, [["dismissive"], [], []])
    assert groups == {("dismissive", "wrongly given", "short reply that answers or acknowledges"): 1,
                      ("dismissive", "missed", "pushes the problem elsewhere (other channel, self-service)"): 1,
                      ("apologetic", "missed", ""): 1}
