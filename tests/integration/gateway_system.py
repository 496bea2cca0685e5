"""The gateway on real ports in front of real services, for tests.

`start_system` runs participation, moderation and the gateway in this event loop; the catalog
is not running (its paths answer 503) unless a city is given, which also starts notifications
and its SMTP sink (System.mail): then every service runs, each on its own database, all on one
Valkey database. `System` gives
each test its browsers, staff log-ins and measures, and reads what every service holds: every
row of every table, every entry of every stream.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import asyncpg
import httpx
import uvicorn
from fastapi import FastAPI
from redis.asyncio import Redis

from radar_catalog.config import CatalogSettings
from radar_catalog.main import create_app as create_catalog
from radar_cli.embedded import free_port
from radar_gateway.accounts import add_staff
from radar_gateway.config import GatewaySettings
from radar_gateway.main import create_app as create_gateway
from radar_moderation.config import ModerationSettings
from radar_moderation.main import create_app as create_moderation
from radar_notifications.config import NotificationsSettings
from radar_notifications.main import create_app as create_notifications
from radar_participation.config import ParticipationSettings
from radar_participation.main import create_app as create_participation
from tests.conftest import TOKEN_SECRET
from tests.integration.helpers import emit, eventually, measure_published, seed_catalog
from tests.integration.notifications_service import Sink

PASSWORD = "correct horse battery staple"
BROWSER_ADDRESS = "127.0.0.1"  # what httpx's in-process transport reports as the client address
# a city with one field and no measures: tests add their own through the catalog's editor API
SMALL_CITY: dict[str, Any] = {
    "principles": [{"slug": "standards", "name": "Standards"}],
    "departments": [{"code": "RIT", "name": "IT-Referat"}],
    "core_areas": [{"slug": "stadtgesellschaft", "name": "Stadtgesellschaft", "introduction": "Für alle."}],
    "fields": [{"slug": "teilhabe", "name": "Teilhabe", "core_area": "stadtgesellschaft"}],
    "measures": [],
}

StreamEntries = list[tuple[bytes, dict[bytes, bytes]]]  # XRANGE's reply


@asynccontextmanager
async def serving(app: FastAPI, **options: Any) -> AsyncIterator[str]:
    """Serve an app on a real port in this event loop (uvicorn.Config options); yield its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **options))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@dataclass
