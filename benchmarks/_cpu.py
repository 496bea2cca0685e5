"""Where the CPU went during a measurement: each process of the system, the load generator itself.

On a two-core machine the load generator and the system share the cores, so a figure means
little without knowing who was busy: a server near 1.0 core is the limit, a generator near
1.0 core (one Python thread) has saturated and the figure is the generator's.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import psutil


def process_seconds(pid: int, *, with_children: bool = False) -> float:
    """User and system CPU seconds of a process (and of its live children); 0 once it is gone."""
    try:
        process = psutil.Process(pid)
        family = [process, *(process.children(recursive=True) if with_children else [])]
        total = 0.0
        for member in family:
            try:
                times = member.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:  # a backend that ended between listing and reading
                continue
        return total
    except psutil.NoSuchProcess:
        return 0.0


def system_pids(run_info: Mapping[str, object]) -> dict[str, tuple[int, bool]]:
    """The processes of `radar up` from its run file: name -> (pid, count its children too)."""
    pids: dict[str, tuple[int, bool]] = {}
    processes = run_info.get("processes") or {}
    assert isinstance(processes, dict)
    for name, identity in processes.items():
        if name != "smtp-sink":
            pids[name] = (int(identity["pid"]), False)
    if run_info.get("postgres_pid"):
        pids["postgres"] = (int(str(run_info["postgres_pid"])), True)  # the backends are its children
    return pids


@contextmanager
def cpu_cores(pids: Mapping[str, tuple[int, bool]]) -> Iterator[dict[str, float]]:
    """Fills the yielded dict on exit: cores each process used on average, this process, the
    children it waited for meanwhile (wrk), and every other process of the machine together."""
    used: dict[str, float] = {}
    began = time.monotonic()
    before = {name: process_seconds(pid, with_children=c) for name, (pid, c) in pids.items()}
    own, waited, machine = time.process_time(), _waited_children_seconds(), _machine_busy_seconds()
    yield used
    seconds = max(time.monotonic() - began, 1e-9)
    spent = {name: process_seconds(pid, with_children=c) - before[name] for name, (pid, c) in pids.items()}
    spent["load generator"] = time.process_time() - own
    spent["wrk"] = _waited_children_seconds() - waited
    # whatever else ran on the machine meanwhile (other tests on a shared box): the noise
    spent["other processes"] = max(0.0, _machine_busy_seconds() - machine - sum(spent.values()))
    used.update({name: round(s / seconds, 2) for name, s in spent.items() if s > 0})


def _waited_children_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _machine_busy_seconds() -> float:
    """CPU seconds the machine's cores were busy (guest time is already in user; steal is not ours)."""
    times = psutil.cpu_times()
    return sum(getattr(times, field, 0.0) for field in ("user", "nice", "system", "irq", "softirq"))
