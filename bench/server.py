"""gunicorn exactly as `make serve` runs it (same config file, workers and environment), on 127.0.0.1."""

from __future__ import annotations

import http.client
import os
import socket
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from bench import ROOT
from bench.procs import process_group, process_tree, tail

HOST = "127.0.0.1"
CONFIG = "service/gunicorn_conf.py"
WORKERS = 2
START_TIMEOUT_SECONDS = 90


@dataclass(frozen=True)
class Server:
    pid: int  # the gunicorn master
    port: int

    def pids(self) -> list[int]:
        """The master and its workers."""
        return process_tree(self.pid)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(model_dir: Path, log: Path, app: str | None = None) -> Iterator[Server]:
    """``gunicorn --config service/gunicorn_conf.py [app]`` with `make serve`'s environment, until healthy.

    `app` (a ``module:variable``) replaces the config file's ``wsgi_app``; everything else stays.
    """
    port = free_port()
    env = {**os.environ, "TONE_MODEL_DIR": str(model_dir), "HOST": HOST, "PORT": str(port),
           "TONE_WORKERS": str(WORKERS)}
    cmd = [Path(sys.prefix) / "bin" / "gunicorn", "--config", CONFIG, *([app] if app else [])]
    with log.open("wb") as out, process_group(cmd, cwd=ROOT, env=env,
                                              stdout=out, stderr=out) as proc:
        server = Server(proc.pid, port)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not (_healthy(port) and len(server.pids()) == WORKERS + 1):
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}: {tail(log)}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"gunicorn not healthy after {START_TIMEOUT_SECONDS} s: {tail(log)}")
            time.sleep(0.2)
        yield server


def _healthy(port: int) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        connection.request("GET", "/health")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()
