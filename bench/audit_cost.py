"""`make audit` end to end on a generated chat log: wall time, agent replies/s and peak memory of the process tree."""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
import sys
from pathlib import Path

from bench import WORK
from bench.chatlog import chat_log
from bench.corpus import Pair
from bench.procs import MB, require_success, run_measured

TIMEOUT_SECONDS = 1800
RUNS = {  # result key -> the audit's own options
    "jobs_1": ["--jobs", "1"],
    "jobs_2": ["--jobs", "2"],
    "spark_local_2": ["--engine", "spark", "--master", "local[2]"],
}


def spark_available() -> bool:
    """pyspark installed (requirements-spark.txt) and a Java to run it."""
    return importlib.util.find_spec("pyspark") is not None and shutil.which("java") is not None


def audit_cost(model_dir: Path, pairs: list[Pair], messages: int, logs: Path) -> dict:
    """Run ``python -m audit`` with ``--jobs 1``, ``--jobs 2`` (the default) and, when pyspark and Java are
    there, ``--engine spark --master local[2]``, on the same chat log."""
    source = chat_log(WORK, messages, pairs)
    out = WORK / "audit-out"
    result: dict = {"messages": messages, "input": str(source), "input_mb": source.stat().st_size / MB,
                    "distinct_agent_texts": _distinct_agent_texts(source)}
    for name, options in RUNS.items():
        if name.startswith("spark") and not spark_available():
            continue
        log = logs / f"audit-{name}.log"
        cmd = [sys.executable, "-m", "audit", "--in", source, "--out", out, "--model", model_dir, *options, "--quiet"]
        measured = run_measured(cmd, log=log, timeout=TIMEOUT_SECONDS)
        require_success(measured, f"audit {' '.join(options)}", log)
        replies = json.loads((out / "summary.json").read_text(encoding="utf-8"))["agent_replies"]
        result[name] = {
            "seconds": measured.seconds, "agent_replies": replies, "replies_per_s": replies / measured.seconds,
            "messages_per_s": messages / measured.seconds, "peak_tree_rss_mb": measured.peak_tree_rss_mb,
            "peak_tree_pss_mb": measured.peak_tree_pss_mb,
        }
    return result


def _distinct_agent_texts(source: Path) -> int:
    """How many different agent texts the log holds: repeats are what the model's caches can answer."""
    with source.open(encoding="utf-8", newline="") as rows:
        return len({row[2] for row in csv.reader(rows) if row[1] == "agent"})
