"""The gateway alone, without services: for pages that need none (legal pages, notices, forms)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx

from radar_gateway.config import GatewaySettings
from radar_gateway.main import create_app as create_gateway
from tests.conftest import TOKEN_SECRET

NOWHERE = "http://127.0.0.1:9"  # no service answers here


@asynccontextmanager
async def lone_gateway(
    new_database: Callable[[str], str], redis_url: str, **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """A browser (its own cookies) in front of a gateway whose services are all away."""
    app = create_gateway(
        GatewaySettings(
            database_url=new_database("gateway"), redis_url=redis_url, internal_token_secret=TOKEN_SECRET,
            catalog_url=NOWHERE, participation_url=NOWHERE, moderation_url=NOWHERE,
            notifications_url=NOWHERE, **settings,
        )
    )  # fmt: skip
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield client
