"""Every long-running task of a process runs under one supervisor, and none dies silently.

A task that ends or fails is logged and started again after a growing delay (reset once it
ran for a while); its state, restarts and last error show in /readyz and /metrics, and a
task that is not running makes the process unready. Stopping cancels every task and waits
until each has ended.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from radar_lib.tasks import cancel_and_wait

log = logging.getLogger(__name__)

Work = Callable[[], Awaitable[None]]


@dataclass
class TaskState:
    """What the supervisor knows of one task."""

    name: str
    state: str = "starting"  # starting | running | restarting | stopped
    restarts: int = 0
    last_error: str | None = None
    since: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def enter(self, state: str) -> None:
        self.state = state
        self.since = datetime.now(UTC).isoformat()

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "restarts": self.restarts,
            "last_error": self.last_error,
            "since": self.since,
        }


class Supervisor:
    """Runs named tasks, restarts them with back-off, reports their state."""

    def __init__(
        self, *, first_backoff: float = 0.2, max_backoff: float = 10.0, stable_after: float = 30.0
    ) -> None:
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self.stable_after = stable_after
        self.states: dict[str, TaskState] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def start(self, name: str, work: Work) -> None:
        """Run `work()` as the task `name` until the supervisor stops."""
        if name in self._tasks:
            raise ValueError(f"a task named {name} runs already")
        self.states[name] = TaskState(name)
        self._tasks[name] = asyncio.create_task(self._guard(name, work), name=name)

    async def _guard(self, name: str, work: Work) -> None:
        state = self.states[name]
        backoff = self.first_backoff
        while True:
            state.enter("running")
            began = time.monotonic()
            try:
                await work()
                state.last_error = "the task ended"
                log.error("task %s ended; restarting it", name)
            except asyncio.CancelledError:
                state.enter("stopped")
                raise
            except Exception as exc:
                state.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("task %s failed; restarting it", name)
            if time.monotonic() - began > self.stable_after:
                backoff = self.first_backoff
            state.restarts += 1
            state.enter("restarting")
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.max_backoff)

    async def stop(self) -> None:
        """Cancel every task and wait until all have ended."""
        for task in self._tasks.values():
            task.cancel()
        for name, task in list(self._tasks.items()):
            try:
                await cancel_and_wait(task)
            except Exception:
                log.exception("task %s failed while stopping", name)
            self.states[name].enter("stopped")
        self._tasks.clear()

    def report(self) -> dict[str, dict[str, Any]]:
        """Each task's state, restarts, last error and since when, by name."""
        return {name: state.as_dict() for name, state in sorted(self.states.items())}

    def all_running(self) -> bool:
        """True when every task is running (none is waiting to restart)."""
        return all(state.state == "running" for state in self.states.values())
