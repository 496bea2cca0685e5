"""The external tier: `radar up` against the machine's own PostgreSQL and Redis, leaving nothing behind.

Every run keeps to names of its own, so two runs at the same time never meet: databases and
roles `radar_t<random>_<service>` (RADAR_DATABASE_PREFIX) and a Redis database it claims
with SET NX. Afterwards it drops its databases and roles, flushes its Redis database and
checks that none of its names is left, whether the tests passed or not. Where either server
is absent, every test of the tier is skipped with the reason.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import psutil
import pytest
import redis

from radar_cli.databases import database_name, drop_external_databases
from radar_cli.embedded import SERVICES, free_port
from radar_cli.staff import ADMIN_EMAIL
from tests.radar_process import Launcher

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_SERVER = "redis://127.0.0.1:6379"
PROBE_TIMEOUT = 3.0
CLAIM_KEY = "tests.external.claimed-by"  # not radar.*: the system's own keys never look like it
# small delivery bounds, so a fault test can outlast a whole delivery budget in seconds
CLAIM_IDLE_MS = 300
MAX_DELIVERIES = 2


async def _fetch(dsn: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn, timeout=PROBE_TIMEOUT)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


def admin_fetch(sql: str, *args: object) -> list[asyncpg.Record]:
    """Rows of one query run as the system server's superuser."""
    return asyncio.run(_fetch(ADMIN_URL, sql, *args))


async def _execute(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn, timeout=PROBE_TIMEOUT)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def admin_execute(sql: str) -> None:
    """Run one statement as the system server's superuser."""
    asyncio.run(_execute(ADMIN_URL, sql))


def leftovers(prefix: str) -> list[str]:
    """Databases and roles on the system server whose names start with `<prefix>_`."""
    pattern = prefix + r"\_%"
    rows = admin_fetch(
        "SELECT datname AS name FROM pg_database WHERE datname LIKE $1"
        " UNION ALL SELECT rolname FROM pg_roles WHERE rolname LIKE $1",
        pattern,
    )
    return sorted(r["name"] for r in rows)


def new_prefix() -> str:
    """A database prefix of this run's own."""
    return f"radar_t{secrets.token_hex(5)}"


@pytest.fixture(scope="session")
def external_servers() -> None:
    """Skip the tier, saying why, unless the system PostgreSQL and Redis answer."""
    try:
        admin_fetch("SELECT 1")
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"external tier: no PostgreSQL at {ADMIN_URL} ({type(exc).__name__}: {exc})")
    try:
        redis.Redis.from_url(REDIS_SERVER, socket_timeout=PROBE_TIMEOUT).ping()
    except redis.RedisError as exc:
        pytest.skip(f"external tier: no Redis at {REDIS_SERVER} ({type(exc).__name__}: {exc})")


def claim_redis_database(owner: str) -> int:
    """An empty logical database of the system Redis, marked as ours so no other run takes it."""
    client = redis.Redis.from_url(REDIS_SERVER, socket_timeout=PROBE_TIMEOUT)
    try:
        count = int(client.config_get("databases").get("databases") or 16)
    except redis.ResponseError:  # CONFIG may be disabled: Redis's default then
        count = 16
    for db in random.sample(range(1, count), count - 1):  # 0 is where people keep their own data
        candidate = redis.Redis.from_url(f"{REDIS_SERVER}/{db}", socket_timeout=PROBE_TIMEOUT)
        if candidate.dbsize() == 0 and candidate.set(CLAIM_KEY, owner, nx=True):
            return db
    pytest.skip(f"external tier: every database 1-{count - 1} of {REDIS_SERVER} is in use")


def release_redis_database(db: int, owner: str) -> None:
    """Empty our Redis database, unless someone else's claim has replaced ours."""
    client = redis.Redis.from_url(f"{REDIS_SERVER}/{db}", socket_timeout=PROBE_TIMEOUT)
    if client.get(CLAIM_KEY) == owner.encode():
        client.flushdb()


@dataclass(frozen=True)
class ExternalSystem:
    """A running `radar up` on the system servers, and what a test needs to reach into it."""

    launcher: Launcher
    gateway_url: str
    service_urls: dict[str, str]
    admin_email: str
    admin_password: str
    admin_dsn: str
    prefix: str
    databases: dict[str, str]  # service -> its database, which is also its login role
    database_urls: dict[str, str]  # service -> the URL the launcher gave it
    redis_url: str
    claim_idle_ms: int
    max_deliveries: int


def eventually(check: Callable[[], bool], *, what: str, timeout: float = 30.0) -> None:
    """Poll until check() is true; fail saying what did not happen."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout:.0f} s"
        time.sleep(0.2)


def _database_urls(launcher: Launcher) -> dict[str, str]:
    """The database URL each service process was started with."""
    processes = launcher.run_info()["processes"]
    return {
        s: psutil.Process(processes[s]["pid"]).environ()[f"RADAR_{s.upper()}_DATABASE_URL"] for s in SERVICES
    }


@pytest.fixture(scope="module")
def external_system(
    external_servers: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ExternalSystem]:
    """`radar up` on the system servers with names of this module's own; removed again afterwards."""
    prefix = new_prefix()
    db = claim_redis_database(prefix)
    redis_url = f"{REDIS_SERVER}/{db}"
    password = secrets.token_urlsafe(18)
    data_dir: Path = tmp_path_factory.mktemp("radar-external")
    launcher: Launcher | None = None
    try:
        launcher = Launcher(
            data_dir,
            free_port(),
            RADAR_DATABASE_ADMIN_URL=ADMIN_URL,
            RADAR_DATABASE_PREFIX=prefix,
            RADAR_REDIS_URL=redis_url,
            RADAR_ADMIN_PASSWORD=password,
            RADAR_CLAIM_IDLE_MS=str(CLAIM_IDLE_MS),
            RADAR_MAX_DELIVERIES=str(MAX_DELIVERIES),
        )
        launcher.wait_until_ready()
        info = launcher.run_info()
        yield ExternalSystem(
            launcher=launcher,
            gateway_url=info["gateway_url"],
            service_urls=info["services"],
            admin_email=ADMIN_EMAIL,
            admin_password=password,
            admin_dsn=ADMIN_URL,
            prefix=prefix,
            databases={s: database_name(prefix, s) for s in SERVICES},
            database_urls=_database_urls(launcher),
            redis_url=redis_url,
            claim_idle_ms=CLAIM_IDLE_MS,
            max_deliveries=MAX_DELIVERIES,
        )
    finally:
        if launcher is not None:
            launcher.force_stop()
        try:
            drop_external_databases(ADMIN_URL, prefix=prefix)
        finally:
            release_redis_database(db, prefix)
    left = leftovers(prefix)
    assert left == [], f"left on {ADMIN_URL}: {left}"
    assert redis.Redis.from_url(redis_url).dbsize() == 0, f"{redis_url} is not empty"
