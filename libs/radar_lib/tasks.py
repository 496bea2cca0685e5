"""Stopping background tasks reliably."""

from __future__ import annotations

import asyncio


async def cancel_and_wait(task: asyncio.Task[None] | None) -> None:
    """Cancel a task and wait until it has ended.

    On Python 3.11 a cancellation that arrives while a task is inside `wait_for` or a
    client's own timeout handling can be swallowed; cancelling again until the task is done
    keeps a service's shutdown from hanging.
    """
    if task is None:
        return
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=0.5)
    error = None if task.cancelled() else task.exception()
    if error is not None:
        raise error
