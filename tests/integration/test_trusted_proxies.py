"""The per-address comment limit follows the real client: X-Forwarded-For counts only from trusted proxies.

The gateway runs under uvicorn on a real port with the proxy options `radar up` gives it, so a
header that uvicorn itself would believe shows up here as well.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from uvicorn.main import main as uvicorn_command

from radar_cli.processes import service_child
from tests.integration.gateway_system import System, serving, start_system

pytestmark = pytest.mark.integration
PER_ADDRESS = 6  # comments_per_window=1: one per participant, six per address


def launcher_proxy_options() -> dict[str, Any]:
    """How `radar up` tells the gateway's uvicorn to treat proxy headers, read from its command line."""
    child = service_child(
        "gateway", data_dir=Path("/nonexistent"), host="127.0.0.1", port=0, env={}, database_url=""
    )
    arguments = child.argv[child.argv.index("uvicorn") + 1 :]
    params = uvicorn_command.make_context("uvicorn", arguments).params
    return {name: params[name] for name in ("proxy_headers", "forwarded_allow_ips")}


@asynccontextmanager
async def gateway_on_a_port(
    new_database: Callable[[str], str], redis_url: str, **settings: Any
) -> AsyncIterator[tuple[System, str]]:
    async with start_system(new_database, redis_url, comments_per_window=1, **settings) as system:
        app = system.gateway._transport.app  # type: ignore[attr-defined]
        async with serving(app, lifespan="off", **launcher_proxy_options()) as url:
            yield system, url


async def comment_from_a_new_participant(url: str, slug: str, forwarded_for: str) -> int:
    """A comment from a browser without cookies (a new participant), with this X-Forwarded-For."""
    async with httpx.AsyncClient(base_url=url, trust_env=False) as browser:
        r = await browser.post(
            f"/api/v1/measures/{slug}/comments",
            json={"body": "Bitte auch offline anbieten."},
            headers={"X-Forwarded-For": forwarded_for},
        )
    assert r.status_code in (202, 429), r.text
    return r.status_code


async def test_a_client_that_sends_changing_forwarded_for_is_limited_by_its_real_address(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with gateway_on_a_port(new_database, redis_url) as (system, url):
        slug = await system.measure()
        statuses = [
            await comment_from_a_new_participant(url, slug, f"198.51.100.{n}") for n in range(PER_ADDRESS + 1)
        ]
    assert statuses == [202] * PER_ADDRESS + [429]


async def test_behind_a_trusted_proxy_each_client_is_limited_by_the_right_most_untrusted_hop(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with gateway_on_a_port(new_database, redis_url, trusted_proxies="10.9.0.0/16, 127.0.0.1") as (
        system,
        url,
    ):
        slug = await system.measure()
        first = [await comment_from_a_new_participant(url, slug, "203.0.113.7") for _ in range(PER_ADDRESS)]
        assert first == [202] * PER_ADDRESS
        assert await comment_from_a_new_participant(url, slug, "203.0.113.7") == 429
        assert await comment_from_a_new_participant(url, slug, "203.0.113.8") == 202  # another client
        # a left-most entry of the client's own choosing does not make it someone else
        assert await comment_from_a_new_participant(url, slug, "198.51.100.1, 203.0.113.7") == 429
        # hops of trusted proxies are passed over, right to left, to the client the outermost one saw
        assert await comment_from_a_new_participant(url, slug, "203.0.113.7, 10.9.4.2") == 429
        assert await comment_from_a_new_participant(url, slug, "203.0.113.7, 10.8.4.2") == 202