class System:
    gateway: httpx.AsyncClient
    participation_url: str
    participation_app: FastAPI
    gateway_dsn: str
    moderation_url: str
    moderation_app: FastAPI
    redis_url: str = ""
    databases: dict[str, str] = field(default_factory=dict)  # service -> DSN, for every service running
    apps: dict[str, FastAPI] = field(default_factory=dict)  # service -> app, the gateway's included
    mail: Sink | None = None  # with a city: the SMTP sink notifications sends to

    def client(self, address: str = BROWSER_ADDRESS) -> httpx.AsyncClient:
        """Another browser: its own cookies, coming from this client address."""
        app = self.gateway._transport.app  # type: ignore[attr-defined]
        transport = httpx.ASGITransport(app=app, client=(address, 50_000))
        return httpx.AsyncClient(transport=transport, base_url="http://gateway")

    async def staff(self, role: str, *, email: str | None = None) -> httpx.AsyncClient:
        """A browser with a logged-in staff member of this role."""
        email = email or f"{role}-{uuid.uuid4().hex[:6]}@example.org"
        await add_staff(self.gateway_dsn, email=email, password=PASSWORD, role=role)
        client = self.client()
        r = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = client.cookies["radar_csrf"]
        return client

    async def moderator(self) -> httpx.AsyncClient:
        """A browser with a logged-in moderator, sending the CSRF header on every change."""
        return await self.staff("moderator")

    async def measure(self, *, title: str = "E-Akte") -> str:
        """A new open measure's slug, once participation and moderation know it.

        With the catalog running, an editor creates it through the gateway; without, its
        measure.published is sent as the catalog would send it.
        """
        if "catalog" in self.apps:
            editor = await self.staff("editor")
            r = await editor.post("/api/v1/measures", json={"title": title, "field": "teilhabe"})
            assert r.status_code == 201, r.text
            slug = str(r.json()["slug"])
        else:
            slug = f"measure-{uuid.uuid4().hex[:6]}"
            await emit(self.participation_app, measure_published(slug=slug, title=title))
        await eventually(lambda: self._known(slug))
        return slug

    async def _known(self, slug: str) -> bool:
        participation = (await self.gateway.get(f"/api/v1/measures/{slug}/comments")).status_code == 200
        moderation = await self.moderation_app.state.runtime.pool.fetchval(
            "SELECT true FROM measures WHERE slug = $1", slug
        )
        return participation and bool(moderation)

    async def every_row(self) -> dict[str, list[str]]:
        """Every row of every table of every service's database, as text, by "service.table"."""
        found: dict[str, list[str]] = {}
        for service, dsn in self.databases.items():
            conn = await asyncpg.connect(dsn)
            try:
                tables = await conn.fetch(
                    "SELECT table_name FROM information_schema.tables"
                    " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                )
                for t in tables:
                    name = t["table_name"]
                    rows = await conn.fetch(f'SELECT t::text FROM "{name}" t')
                    found[f"{service}.{name}"] = [r[0] for r in rows]
            finally:
                await conn.close()
        return found

    async def every_key(self) -> list[str]:
        """The name of every key in the system's Valkey database: streams, sessions, rate windows."""
        redis = Redis.from_url(self.redis_url)
        try:
            return sorted([key.decode() async for key in redis.scan_iter()])
        finally:
            await redis.aclose()

    async def every_stream(self) -> dict[str, StreamEntries]:
        """Every entry of every stream in the system's Valkey database (dead letters included)."""
        redis = Redis.from_url(self.redis_url)
        try:
            names = sorted([key async for key in redis.scan_iter(_type="stream")])
            return {name.decode(): cast(StreamEntries, await redis.xrange(name)) for name in names}
        finally:
            await redis.aclose()


@asynccontextmanager
async def start_system(
    new_database: Callable[[str], str],
    redis_url: str,
    *,
    city: dict[str, Any] | None = None,
    moderation: dict[str, Any] | None = None,
    mail_folder: Path | None = None,
    **gateway_settings: Any,
) -> AsyncIterator[System]:
    """Participation, moderation and the gateway (with these settings changed) on real servers.

    With a city, the catalog (loaded with it) and notifications run too. `moderation` changes
    moderation's settings; `mail_folder` is where the SMTP sink keeps the mails (else a new one).
    """
    common = {"redis_url": redis_url, "internal_token_secret": TOKEN_SECRET}
    databases = {service: new_database(service) for service in ("participation", "moderation", "gateway")}
    apps = {
        "participation": create_participation(
            ParticipationSettings(database_url=databases["participation"], **common)
        ),
        "moderation": create_moderation(
            ModerationSettings(database_url=databases["moderation"], **common, **(moderation or {}))
        ),
    }
    catalog_url = notifications_url = "http://127.0.0.1:9"  # not running: answers 503
    mail: Sink | None = None
    async with AsyncExitStack() as running:
        part_url = await running.enter_async_context(serving(apps["participation"]))
        mod_url = await running.enter_async_context(serving(apps["moderation"]))
        if city is not None:
            databases["catalog"] = new_database("catalog")
            databases["notifications"] = new_database("notifications")
            await seed_catalog(databases["catalog"], city)
            apps["catalog"] = create_catalog(CatalogSettings(database_url=databases["catalog"], **common))
            mail = Sink(mail_folder or Path(tempfile.mkdtemp(prefix="radar-mail-")))
            await mail.start()
            running.push_async_callback(mail.stop)
            apps["notifications"] = create_notifications(
                NotificationsSettings(
                    database_url=databases["notifications"],
                    smtp_port=mail.port,
                    sender_poll_seconds=0.05,
                    **common,
                )
            )
            catalog_url = await running.enter_async_context(serving(apps["catalog"]))
            notifications_url = await running.enter_async_context(serving(apps["notifications"]))
        settings = GatewaySettings(
            database_url=databases["gateway"],
            participation_url=part_url,
            moderation_url=mod_url,
            catalog_url=catalog_url,
            notifications_url=notifications_url,
            **{"comments_per_window": 5, **gateway_settings},
            **common,
        )
        app = apps["gateway"] = create_gateway(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
                yield System(
                    client,
                    part_url,
                    apps["participation"],
                    databases["gateway"],
                    mod_url,
                    apps["moderation"],
                    redis_url=redis_url,
                    databases=databases,
                    apps=apps,
                    mail=mail,
                )
