"""Adapting to another style of shop: pick replies to label, retrain with EXTRA=, compare versions.

The sample (data/adapt/game-topup.csv, written by the team) is a game top-up shop whose idioms the
shipped data does not cover. Its chats are split in two: a pool the shop would label from, and a
held-out part to score both model versions on.
"""

import csv
import json
import shutil
import subprocess

import numpy as np
import pytest

from audit.chats import ContextTracker
from conftest import ROOT
from model import TONES, load_model
from training.dataset import read_examples
from training.evaluate import evaluate
from training.label_queue import spread, uncertainty

SAMPLE = ROOT / "data" / "adapt" / "game-topup.csv"
PICK = 150


def make(*args: str) -> str:
    done = subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def labels_of(cell: str) -> list[str]:
    return [] if cell == "neutral" else cell.split("|")


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    """pool.csv (no labels), the answers for the pool's replies, and heldout.jsonl (labeled)."""
    folder = tmp_path_factory.mktemp("adapt")
    with SAMPLE.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    chats = sorted({r["chat_id"] for r in rows})
    held = set(chats[::3])
    answers, tracker = {}, ContextTracker()
    with (folder / "pool.csv").open("w", encoding="utf-8", newline="") as pool, \
            (folder / "heldout.jsonl").open("w", encoding="utf-8") as heldout:
        writer = csv.writer(pool)
        writer.writerow(["chat_id", "role", "text", "time", "agent_id"])
        for r in rows:
            if r["chat_id"] not in held:
                writer.writerow([r["chat_id"], r["role"], r["text"], r["time"], r["agent_id"]])
                if r["role"] == "agent":
                    answers[(r["chat_id"], r["text"])] = labels_of(r["labels"])
            elif r["role"] == "customer":
                tracker.customer(r["chat_id"], r["text"])
            else:
                context = tracker.agent(r["chat_id"]).context
                heldout.write(json.dumps({"context": context, "reply": r["text"], "labels": labels_of(r["labels"])},
                                         ensure_ascii=False) + "\n")
    return folder, answers


def test_labeling_picks_uncertain_replies_spread_over_tones_without_duplicates(split, model_dir):
    folder, _ = split
    make("label", f"IN={folder / 'pool.csv'}", "N=60", f"OUT={folder / 'few.jsonl'}", f"MODEL={model_dir}")
    picked = [json.loads(line) for line in (folder / "few.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(picked) == 60 and all(p["labels"] == [] for p in picked)
    assert len({(p["context"], p["reply"]) for p in picked}) == 60
    assert len({p["uncertain_tone"] for p in picked}) == 5
    model = load_model(model_dir)
    cut = np.array([model.thresholds[t] for t in TONES])
    picked_u = uncertainty(model.probabilities([p["reply"] for p in picked], [p["context"] for p in picked]), cut)[0]
    assert picked_u.mean() > 0.6  # close to some threshold, unlike a random reply


def test_spread_skips_near_duplicates():
    items = [(0.9, -i, {"reply": "亲,这个没办法呢" + "~" * (i % 2), "context": "坏了", "tone": "dismissive"})
             for i in range(4)] + [(0.8, -9, {"reply": "给您补发", "context": "", "tone": "compensating"})]
    assert [i["reply"] for i in spread(items, 5)] == ["亲,这个没办法呢", "给您补发"]


def test_retraining_with_a_shops_labels_beats_the_shipped_model_on_its_replies(split, model_dir, tmp_path):
    folder, answers = split
    make("label", f"IN={folder / 'pool.csv'}", f"N={PICK}", f"OUT={folder / 'to-label.jsonl'}", f"MODEL={model_dir}")
    labeled = tmp_path / "labeled.jsonl"
    with labeled.open("w", encoding="utf-8") as out:
        for line in (folder / "to-label.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            row["labels"] = answers[(row["chat_id"], row["reply"])]  # the QA person's answer
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    models = tmp_path / "models"
    models.mkdir()
    old_dir = shutil.copytree(model_dir, models / model_dir.name)
    make("train", f"DATA={ROOT / 'data' / 'train'}", f"EXTRA={labeled}", f"MODELS={models}", "FOLDS=3")
    new_dir = (models / "current").resolve()
    assert new_dir != old_dir and old_dir.exists() and new_dir.parent == models

    heldout = read_examples(folder / "heldout.jsonl")
    old, new = evaluate(load_model(old_dir), heldout)[0], evaluate(load_model(new_dir), heldout)[0]
    print(f"\nheld-out replies of the other shop ({len(heldout)}): macro-F1 {old['macro_f1']:.3f} -> {new['macro_f1']:.3f}, "
          f"flag F1 {old['flag']['f1']:.3f} -> {new['flag']['f1']:.3f}")
    assert new["macro_f1"] > old["macro_f1"] and new["flag"]["f1"] >= old["flag"]["f1"] - 0.02

    comparison = make("eval", f"DATA={folder / 'heldout.jsonl'}", f"MODEL={old_dir}", f"COMPARE={new_dir}")
    assert "two model versions" in comparison and new_dir.name[-24:] in comparison
    meta = json.loads((new_dir / "metadata.json").read_text(encoding="utf-8"))
    assert meta["data"]["extra"][0]["path"] == str(labeled) and meta["data"]["extra_weight"] == 3
