"""Fixtures shared by the integration tests of the gateway."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from tests.integration.gateway_system import System, start_system


@pytest.fixture
async def system(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[System]:
    """The gateway in front of real participation and moderation services (see gateway_system)."""
    async with start_system(new_database, redis_url) as running:
        yield running
