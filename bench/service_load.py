"""The service over real HTTP, and the same gunicorn setup serving a do-nothing endpoint as the HTTP floor."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from bench import WORK, loadgen, wrk
from bench.corpus import Pair, take
from bench.procs import MB, cpu_seconds, pss_bytes
from bench.server import Server, gunicorn

SINGLE_BODIES = 320
BATCH_ITEMS = 64
BATCH_BODIES = 20
NOOP_APP = "bench.noop_app:app"
WARM_UP_SECONDS = 1


@dataclass(frozen=True)
class Scenario:
    key: str
    body: str  # "single" or "batch"
    connections: int


SCENARIOS = (Scenario("single_c1", "single", 1), Scenario("single_c16", "single", 16),
             Scenario("batch64_c4", "batch", 4), Scenario("distinct_c16", "distinct", 16))


def service_load(model_dir: Path, pairs: list[Pair], seconds: int, use_wrk: bool, logs: Path) -> dict:
    """Every scenario against the tone service, then against the do-nothing endpoint; PSS after the load."""
    bodies = write_bodies(pairs)
    return {"load_generator": f"{wrk.version()}, 1 thread" if use_wrk else "python asyncio (bench/loadgen.py)",
            "seconds_per_scenario": seconds,
            "tone": _measure_app(None, model_dir, bodies, seconds, use_wrk, logs),
            "noop": _measure_app(NOOP_APP, model_dir, bodies, seconds, use_wrk, logs)}


def write_bodies(pairs: list[Pair]) -> dict[str, Path]:
    """Request bodies, one JSON per line, in bench/work/: single replies (320 of them, and every pair of
    the corpus once: `distinct`) and batches of 64."""
    single = [{"text": p.reply, "context": p.context} for p in take(pairs, SINGLE_BODIES)]
    distinct = [{"text": p.reply, "context": p.context} for p in dict.fromkeys(pairs)]
    items = [{"text": p.reply, "context": p.context} for p in take(pairs, BATCH_ITEMS * BATCH_BODIES)]
    batches = [{"items": items[i:i + BATCH_ITEMS]} for i in range(0, len(items), BATCH_ITEMS)]
    paths = {}
    for name, bodies in (("single", single), ("distinct", distinct), ("batch", batches)):
        paths[name] = WORK / f"bodies-{name}.jsonl"
        paths[name].write_text("".join(json.dumps(b, ensure_ascii=False) + "\n" for b in bodies), encoding="utf-8")
    return paths


def _measure_app(app: str | None, model_dir: Path, bodies: dict[str, Path], seconds: int, use_wrk: bool,
                 logs: Path) -> dict:
    name = "noop" if app else "tone"
    with gunicorn(model_dir, logs / f"gunicorn-{name}.log", app) as server:
        _load(server, bodies["single"], 2, WARM_UP_SECONDS, use_wrk, logs / f"load-{name}-warmup.txt")
        result: dict = {"workers": len(server.pids()) - 1}
        for scenario in SCENARIOS:
            server_cpu, started = cpu_seconds(server.pids()), time.perf_counter()
            figures = _load(server, bodies[scenario.body], scenario.connections, seconds, use_wrk,
                            logs / f"load-{name}-{scenario.key}.txt")
            window = (time.perf_counter() - started) * os.cpu_count()
            items = BATCH_ITEMS if scenario.body == "batch" else 1
            result[scenario.key] = {
                **figures, "connections": scenario.connections, "items_per_request": items,
                "replies_per_s": figures["requests_per_s"] * items,
                "loadgen_cpu_share": figures["loadgen_cpu_seconds"] / window,
                "server_cpu_share": (cpu_seconds(server.pids()) - server_cpu) / window,
            }
        result["pss_mb"] = pss_bytes(server.pids()) / MB
    return result


def _load(server: Server, bodies: Path, connections: int, seconds: int, use_wrk: bool, log: Path) -> dict:
    if use_wrk:
        return wrk.run(server.port, bodies, connections, seconds, log)
    return loadgen.run(server.port, bodies, connections, seconds)
