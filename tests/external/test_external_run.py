"""`radar up` on an external PostgreSQL and Redis works as on its embedded servers: a comment
goes from a citizen through moderation to the public thread, and every service keeps to its
own database, which the other services' roles cannot enter.

The tests share one running system (external_system in conftest.py).
"""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
import redis

from radar_cli.embedded import SERVICES
from tests.external.conftest import ExternalSystem, eventually

pytestmark = [pytest.mark.external, pytest.mark.timeout(300)]
MEASURE = "e-akte"


def test_comment_is_published_after_the_admin_approves_it(external_system: ExternalSystem) -> None:
    thread = f"/api/v1/measures/{MEASURE}/comments"
    body = f"Gibt es die E-Akte auch für Bürgeranträge? ({uuid.uuid4().hex[:8]})"
    with (
        httpx.Client(base_url=external_system.gateway_url, timeout=10) as citizen,
        httpx.Client(base_url=external_system.gateway_url, timeout=10) as admin,
    ):
        # the catalog loads the Munich data set at its first start; participation learns it by events
        eventually(lambda: citizen.get(thread).status_code == 200, what=f"participation knowing {MEASURE}")
        r = citizen.post(thread, json={"body": body})
        assert r.status_code == 202, r.text
        assert r.json()["status"] == "pending"
        comment_id = r.json()["id"]

        r = admin.post(
            "/api/v1/auth/login",
            json={"email": external_system.admin_email, "password": external_system.admin_password},
        )
        assert r.status_code == 200, r.text
        admin.headers["X-CSRF-Token"] = admin.cookies["radar_csrf"]

        def queued() -> bool:
            items = admin.get("/api/v1/moderation/queue").json()["items"]
            return any(i["comment_id"] == comment_id for i in items)

        eventually(queued, what="the comment reaching the moderation queue")
        r = admin.post(f"/api/v1/moderation/comments/{comment_id}/decision", json={"decision": "approve"})
        assert r.status_code == 200, r.text

        def published() -> bool:
            return any(c["id"] == comment_id for c in citizen.get(thread).json()["items"])

        eventually(published, what="the approved comment appearing in the public thread")
        shown = next(c for c in citizen.get(thread).json()["items"] if c["id"] == comment_id)
        assert shown["body"] == body


def test_services_use_the_runs_own_databases_and_redis_database(external_system: ExternalSystem) -> None:
    admin_url = urlsplit(external_system.admin_dsn)
    for service, url in external_system.database_urls.items():
        parts = urlsplit(url)
        own = external_system.databases[service]
        assert (parts.hostname, parts.port, parts.username, parts.path) == (
            admin_url.hostname,
            admin_url.port,
            own,
            f"/{own}",
        )
    assert external_system.launcher.run_info()["redis_url"] == external_system.redis_url
    streams = redis.Redis.from_url(external_system.redis_url).keys("radar.*")
    assert b"radar.measure.published" in streams


async def _connects(url: str, database: str) -> bool:
    try:
        conn = await asyncpg.connect(urlunsplit(urlsplit(url)._replace(path=f"/{database}")), timeout=5)
    except asyncpg.InsufficientPrivilegeError:
        return False
    await conn.close()
    return True


def test_each_service_database_refuses_the_other_services_roles(external_system: ExternalSystem) -> None:
    async def who_gets_in() -> set[tuple[str, str]]:
        pairs = [(role, db) for role in SERVICES for db in SERVICES]
        results = await asyncio.gather(
            *(_connects(external_system.database_urls[r], external_system.databases[d]) for r, d in pairs)
        )
        return {pair for pair, connected in zip(pairs, results, strict=True) if connected}

    assert asyncio.run(who_gets_in()) == {(s, s) for s in SERVICES}
