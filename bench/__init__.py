"""`make bench`: speed, memory and cost of the tone checker next to its floors and peers (see README.md)."""

from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"  # generated inputs, logs and outputs (git-ignored)
CORPUS = ROOT.parent / "shared" / "corpora" / "replies.jsonl"
