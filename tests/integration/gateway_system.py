"""The gateway on real ports in front of real participation and moderation services, for tests.

`start_system` runs the three apps in this event loop (the catalog is not running: its paths
answer 503); `System` gives each test its browsers, staff log-ins and measures.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from radar_cli.embedded import free_port
from radar_gateway.accounts import add_staff
from radar_gateway.config import GatewaySettings
from radar_gateway.main import create_app as create_gateway
from radar_moderation.config import ModerationSettings
from radar_moderation.main import create_app as create_moderation
from radar_participation.config import ParticipationSettings
from radar_participation.main import create_app as create_participation
from tests.conftest import TOKEN_SECRET
from tests.integration.helpers import emit, eventually, measure_published

PASSWORD = "correct horse battery staple"
BROWSER_ADDRESS = "127.0.0.1"  # what httpx's in-process transport reports as the client address


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

    async def measure(self) -> str:
        slug = f"measure-{uuid.uuid4().hex[:6]}"
        await emit(self.participation_app, measure_published(slug=slug))

        async def known() -> bool:
            return (await self.gateway.get(f"/api/v1/measures/{slug}/comments")).status_code == 200

        await eventually(known)
        return slug


@asynccontextmanager
async def start_system(
    new_database: Callable[[str], str], redis_url: str, **gateway_settings: Any
) -> AsyncIterator[System]:
    """Participation, moderation and the gateway (with these settings changed) on real servers."""
    common = {"redis_url": redis_url, "internal_token_secret": TOKEN_SECRET}
    part_app = create_participation(
        ParticipationSettings(database_url=new_database("participation"), **common)
    )
    mod_app = create_moderation(ModerationSettings(database_url=new_database("moderation"), **common))
    async with serving(part_app) as part_url, serving(mod_app) as mod_url:
        gateway_dsn = new_database("gateway")
        settings = GatewaySettings(
            database_url=gateway_dsn,
            participation_url=part_url,
            moderation_url=mod_url,
            catalog_url="http://127.0.0.1:9",  # not running: answers 503
            **{"comments_per_window": 5, **gateway_settings},
            **common,
        )
        app = create_gateway(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
                yield System(client, part_url, part_app, gateway_dsn, mod_url, mod_app)
