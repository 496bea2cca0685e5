"""A change to a field or core area reaches every gateway process at once, not when its cache expires.

Two gateway apps, each with its own public-read cache (as two processes have), share one Valkey
and one catalog. Both have served the pages and the API answers (and hold them in their caches);
an editor renames through the first; the second serves the new name within seconds, since the
catalog's field.updated and core_area.updated reach every process's cache invalidation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from radar_gateway.cache import PublicReadCache
from radar_gateway.main import create_app as create_gateway
from tests.integration.gateway_system import SMALL_CITY, System, start_system
from tests.integration.helpers import eventually

pytestmark = pytest.mark.integration
NewDatabase = Callable[[str], str]
# far below the caches' lifetime (300 s): only an invalidation can make the change visible this soon
SOON = 10.0


@asynccontextmanager
async def second_gateway(system: System) -> AsyncIterator[httpx.AsyncClient]:
    """Another gateway process: the same settings, Valkey and services; a cache of its own."""
    app = create_gateway(system.apps["gateway"].state.gateway.settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client,
    ):
        yield client


def cache_of(client: httpx.AsyncClient) -> PublicReadCache:
    cache: PublicReadCache = client._transport.app.state.gateway.cache  # type: ignore[attr-defined]
    return cache


async def cached_everywhere(clients: list[httpx.AsyncClient], reads: list[str]) -> None:
    """Each gateway serves each read (pages and API), so that its cache holds the catalog's answers."""
    for client in clients:
        for path in reads:
            r = await client.get(path)
            assert r.status_code == 200, (path, r.text)


def shows(client: httpx.AsyncClient, path: str, text: str) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        r = await client.get(path)
        return r.status_code == 200 and text in r.text

    return check


async def test_a_field_and_a_core_area_renamed_through_one_gateway_show_at_once_on_another(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with (
        start_system(new_database, redis_url, city=SMALL_CITY) as system,
        second_gateway(system) as other,
    ):
        reads = [
            "/felder/teilhabe",
            "/api/v1/fields",
            "/kernbereiche/stadtgesellschaft",
            "/api/v1/core-areas",
        ]
        await cached_everywhere([system.gateway, other], reads)
        assert cache_of(other) is not cache_of(system.gateway) and len(cache_of(other)) >= len(reads)

        editor = await system.staff("editor")
        r = await editor.patch("/api/v1/fields/teilhabe", json={"name": "Mitmachen"})
        assert r.status_code == 200, r.text
        await eventually(shows(other, "/api/v1/fields", '"name":"Mitmachen"'), timeout=SOON)
        await eventually(shows(other, "/felder/teilhabe", "Mitmachen</h1>"), timeout=SOON)
        await eventually(shows(other, "/api/v1/core-areas", '"name":"Mitmachen"'), timeout=SOON)

        r = await editor.patch("/api/v1/core-areas/stadtgesellschaft", json={"name": "Stadtleben"})
        assert r.status_code == 200, r.text
        await eventually(shows(other, "/api/v1/core-areas", '"name":"Stadtleben"'), timeout=SOON)
        await eventually(shows(other, "/kernbereiche/stadtgesellschaft", "Stadtleben</h1>"), timeout=SOON)
        await eventually(shows(other, "/felder/teilhabe", "Stadtleben"), timeout=SOON)


async def test_the_english_pages_of_another_gateway_follow_a_new_translation(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with (
        start_system(new_database, redis_url, city=SMALL_CITY) as system,
        second_gateway(system) as other,
    ):
        await cached_everywhere(
            [system.gateway, other], ["/felder/teilhabe?lang=en", "/api/v1/fields?lang=en"]
        )
        editor = await system.staff("editor")
        body = {"translations": {"en": {"name": "Taking part"}}}
        r = await editor.patch("/api/v1/fields/teilhabe", json=body)
        assert r.status_code == 200, r.text
        await eventually(shows(other, "/felder/teilhabe?lang=en", "Taking part</h1>"), timeout=SOON)
        await eventually(shows(other, "/api/v1/fields?lang=en", '"name":"Taking part"'), timeout=SOON)
