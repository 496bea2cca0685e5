"""The faults, injected one after another while the load runs, and the recovery after each.

A killed service, Valkey or postmaster is started again by the launcher; the drill only
waits and measures. A database is made to refuse connections (ALTER DATABASE ...
ALLOW_CONNECTIONS false, and its sessions ended) rather than stopped, because the launcher
starts a stopped postmaster again at once, as it does a killed one.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from benchmarks.drills.system import Settings, System
from benchmarks.drills.traffic import Journal
from tests.radar_process import alive

CONSUMERS = ("participation", "moderation", "notifications", "catalog")
BLOCKED_DATABASES = ("radar_moderation", "radar_notifications")
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Injected:
    detail: str
    ended: float  # monotonic: when the fault was over (at once for a kill)
    back_after: float | None  # seconds from the injection until the broken part worked again


@dataclass(frozen=True)
class Fault:
    name: str
    inject: Callable[[System], Injected]


@dataclass
class FaultRecord:
    name: str
    detail: str
    began: float  # monotonic
    ended: float
    back_after: float | None
    first_accepted_after: float | None  # seconds after the fault ended; None: not within the bound
    first_queued_after: float | None

    @property
    def recovered(self) -> bool:
        return None not in (self.back_after, self.first_accepted_after, self.first_queued_after)


def _eventually(check: Callable[[], bool], *, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _ready(url: str) -> bool:
    try:
        with _opener.open(f"{url}/readyz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def kill_process(system: System, name: str) -> Injected:
    """kill -9 a process the run file lists; back when a new one runs (and a service is ready)."""
    info = system.run_info()
    old = info["processes"][name]
    began = time.monotonic()
    os.kill(old["pid"], signal.SIGKILL)

    def replaced() -> bool:
        new = system.run_info()["processes"].get(name, old)
        return bool(new["pid"] != old["pid"] and alive(new["pid"], new["created"]))

    back = _eventually(replaced)
    url = info["services"].get(name)
    back = back and (url is None or _eventually(lambda: _ready(url)))
    return Injected(f"pid {old['pid']}", began, time.monotonic() - began if back else None)


def kill_postmaster(system: System) -> Injected:
    """kill -9 the postmaster; back when the launcher has a new one accepting connections."""
    old = int(system.run_info()["postgres_pid"])
    began = time.monotonic()
    os.kill(old, signal.SIGKILL)

    def replaced() -> bool:
        pid = system.run_info().get("postgres_pid")
        return pid is not None and pid != old and alive(int(pid))

    back = _eventually(replaced)
    return Injected(f"postmaster pid {old}", began, time.monotonic() - began if back else None)


def refuse_connections(system: System, *, databases: tuple[str, ...], seconds: float) -> Injected:
    """The databases refuse connections for `seconds`, their open sessions ended; then allowed again."""
    began = time.monotonic()
    names = ", ".join(f"'{d}'" for d in databases)
    try:
        for database in databases:
            system.sql(f"ALTER DATABASE {database} ALLOW_CONNECTIONS false")
        ended_sessions = system.sql(
            f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname IN ({names})"
        )
        time.sleep(max(0.0, began + seconds - time.monotonic()))
    finally:
        for database in databases:
            system.sql(f"ALTER DATABASE {database} ALLOW_CONNECTIONS true")
    ended = time.monotonic()
    detail = f"{', '.join(databases)} refused connections for {ended - began:.0f} s"
    detail += f"; {ended_sessions} sessions ended"
    return Injected(detail, ended, ended - began)


def _listening() -> str:
    return "SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"


def end_listen_connections(system: System) -> Injected:
    """pg_terminate_backend on every LISTEN connection; back when as many new ones listen."""
    before = set(system.sql(_listening()).split())
    began = time.monotonic()
    system.sql(f"SELECT pg_terminate_backend(pid) FROM ({_listening()}) AS l")

    def listening_again() -> bool:
        now = set(system.sql(_listening()).split())
        return len(now - before) >= len(before)

    back = _eventually(listening_again)
    detail = f"{len(before)} LISTEN connections ended"
    return Injected(detail, began, time.monotonic() - began if back else None)


def plan(settings: Settings) -> list[Fault]:
    """The faults in the order they are injected."""
    kills = [Fault(f"kill -9 {name}", partial(kill_process, name=name)) for name in CONSUMERS]
    block = partial(refuse_connections, databases=BLOCKED_DATABASES, seconds=settings.block_seconds)
    return [
        *kills,
        *kills,
        Fault("kill -9 valkey", partial(kill_process, name="valkey")),
        Fault("kill -9 postmaster", kill_postmaster),
        Fault("databases refuse connections", block),
        Fault("LISTEN connections ended", end_listen_connections),
    ]


async def _recovery(
    journal: Journal, *, began: float, ended: float, timeout: float
) -> tuple[float | None, ...]:
    """Seconds after `ended` to the first 202 and the first queued comment sent since `began`."""
    deadline = time.monotonic() + timeout
    while True:
        accepted = journal.first_accepted(sent_after=began, done_after=ended)
        queued = journal.first_queued(sent_after=began, seen_after=ended)
        if (accepted is not None and queued is not None) or time.monotonic() > deadline:
            return tuple(None if t is None else max(0.0, t - ended) for t in (accepted, queued))
        await asyncio.sleep(0.2)


async def run_faults(system: System, journal: Journal, settings: Settings) -> list[FaultRecord]:
    """Inject every fault after a pause, and wait for the recovery from each."""
    records: list[FaultRecord] = []
    for fault in plan(settings):
        await asyncio.sleep(settings.pause_seconds)
        print(f"drill: {fault.name}", flush=True)
        began = time.monotonic()
        injected = await asyncio.to_thread(fault.inject, system)
        accepted, queued = await _recovery(
            journal, began=began, ended=injected.ended, timeout=settings.recovery_timeout
        )
        record = FaultRecord(
            fault.name, injected.detail, began, injected.ended, injected.back_after, accepted, queued
        )
        records.append(record)
        print(f"drill:   {injected.detail}; back after {_s(record.back_after)}, first 202 after "
              f"{_s(accepted)}, first queued after {_s(queued)}", flush=True)  # fmt: skip
    return records


def _s(seconds: float | None) -> str:
    return "never" if seconds is None else f"{seconds:.1f} s"
