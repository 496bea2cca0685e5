"""The gateway on a real port in front of real catalog, participation and moderation services.

For the tests of the public edge: requests go over real HTTP (raw request lines included), or
straight to the same app in process where a test must watch how a body is pulled. The gateway
has test-only routes that raise (`/test-only/broken`, `/api/test-only/broken`).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI

from radar_catalog.config import CatalogSettings
from radar_catalog.main import create_app as create_catalog
from radar_gateway.accounts import add_staff
from radar_gateway.config import GatewaySettings
from radar_gateway.main import create_app as create_gateway
from radar_moderation.config import ModerationSettings
from radar_moderation.main import create_app as create_moderation
from radar_participation.config import ParticipationSettings
from radar_participation.main import create_app as create_participation
from tests.conftest import TOKEN_SECRET
from tests.integration.gateway_system import serving
from tests.integration.helpers import eventually, seed_catalog

PASSWORD = "correct horse battery staple"
PUBLIC_URL = "https://radar.example.org"
COMMENTS_PER_WINDOW = 3
MAX_BODY = 64 * 1024
CITY = {
    "fields": [{"slug": "netze", "name": "Netze"}],
    "measures": [{"slug": "e-akte", "title": "E-Akte", "field": "netze", "status": "in_umsetzung"}],
}


async def broken() -> None:
    raise RuntimeError("a bug, on purpose")


@dataclass
class Edge:
    url: str  # the gateway on a real port
    app: FastAPI  # the same gateway, for in-process requests
    participation: FastAPI
    gateway_dsn: str
    clients: list[httpx.AsyncClient] = field(default_factory=list)  # closed when the test ends

    def browser(self) -> httpx.AsyncClient:
        """A browser of its own (its own cookies) that talks to the gateway's port."""
        self.clients.append(httpx.AsyncClient(base_url=self.url))
        return self.clients[-1]

    def in_process(self) -> httpx.AsyncClient:
        """A client that hands requests to the gateway app directly (bodies are pulled as the app reads)."""
        transport = httpx.ASGITransport(app=self.app)
        self.clients.append(httpx.AsyncClient(transport=transport, base_url="http://gateway"))
        return self.clients[-1]

    async def staff(self, role: str) -> httpx.AsyncClient:
        """A browser with a staff session of this role and its CSRF header."""
        email = f"{role}-{uuid.uuid4().hex[:6]}@example.org"
        await add_staff(self.gateway_dsn, email=email, password=PASSWORD, role=role)
        client = self.browser()
        r = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = client.cookies["radar_csrf"]
        return client

    async def comments_stored(self) -> int:
        async with self.participation.state.runtime.pool.acquire() as conn:
            return int(await conn.fetchval("SELECT count(*) FROM comments"))

    async def raw(self, target: str, *, method: str = "GET") -> tuple[int, str]:
        """Status and body of a request whose target goes on the wire exactly as written."""
        parts = urlsplit(self.url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        writer.write(
            f"{method} {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        answer = await reader.read()
        writer.close()
        await writer.wait_closed()
        head, _, body = answer.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), body.decode("utf-8", "replace")


@asynccontextmanager
async def start_edge(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[Edge]:
    """Catalog (with CITY), participation, moderation and the gateway, each on a real port."""
    common = {"redis_url": redis_url, "internal_token_secret": TOKEN_SECRET}
    catalog_dsn = new_database("catalog")
    await seed_catalog(catalog_dsn, CITY)
    catalog_app = create_catalog(CatalogSettings(database_url=catalog_dsn, **common))
    part_app = create_participation(
        ParticipationSettings(database_url=new_database("participation"), **common)
    )
    mod_app = create_moderation(ModerationSettings(database_url=new_database("moderation"), **common))
    async with (
        serving(catalog_app) as catalog_url,
        serving(part_app) as part_url,
        serving(mod_app) as mod_url,
    ):
        gateway_dsn = new_database("gateway")
        settings = GatewaySettings(
            database_url=gateway_dsn, catalog_url=catalog_url, participation_url=part_url,
            moderation_url=mod_url, comments_per_window=COMMENTS_PER_WINDOW, max_body_bytes=MAX_BODY,
            public_url=PUBLIC_URL, **common,
        )  # fmt: skip
        app = create_gateway(settings)
        app.add_api_route("/api/test-only/broken", broken)
        app.add_api_route("/test-only/broken", broken)
        async with serving(app) as gateway_url:
            system = Edge(gateway_url, app, part_app, gateway_dsn)
            client = system.browser()

            async def measure_known() -> bool:
                return (await client.get("/api/v1/measures/e-akte/comments")).status_code == 200

            await eventually(measure_known)
            try:
                yield system
            finally:
                for c in system.clients:
                    await c.aclose()
