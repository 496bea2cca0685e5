"""The short fault drill on the system PostgreSQL 15 and Redis 7.0: backends terminated, a
database that refuses connections for longer than the delivery budget, a destroyed consumer
group, and a Redis without WAITAOF. Through the gateway, a citizen's comment still reaches
the moderation queue, once, unattended, with nothing dead-lettered.

The tests share one running system (external_system in conftest.py) and each leaves it as
it found it, so their order does not matter.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
import redis

from tests.external.conftest import ExternalSystem, admin_execute, admin_fetch, eventually

pytestmark = [pytest.mark.external, pytest.mark.timeout(300)]
THREAD = "/api/v1/measures/e-akte/comments"
STREAM = "radar.comment.submitted"
GROUP = "moderation"
DEAD_LETTERS = "radar.dlq.comment.submitted"
NO_WAITAOF = (
    "outbox relay: this Redis has no WAITAOF (it came with Redis 7.2); "
    "rows are marked published once Redis answers the XADD"
)


@pytest.fixture
def citizen(external_system: ExternalSystem) -> Iterator[httpx.Client]:
    """A citizen of their own, once participation knows the measure."""
    with httpx.Client(base_url=external_system.gateway_url, timeout=10) as client:
        eventually(lambda: client.get(THREAD).status_code == 200, what="participation knowing e-akte")
        yield client


@pytest.fixture
def admin(external_system: ExternalSystem) -> Iterator[httpx.Client]:
    """The administrator, logged in."""
    with httpx.Client(base_url=external_system.gateway_url, timeout=10) as client:
        credentials = {"email": external_system.admin_email, "password": external_system.admin_password}
        r = client.post("/api/v1/auth/login", json=credentials)
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = client.cookies["radar_csrf"]
        yield client


@pytest.fixture
def stream_redis(external_system: ExternalSystem) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(external_system.redis_url, socket_timeout=5)
    yield client
    client.close()


def post_comment(citizen: httpx.Client, what: str) -> str:
    """Post a comment; participation takes it at once. Its id."""
    r = citizen.post(THREAD, json={"body": f"{what} ({uuid.uuid4().hex[:8]})"})
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def queued_ids(admin: httpx.Client) -> list[str] | None:
    """Every comment id in the moderation queue, page by page; None while it cannot be read."""
    ids: list[str] = []
    page = 1
    while True:
        r = admin.get("/api/v1/moderation/queue", params={"page": page, "per_page": 100})
        if r.status_code != 200:
            return None
        body = r.json()
        ids += [item["comment_id"] for item in body["items"]]
        if not body["items"] or len(ids) >= body["total"]:
            return ids
        page += 1


def wait_until_queued(admin: httpx.Client, comment_ids: list[str], *, timeout: float = 60.0) -> list[str]:
    """Poll until every comment is in the queue; the whole queue then."""
    eventually(
        lambda: set(comment_ids) <= set(queued_ids(admin) or []),
        what=f"{len(comment_ids)} comment(s) reaching the moderation queue",
        timeout=timeout,
    )
    ids = queued_ids(admin)
    assert ids is not None
    return ids


def assert_each_queued_once(queue: list[str]) -> None:
    twice = sorted({i for i in queue if queue.count(i) > 1})
    assert twice == [], f"in the queue more than once: {twice}"


def terminate_backends(datname_like: str) -> int:
    """Terminate the backends of the databases matching the pattern; how many there were."""
    rows = admin_fetch(
        "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity"
        " WHERE datname LIKE $1 AND pid <> pg_backend_pid()",
        datname_like,
    )
    return sum(1 for r in rows if r["done"])


def unready_services(system: ExternalSystem) -> dict[str, Any]:
    """Each service whose /readyz is not 200 with every task running, with what it said."""
    unready: dict[str, Any] = {}
    for name, url in system.launcher.run_info()["services"].items():
        try:
            r = httpx.get(f"{url}/readyz", timeout=5)
        except httpx.HTTPError as exc:
            unready[name] = repr(exc)
            continue
        tasks = r.json().get("tasks", {}) if r.status_code in (200, 503) else {}
        if r.status_code != 200 or not tasks or any(t["state"] != "running" for t in tasks.values()):
            unready[name] = r.text
    return unready


def wait_until_all_ready(system: ExternalSystem, *, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while unready := unready_services(system):
        assert time.monotonic() < deadline, f"not ready after {timeout:.0f} s: {unready}"
        time.sleep(0.2)


def log_of(system: ExternalSystem, service: str) -> Path:
    return system.launcher.data_dir / "logs" / f"{service}.log"


def log_since(path: Path, offset: int) -> str:
    with path.open("rb") as f:
        f.seek(offset)
        return f.read().decode(errors="replace")


def dead_letters(client: redis.Redis) -> dict[str, int]:
    """Every dead-letter stream of the run's Redis database with its length."""
    return {key.decode(): int(client.xlen(key)) for key in client.scan_iter(match="radar.dlq.*")}


