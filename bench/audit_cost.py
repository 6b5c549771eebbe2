"""`make audit` end to end on a generated chat log: wall time, agent replies/s and peak RSS of the process tree."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from bench import WORK
from bench.chatlog import chat_log
from bench.corpus import Pair
from bench.procs import MB, require_success, run_measured

JOBS = (1, 2)
TIMEOUT_SECONDS = 1800


def audit_cost(model_dir: Path, pairs: list[Pair], messages: int, logs: Path) -> dict:
    """Run ``python -m audit`` with ``--jobs 1`` and ``--jobs 2`` (the default) on the same chat log."""
    source = chat_log(WORK, messages, pairs)
    out = WORK / "audit-out"
    result: dict = {"messages": messages, "input": str(source), "input_mb": source.stat().st_size / MB,
                    "distinct_agent_texts": _distinct_agent_texts(source)}
    for jobs in JOBS:
        log = logs / f"audit-jobs{jobs}.log"
        cmd = [sys.executable, "-m", "audit", "--in", source, "--out", out, "--model", model_dir,
               "--jobs", str(jobs), "--quiet"]
        measured = run_measured(cmd, log=log, timeout=TIMEOUT_SECONDS)
        require_success(measured, f"audit --jobs {jobs}", log)
        replies = json.loads((out / "summary.json").read_text(encoding="utf-8"))["agent_replies"]
        result[f"jobs_{jobs}"] = {
            "seconds": measured.seconds, "agent_replies": replies, "replies_per_s": replies / measured.seconds,
            "messages_per_s": messages / measured.seconds, "peak_tree_rss_mb": measured.peak_tree_rss_mb,
        }
    return result


def _distinct_agent_texts(source: Path) -> int:
    """How many different agent texts the log holds: repeats are what the model's caches can answer."""
    with source.open(encoding="utf-8", newline="") as rows:
        return len({row[2] for row in csv.reader(rows) if row[1] == "agent"})
