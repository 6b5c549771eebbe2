"""Load with wrk (one thread) and the Lua script `wrk_post.lua`; wrk's own CPU is measured with os.wait4."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from bench.procs import require_success, run_measured, tail

WRK = Path("/usr/bin/wrk")
SCRIPT = Path(__file__).with_name("wrk_post.lua")
REQUEST_TIMEOUT = "5s"


def available() -> bool:
    return os.access(WRK, os.X_OK)


def version() -> str:
    shown = subprocess.run([WRK, "-v"], capture_output=True, text=True, timeout=10).stdout
    return shown.split(" [")[0].strip()


def run(port: int, bodies: Path, connections: int, seconds: int, log: Path) -> dict:
    """Closed-loop load: `connections` connections for `seconds`, one wrk thread."""
    cmd = [WRK, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", REQUEST_TIMEOUT, "-s", SCRIPT,
           f"http://127.0.0.1:{port}/classify", "--", bodies]
    measured = run_measured(cmd, log=log, timeout=seconds + 60)
    require_success(measured, "wrk", log)
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.startswith("BENCH ")]
    if not lines:
        raise RuntimeError(f"wrk printed no BENCH line (see {SCRIPT.name}): {tail(log)}")
    figures = json.loads(lines[-1][len("BENCH "):])
    duration = figures["duration_us"] / 1e6
    return {"requests": figures["requests"], "seconds": duration, "requests_per_s": figures["requests"] / duration,
            "latency_accounted_share": figures["mean_us"] / 1e6 * figures["requests"] / (connections * duration),
            "p50_ms": figures["p50_us"] / 1000, "p95_ms": figures["p95_us"] / 1000,
            "p99_ms": figures["p99_us"] / 1000, "errors": figures["errors"], "non_2xx": figures["non_2xx"],
            "loadgen_cpu_seconds": measured.cpu_seconds}