def all_acknowledged(client: redis.Redis) -> bool:
    """True when moderation's group holds nothing pending on the comment stream."""
    return int(client.xpending(STREAM, GROUP)["pending"]) == 0


def test_comments_flow_again_after_every_backend_of_the_run_is_terminated(
    external_system: ExternalSystem, citizen: httpx.Client, admin: httpx.Client
) -> None:
    wait_until_all_ready(external_system)
    terminated = terminate_backends(external_system.prefix + r"\_%")
    assert terminated > 0, "the run's services held no database connection to terminate"

    comment_id = post_comment(citizen, "Nach dem Abbruch aller Verbindungen")

    wait_until_queued(admin, [comment_id])
    wait_until_all_ready(external_system)


def test_database_refusing_longer_than_the_delivery_budget_dead_letters_nothing(
    external_system: ExternalSystem, citizen: httpx.Client, admin: httpx.Client, stream_redis: redis.Redis
) -> None:
    database = external_system.databases["moderation"]
    log = log_of(external_system, "moderation")
    offset = log.stat().st_size
    budget_seconds = external_system.max_deliveries * external_system.claim_idle_ms / 1000
    try:
        admin_execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
        terminate_backends(database.replace("_", r"\_"))
        comment_ids = [post_comment(citizen, f"Während die Moderation ruht, Nr. {n}") for n in range(3)]
        eventually(
            lambda: f"{GROUP} waits for its servers on {STREAM}" in log_since(log, offset),
            what="moderation finding its database refusing connections",
        )
        time.sleep(10 * budget_seconds)  # the point: the budget passes many times without a database
        assert queued_ids(admin) is None, "moderation's database answered during the outage"
    finally:
        admin_execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')

    queue = wait_until_queued(admin, comment_ids)
    assert [queue.count(i) for i in comment_ids] == [1, 1, 1]
    assert_each_queued_once(queue)
    eventually(lambda: all_acknowledged(stream_redis), what="moderation acknowledging every comment")
    assert stream_redis.xlen(DEAD_LETTERS) == 0
    assert dead_letters(stream_redis) == {}
    wait_until_all_ready(external_system)


def test_comments_flow_again_after_the_consumer_group_is_destroyed(
    external_system: ExternalSystem, citizen: httpx.Client, admin: httpx.Client, stream_redis: redis.Redis
) -> None:
    earlier = post_comment(citizen, "Vor dem Verlust der Gruppe")
    wait_until_queued(admin, [earlier])
    log = log_of(external_system, "moderation")
    offset = log.stat().st_size

    assert stream_redis.xgroup_destroy(STREAM, GROUP) == 1
    later = post_comment(citizen, "Nach dem Verlust der Gruppe")

    queue = wait_until_queued(admin, [earlier, later])
    groups = [g["name"].decode() for g in stream_redis.xinfo_groups(STREAM)]
    assert GROUP in groups
    eventually(
        lambda: f"group {GROUP} on {STREAM} is gone; creating it again" in log_since(log, offset),
        what="moderation logging that it created its lost group again",
    )
    # the new group read the stream from its start again; nothing was queued twice
    assert_each_queued_once(queue)
    eventually(lambda: all_acknowledged(stream_redis), what="the new group acknowledging every comment")
    assert dead_letters(stream_redis) == {}


def unpublished_outbox_rows(system: ExternalSystem, service: str) -> int:
    """How many rows of the service's outbox wait to be published, read as the server's superuser."""
    url = urlunsplit(urlsplit(system.admin_dsn)._replace(path=f"/{system.databases[service]}"))

    async def count() -> int:
        conn = await asyncpg.connect(url, timeout=5)
        try:
            return int(await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"))
        finally:
            await conn.close()

    return asyncio.run(count())


def test_relay_without_waitaof_marks_rows_published_and_says_so_once(
    external_system: ExternalSystem, citizen: httpx.Client, admin: httpx.Client, stream_redis: redis.Redis
) -> None:
    try:
        stream_redis.execute_command("WAITAOF", 0, 0, 1)
    except redis.ResponseError as exc:
        assert "unknown command" in str(exc).lower(), exc
    else:
        pytest.skip("this Redis has WAITAOF (7.2 or later); the test is about the servers before it")

    comment_id = post_comment(citizen, "Ohne WAITAOF")
    wait_until_queued(admin, [comment_id])
    eventually(
        lambda: unpublished_outbox_rows(external_system, "participation") == 0,
        what="participation's relay marking its rows published",
    )

    log = log_of(external_system, "participation").read_text()
    lines = [line for line in log.splitlines() if "WAITAOF" in line]
    assert len(lines) == 1, lines
    assert NO_WAITAOF in lines[0]
