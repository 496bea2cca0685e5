"""One running `radar up` per test module, started again for the next test when a test stopped it.

A start costs 10-20 s on a small machine, so a module's tests share one system; since a test
that stops it only makes the next test start a new one, every test works alone and in any
order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from radar_cli.embedded import free_port
from tests.radar_process import Launcher


class SharedSystem:
    """The systems a module's tests ran on; the last one is the one in use."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory, **env: str) -> None:
        self._tmp_path_factory = tmp_path_factory
        self._env = env  # set in each launcher's environment
        self.started: list[Launcher] = []

    def running(self) -> Launcher:
        """The module's system, started now if there is none yet or a test has stopped it."""
        if not self.started or self.started[-1].process.poll() is not None:
            launcher = Launcher(self._tmp_path_factory.mktemp("radar-data"), free_port(), **self._env)
            self.started.append(launcher)
            launcher.wait_until_ready()
        return self.started[-1]


@pytest.fixture(scope="module")
def shared_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedSystem]:
    with shared_systems(SharedSystem(tmp_path_factory)) as shared:
        yield shared


@contextmanager
def shared_systems(shared: SharedSystem) -> Iterator[SharedSystem]:
    """The module's systems, each force-stopped at the end."""
    try:
        yield shared
    finally:
        for launcher in shared.started:
            launcher.force_stop()


@pytest.fixture
def system(shared_system: SharedSystem) -> Launcher:
    """A running system, shared with the module's other tests."""
    return shared_system.running()
