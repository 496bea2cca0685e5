"""Shared test harness: one embedded PostgreSQL and one Valkey per test session.

Each test that needs a database asks `new_database` for a fresh one (its own role), so
tests never see each other's rows. Services run in-process through `running_service`,
with their real lifespan: migrations, broker, consumer group, outbox relay. Services
default to production; every test runs them in development, as `radar up` does.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from redis.asyncio import Redis

from radar_cli.embedded import EmbeddedPostgres, EmbeddedValkey
from radar_lib.token import HEADER, Principal, Target, sign

TOKEN_SECRET = "test-internal-token-secret"
PRINCIPAL_HEADER = "X-Test-Principal"  # a stand-in, replaced by a real token for each request


@pytest.fixture(autouse=True)
def development_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings default to production (real secrets, Secure cookies); tests ask for development."""
    monkeypatch.setenv("RADAR_ENV", "development")


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
    """Headers that make a request to a `running_service` client speak for this principal.

    The client turns them into the token the gateway would send: for its service, and for
    the method and the path on the wire of each request.
    """
    roles = sorted(principal.roles)
    return {
        PRINCIPAL_HEADER: json.dumps({"kind": principal.kind, "id": str(principal.id or ""), "roles": roles})
    }


def internal_token(principal: Principal, *, service: str, method: str, path: str) -> str:
    """The token the gateway sends to `service` for this request."""
    return sign(principal, secret=TOKEN_SECRET, target=Target(audience=service, method=method, path=path))


def signing_for(service: str) -> Callable[[httpx.Request], Awaitable[None]]:
    """An httpx request hook that replaces token_headers' stand-in with a token for the request."""

    async def sign_request(request: httpx.Request) -> None:
        stand_in = request.headers.pop(PRINCIPAL_HEADER, None)
        if stand_in is None:
            return
        claims = json.loads(stand_in)
        who = Principal(
            kind=claims["kind"],
            id=uuid.UUID(claims["id"]) if claims["id"] else None,
            roles=frozenset(claims["roles"]),
        )
        path = request.url.raw_path.split(b"?")[0].decode("ascii")
        request.headers[HEADER] = internal_token(who, service=service, method=request.method, path=path)

    return sign_request


def participant() -> Principal:
    return Principal(kind="participant", id=uuid.uuid4())


def moderator() -> Principal:
    return Principal(kind="staff", id=uuid.uuid4(), roles=frozenset({"moderator"}))


def editor() -> Principal:
    return Principal(kind="staff", id=uuid.uuid4(), roles=frozenset({"editor"}))


@asynccontextmanager
async def running_service(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run a service app with its lifespan; yield a client that talks to it in-process.

    The client signs each request that carries token_headers(...) for this service.
    """
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        hooks = {"request": [signing_for(app.state.runtime.settings.service_name)]}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://service", event_hooks=hooks
        ) as client:
            yield client


REPO_ROOT = Path(__file__).resolve().parent.parent
