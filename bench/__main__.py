"""`make bench`: speed, memory and cost of the tone checker next to its floors and peers.

    python -m bench [--quick] [--model models/current] [--corpus ../shared/corpora/replies.jsonl] [--no-wrk]

Prints a table on stdout and writes every figure to bench/results.json; generated inputs, logs and
outputs go to bench/work/. Exits 1 when a measurement failed (failed goals are findings, not errors).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Callable

from bench import BENCH, CORPUS, WORK, wrk
from bench.audit_cost import audit_cost
from bench.corpus import Pair, load_pairs, take
from bench.inprocess import model_only, one_core, peers, tokeniser_floor
from bench.machine import machine_info
from bench.plan import FULL, QUICK, Plan
from bench.procs import machine_busy_seconds, own_cpu_seconds
from bench.report import goal_results, ratios, table
from bench.service_load import service_load
from bench.train_cost import loading_cost, training_cost
from model import ToneModel, load_model

RESULTS = BENCH / "results.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=Path("models/current"), help="the model directory")
    parser.add_argument("--quick", action="store_true", help="smaller inputs, shorter runs: about a minute")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="JSONL of real replies (fields reply, context)")
    parser.add_argument("--no-wrk", action="store_true", help="load the service with the Python load generator")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that every started process is stopped
    plan = QUICK if args.quick else FULL
    try:
        args.model = args.model.absolute()
        tone_model = _working_model(args.model)
        pairs = load_pairs(args.corpus)
    except Exception as exc:  # nothing can be measured without a model and replies
        print(f"error: {exc}", file=sys.stderr)
        return 2
    logs = WORK / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": machine_info(),
                     "run": {"plan": plan.name, "model": str(args.model), "model_version": tone_model.version,
                             "corpus": f"{args.corpus} ({len(pairs):,} replies)"}}
    for name, measure in _measurements(args, plan, tone_model, pairs, logs):
        _measure(results, name, measure)
    results["ratios"] = ratios(results)
    results["goals"] = goal_results(results)
    print(table(results))
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS.relative_to(BENCH.parent)}; logs in {logs.relative_to(BENCH.parent)}/", file=sys.stderr)
    return 1 if results.get("errors") else 0


def _working_model(directory: Path) -> ToneModel:
    """The model, checked to load and predict with this code (a model pickled by older code may not)."""
    tone_model = load_model(directory)
    try:
        tone_model.predict(["好的"], ["在吗"])
    except Exception as exc:
        raise RuntimeError(f"the model at {directory} loads but cannot predict with this code "
                           f"({type(exc).__name__}: {exc}); retrain it with `make train`") from exc
    return tone_model


def _measurements(args: argparse.Namespace, plan: Plan, tone_model: ToneModel, pairs: list[Pair],
                  logs: Path) -> list[tuple[str, Callable[[], dict]]]:
    texts = [p.reply for p in pairs]

    def on_one_core(measure: Callable[[], dict]) -> Callable[[], dict]:
        def pinned() -> dict:
            with one_core():
                return measure()
        return pinned

    return [
        ("tokeniser", on_one_core(lambda: tokeniser_floor(take(texts, plan.tokeniser_replies)))),
        ("model", on_one_core(lambda: model_only(tone_model, take(pairs, plan.model_replies),
                                                 plan.template_rounds, plan.stage_repeats))),
        ("peers", on_one_core(lambda: peers(take(texts, plan.snownlp_replies), texts))),
        ("service", lambda: service_load(args.model, pairs, plan.http_seconds,
                                         wrk.available() and not args.no_wrk, logs)),
        ("audit", lambda: audit_cost(args.model, pairs, plan.audit_messages, logs)),
        ("training", lambda: training_cost(plan.train_folds, logs)),
        ("loading", lambda: loading_cost(args.model, logs)),
    ]


def _measure(results: dict, name: str, measure: Callable[[], dict]) -> None:
    """Run one measurement into ``results[name]``; a failure is recorded in ``results["errors"]``.

    Also records the background load: the share of all cores that other processes (and hypervisor
    steal) used meanwhile, i.e. the machine's busy CPU time minus this process's and its children's.
    """
    print(f"[bench] {name} ...", file=sys.stderr, flush=True)
    busy, own, started = machine_busy_seconds(), own_cpu_seconds(), time.perf_counter()
    try:
        results[name] = measure()
    except Exception as exc:
        results.setdefault("errors", {})[name] = f"{type(exc).__name__}: {exc}"
        print(f"[bench] {name} failed: {exc}", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    others = (machine_busy_seconds() - busy) - (own_cpu_seconds() - own)
    results.setdefault("background_cpu_share", {})[name] = max(0.0, others) / (seconds * os.cpu_count())
    print(f"[bench] {name} done in {seconds:.0f} s", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
