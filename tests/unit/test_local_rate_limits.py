"""The gateway's in-process rate limits (used while Redis is away): same windows, bounded memory."""

from __future__ import annotations

import pytest

from radar_gateway.ratelimit import LocalWindows

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_request_over_the_limit_waits_until_its_window_ends() -> None:
    clock = Clock()
    windows = LocalWindows(clock=clock)
    assert [windows.take(key="p", limit=2, window_seconds=60) for _ in range(2)] == [0, 0]
    clock.now += 20.5
    assert windows.take(key="p", limit=2, window_seconds=60) == 40
    assert windows.take(key="other", limit=2, window_seconds=60) == 0
    clock.now += 40
    assert windows.take(key="p", limit=2, window_seconds=60) == 0


def test_past_its_bound_the_table_forgets_the_oldest_windows() -> None:
    clock = Clock()
    windows = LocalWindows(max_keys=2, clock=clock)
    windows.take(key="oldest", limit=1, window_seconds=60)
    assert windows.take(key="oldest", limit=1, window_seconds=60) > 0
    clock.now += 1
    windows.take(key="b", limit=1, window_seconds=60)
    windows.take(key="c", limit=1, window_seconds=60)
    assert windows.take(key="oldest", limit=1, window_seconds=60) == 0  # forgotten: a new window
    assert windows.take(key="c", limit=1, window_seconds=60) > 0
