"""Child processes: process groups that are always stopped, measured runs, and figures from /proc."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from bench import ROOT

PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")
MB = 1024 * 1024
POLL_SECONDS = 0.1
STOP_GRACE_SECONDS = 15


@contextmanager
def process_group(cmd: Sequence[str | Path], **popen: object) -> Iterator[subprocess.Popen]:
    """Start `cmd` as the leader of a new process group; the whole group is stopped on leaving."""
    proc = subprocess.Popen([str(c) for c in cmd], start_new_session=True, **popen)
    try:
        yield proc
    finally:
        stop_group(proc)


def stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM to the group, SIGKILL after a grace period; the leader is reaped."""
    _signal_group(proc.pid, signal.SIGTERM)
    if proc.returncode is None:
        try:
            proc.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            _signal_group(proc.pid, signal.SIGKILL)
            proc.wait()
    _signal_group(proc.pid, signal.SIGKILL)  # stragglers whose leader has already exited


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass


@dataclass(frozen=True)
class Measured:
    """One finished child process and what it cost."""

    returncode: int
    seconds: float           # wall time
    cpu_seconds: float       # user + system of the child and its reaped descendants (os.wait4)
    peak_tree_rss_mb: float  # the largest sum of RSS over the whole tree, sampled every POLL_SECONDS
    peak_tree_pss_mb: float  # the largest sum of PSS over the whole tree (shared pages counted once), same samples


def run_measured(cmd: Sequence[str | Path], *, log: Path, timeout: float,
                 env: dict[str, str] | None = None) -> Measured:
    """Run `cmd` in the project root with output to `log`; raise when it outlives `timeout`.

    The child is reaped with ``os.wait4``, whose rusage covers exactly that child and its waited-for
    descendants (the same accounting as ``getrusage(RUSAGE_CHILDREN)``, without earlier children).
    Memory is sampled from /proc instead of taken from ``ru_maxrss``: Linux keeps a process's peak RSS
    across fork and exec, so a child would report this (large) bench process's peak as its own.
    """
    with log.open("wb") as out, process_group(cmd, cwd=ROOT, env=env, stdout=out,
                                              stderr=subprocess.STDOUT) as proc:
        started = time.perf_counter()
        peak = peak_pss = 0
        cpu_by_pid: dict[int, float] = {}  # last-seen user + system seconds of every process of the tree
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                raise TimeoutError(f"{Path(cmd[0]).name} still running after {timeout:.0f} s (log: {log})")
            tree = process_tree(proc.pid)
            peak, peak_pss = max(peak, rss_bytes(tree)), max(peak_pss, pss_bytes(tree))
            cpu_by_pid.update(_cpu_by_pid(tree))
            time.sleep(POLL_SECONDS)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    reaped = usage.ru_utime + usage.ru_stime
    global _unreaped_cpu_seconds
    _unreaped_cpu_seconds += max(0.0, sum(cpu_by_pid.values()) - reaped)
    return Measured(proc.returncode, seconds, reaped, peak / MB, peak_pss / MB)


def require_success(measured: Measured, what: str, log: Path) -> None:
    if measured.returncode != 0:
        raise RuntimeError(f"{what} exited with {measured.returncode}: {tail(log)}")


def tail(log: Path, lines: int = 5) -> str:
    try:
        return " | ".join(log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return "(no log)"


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    tree, queue = [], [pid]
    while queue:
        current = queue.pop()
        tree.append(current)
        queue.extend(children.get(current, []))
    return tree


def rss_bytes(pids: list[int]) -> int:
    """Summed resident set size (shared pages count once per process)."""
    return sum(int(fields[1]) * PAGE for _, fields in _read_each(pids, "statm"))


def pss_bytes(pids: list[int]) -> int:
    """Summed proportional set size: each shared page is divided among the processes that map it."""
    total = 0
    for _, lines in _read_each(pids, "smaps_rollup", split_lines=True):
        total += sum(int(line.split()[1]) * 1024 for line in lines if line.startswith("Pss:"))
    return total


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the processes have used so far."""
    return sum(_cpu_by_pid(pids).values())


def _cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process so far (its own, not its children's)."""
    return {pid: (int(f[11]) + int(f[12])) / TICK for pid, f in _read_each(pids, "stat", after_comm=True)}


def _read_each(pids: list[int], name: str, split_lines: bool = False,
               after_comm: bool = False) -> Iterator[tuple[int, list[str]]]:
    """``(pid, /proc/PID/name)`` of each process still alive, the file split into fields (or lines)."""
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/{name}").read_text()
        except OSError:
            continue
        if after_comm:  # /proc/PID/stat: fields after "(comm)", which may itself hold spaces
            text = text.rsplit(")", 1)[1]
        yield pid, text.splitlines() if split_lines else text.split()


def machine_busy_seconds() -> float:
    """CPU seconds all cores have been busy since boot, hypervisor steal included (/proc/stat)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / TICK


def own_cpu_seconds() -> float:
    """CPU seconds of this process and of every child it has reaped (theirs include their own reaped
    children), plus what `run_measured` saw descendants use that nobody reaped (a JVM that Spark starts)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime + _unreaped_cpu_seconds


_unreaped_cpu_seconds = 0.0
