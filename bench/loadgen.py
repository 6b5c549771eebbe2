"""A small closed-loop HTTP load generator (asyncio, raw sockets), used when wrk is not installed.

Like wrk, each connection sends its next request as soon as the previous answer is read, latency
runs from sending the request to reading the whole answer, and the run stops by itself after the
given duration. Its CPU is this process's own (os.times).
"""

from __future__ import annotations

import asyncio
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

REQUEST_TIMEOUT_SECONDS = 5.0


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    non_2xx: int = 0


def run(port: int, bodies: Path, connections: int, seconds: int) -> dict:
    """Closed-loop load: `connections` connections for `seconds`, POSTing the bodies of `bodies` in turn."""
    requests = [_request(port, line.encode("utf-8"))
                for line in bodies.read_text(encoding="utf-8").splitlines() if line]
    tally = _Tally()
    cpu_before, started = _cpu(), time.perf_counter()
    asyncio.run(_load("127.0.0.1", port, requests, connections, seconds, tally))
    duration, cpu = time.perf_counter() - started, _cpu() - cpu_before
    latencies = sorted(tally.latencies)
    return {"requests": len(latencies), "seconds": duration, "requests_per_s": len(latencies) / duration,
            "latency_accounted_share": sum(latencies) / (connections * duration),
            "p50_ms": _percentile(latencies, 50) * 1000, "p95_ms": _percentile(latencies, 95) * 1000,
            "p99_ms": _percentile(latencies, 99) * 1000, "errors": tally.errors, "non_2xx": tally.non_2xx,
            "loadgen_cpu_seconds": cpu}


def _request(port: int, body: bytes) -> bytes:
    head = (f"POST /classify HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode("ascii") + body


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def _percentile(ordered: list[float], percent: float) -> float:
    """Nearest-rank percentile of a sorted list (nan when empty)."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


async def _load(host: str, port: int, requests: list[bytes], connections: int, seconds: float,
                tally: _Tally) -> None:
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(_connection(host, port, requests, i * 7, deadline, tally) for i in range(connections)))


async def _connection(host: str, port: int, requests: list[bytes], offset: int, deadline: float,
                      tally: _Tally) -> None:
    """One client: send, read the answer, repeat until the deadline; reconnect when the server closes."""
    reader = writer = None
    index = offset
    while time.monotonic() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), REQUEST_TIMEOUT_SECONDS)
            sent = time.perf_counter()
            writer.write(requests[index % len(requests)])
            index += 1
            status, keep_alive = await asyncio.wait_for(_response(reader), REQUEST_TIMEOUT_SECONDS)
            tally.latencies.append(time.perf_counter() - sent)
            tally.non_2xx += not 200 <= status <= 299
            if not keep_alive:
                writer = _close(writer)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            tally.errors += 1
            writer = _close(writer)
            await asyncio.sleep(0.01)
    _close(writer)


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 answer; its status and whether the connection stays open."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = {name.strip().lower(): value.strip().lower()
               for name, _, value in (line.partition(":") for line in head[1:] if line)}
    if "content-length" not in headers:
        await reader.read()  # the body runs to the end of the connection
        return status, False
    await reader.readexactly(int(headers["content-length"]))
    return status, headers.get("connection") != "close"


def _close(writer: asyncio.StreamWriter | None) -> None:
    if writer is not None:
        writer.close()
    return None
