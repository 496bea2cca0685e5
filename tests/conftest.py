"""Shared test harness: one embedded PostgreSQL and one Valkey per test session.

Each test that needs a database asks `new_database` for a fresh one (its own role), so
tests never see each other's rows. Services run in-process through `running_service`,
with their real lifespan: migrations, broker, consumer group, outbox relay.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from redis.asyncio import Redis

from radar_cli.embedded import EmbeddedPostgres, EmbeddedValkey
from radar_lib.token import Principal, sign

TOKEN_SECRET = "test-internal-token-secret"


@pytest.fixture(scope="session")
def pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    """The session's PostgreSQL server (fsync off: tests need speed, not durability)."""
    server = EmbeddedPostgres(tmp_path_factory.mktemp("pg"), durable=False)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def valkey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedValkey]:
    """The session's Valkey server, with an append-only file so a restart keeps the streams."""
    server = EmbeddedValkey(tmp_path_factory.mktemp("valkey"), databases=4096)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def new_database(pg: EmbeddedPostgres) -> Callable[[str], str]:
    """Create a fresh database and login role for one service of one test; return its DSN."""

    def create(service: str) -> str:
        return pg.ensure_service_database(f"{service}_{uuid.uuid4().hex[:10]}")

    return create


_next_redis_db = iter(range(1, 4096))


@pytest.fixture
def redis_url(valkey: EmbeddedValkey) -> str:
    """A logical Valkey database of this test's own, so streams and groups never mix between tests."""
    return f"redis://127.0.0.1:{valkey.port}/{next(_next_redis_db)}"


@pytest_asyncio.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    """A client of this test's own logical Valkey database."""
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


def token_headers(principal: Principal) -> dict[str, str]:
    """Headers as the gateway sends them for this principal."""
    return {"X-Radar-Token": sign(principal, secret=TOKEN_SECRET)}


def participant() -> Principal:
    return Principal(kind="participant", id=uuid.uuid4())


def moderator() -> Principal:
    return Principal(kind="staff", id=uuid.uuid4(), roles=frozenset({"moderator"}))


def editor() -> Principal:
    return Principal(kind="staff", id=uuid.uuid4(), roles=frozenset({"editor"}))


@asynccontextmanager
async def running_service(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run a service app with its lifespan; yield a client that talks to it in-process."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client


REPO_ROOT = Path(__file__).resolve().parent.parent
