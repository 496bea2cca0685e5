"""The supervisor restarts what ends or fails, and says so while it is down."""

from __future__ import annotations

import asyncio

import pytest

from radar_lib.supervisor import Supervisor

pytestmark = pytest.mark.unit


async def until(check: object, *, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_failing_task_is_restarted_and_reported_with_its_error() -> None:
    runs: list[int] = []
    release = asyncio.Event()

    async def flaky() -> None:
        runs.append(1)
        if len(runs) < 3:
            raise RuntimeError(f"failure {len(runs)}")
        await release.wait()

    supervisor = Supervisor(first_backoff=0.01, max_backoff=0.02)
    supervisor.start("flaky", flaky)
    await until(lambda: len(runs) == 3)
    report = supervisor.report()["flaky"]
    assert report["restarts"] == 2
    assert report["last_error"] == "RuntimeError: failure 2"
    assert report["state"] == "running"
    assert supervisor.all_running()
    await supervisor.stop()
    assert supervisor.report()["flaky"]["state"] == "stopped"


async def test_task_that_ends_is_started_again_and_is_not_running_meanwhile() -> None:
    runs: list[int] = []

    async def ends_at_once() -> None:
        runs.append(1)

    supervisor = Supervisor(first_backoff=0.2, max_backoff=0.2)
    supervisor.start("short", ends_at_once)
    await until(lambda: supervisor.report()["short"]["state"] == "restarting")
    assert not supervisor.all_running()
    assert supervisor.report()["short"]["last_error"] == "the task ended"
    await until(lambda: len(runs) >= 2)
    await supervisor.stop()


async def test_stop_ends_every_task() -> None:
    started = asyncio.Event()

    async def forever() -> None:
        started.set()
        await asyncio.Event().wait()

    supervisor = Supervisor()
    supervisor.start("a", forever)
    supervisor.start("b", forever)
    await started.wait()
    await supervisor.stop()
    assert {s["state"] for s in supervisor.report().values()} == {"stopped"}
    assert not [t for t in asyncio.all_tasks() if t.get_name() in ("a", "b") and not t.done()]
