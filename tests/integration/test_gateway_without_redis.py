"""The gateway while Redis is away: it degrades, it does not crash.

Public reads and comments go on (a comment waits in participation's outbox; rate limits
count in the gateway's own memory), staff requests answer 503 UNAVAILABLE with Retry-After,
and nothing answers a plain-text 500. The gateway, catalog, participation and moderation
run on a Valkey of the test's own, which the test stops and starts again.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from radar_catalog.config import CatalogSettings
from radar_catalog.main import create_app as create_catalog
from radar_catalog.seed import MIGRATIONS as CATALOG_MIGRATIONS
from radar_catalog.seed import load_dataset
from radar_cli.embedded import EmbeddedValkey
from radar_gateway.accounts import add_staff
from radar_gateway.config import GatewaySettings
from radar_gateway.main import create_app as create_gateway
from radar_lib.db import migrate
from radar_moderation.config import ModerationSettings
from radar_moderation.main import create_app as create_moderation
from radar_participation.config import ParticipationSettings
from radar_participation.main import create_app as create_participation
from tests.conftest import TOKEN_SECRET
from tests.integration.gateway_system import serving
from tests.integration.helpers import eventually
from tests.integration.test_web_pages import form_token

pytestmark = pytest.mark.integration
PASSWORD = "correct horse battery staple"
COMMENTS_PER_WINDOW = 3
CITY = {
    "fields": [{"slug": "netze", "name": "Netze"}],
    "measures": [{"slug": "e-akte", "title": "E-Akte", "field": "netze", "status": "in_umsetzung"}],
}


@dataclass
class Outage:
    gateway: httpx.AsyncClient
    valkey: EmbeddedValkey
    gateway_dsn: str

    def browser(self) -> httpx.AsyncClient:
        """Another browser: its own cookies."""
        return httpx.AsyncClient(transport=self.gateway._transport, base_url="http://gateway")

    async def staff(self, role: str) -> httpx.AsyncClient:
        """A browser with a staff session of this role, opened while Redis is there."""
        email = f"{role}-{uuid.uuid4().hex[:6]}@example.org"
        await add_staff(self.gateway_dsn, email=email, password=PASSWORD, role=role)
        client = self.browser()
        r = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = client.cookies["radar_csrf"]
        return client

    def redis_away(self) -> None:
        self.valkey.stop()

    def redis_back(self) -> None:
        if self.valkey.process is None:
            self.valkey.start()


async def _seed_catalog(dsn: str) -> None:
    await migrate(dsn, service_migrations=CATALOG_MIGRATIONS)
    conn = await asyncpg.connect(dsn)
    try:
        await load_dataset(conn, CITY)
    finally:
        await conn.close()


@pytest.fixture
async def outage(new_database: Callable[[str], str], tmp_path: Path) -> AsyncIterator[Outage]:
    valkey = EmbeddedValkey(tmp_path)
    valkey.start()
    try:
        common = {"redis_url": valkey.url, "internal_token_secret": TOKEN_SECRET}
        catalog_dsn = new_database("catalog")
        await _seed_catalog(catalog_dsn)
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
                moderation_url=mod_url, comments_per_window=COMMENTS_PER_WINDOW, **common,
            )  # fmt: skip
            app = create_gateway(settings)
            async with app.router.lifespan_context(app):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
                    system = Outage(client, valkey, gateway_dsn)

                    async def measure_known() -> bool:
                        r = await client.get("/api/v1/measures/e-akte/comments")
                        return r.status_code == 200

                    await eventually(measure_known)
                    try:
                        yield system
                    finally:
                        system.redis_back()  # the services stop cleanly only with Redis there
    finally:
        valkey.stop()


def assert_security_headers(response: httpx.Response) -> None:
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


async def test_public_reads_and_pages_keep_working_while_redis_is_away(outage: Outage) -> None:
    staff = await outage.staff("editor")
    outage.redis_away()

    for path in ("/api/v1/measures", "/api/v1/measures/e-akte", "/", "/massnahmen/e-akte"):
        r = await outage.gateway.get(path)
        assert r.status_code == 200, (path, r.text)
    # a staff browser sends its session cookie everywhere: public pages still show, as to anyone
    page = await staff.get("/massnahmen/e-akte")
    assert page.status_code == 200 and "E-Akte" in page.text


async def test_comments_posted_while_redis_is_away_wait_in_the_outbox_and_reach_moderation(
    outage: Outage,
) -> None:
    moderator = await outage.staff("moderator")
    citizen = outage.browser()
    form_browser = outage.browser()
    token = form_token((await form_browser.get("/massnahmen/e-akte")).text)
    outage.redis_away()

    r = await citizen.post("/api/v1/measures/e-akte/comments", json={"body": "Trotz Ausfall."})
    assert r.status_code == 202, r.text
    assert "radar_pid" in citizen.cookies  # the signed cookie needs no Redis
    sent = await form_browser.post(
        "/massnahmen/e-akte/kommentare", data={"body": "Per Formular.", "csrf_token": token}
    )
    assert sent.status_code == 303, sent.text
    mine = await citizen.get("/api/v1/comments/mine")
    assert [c["id"] for c in mine.json()["items"]] == [r.json()["id"]]

    outage.redis_back()

    async def both_queued() -> bool:
        q = await moderator.get("/api/v1/moderation/queue?per_page=100")
        return q.status_code == 200 and q.json()["total"] == 2

    await eventually(both_queued, timeout=60)


async def test_the_in_process_limiter_still_limits_comments_while_redis_is_away(outage: Outage) -> None:
    outage.redis_away()
    citizen = outage.browser()

    statuses = []
    for n in range(COMMENTS_PER_WINDOW + 1):
        r = await citizen.post("/api/v1/measures/e-akte/comments", json={"body": f"Nummer {n}"})
        statuses.append(r.status_code)

    assert statuses == [202] * COMMENTS_PER_WINDOW + [429]
    assert r.json()["error"] == "RATE_LIMITED" and int(r.headers["Retry-After"]) > 0
    other = await outage.browser().post("/api/v1/measures/e-akte/comments", json={"body": "Ich auch."})
    assert other.status_code == 202  # the limit is per participant


async def test_staff_requests_answer_503_unavailable_with_retry_after(outage: Outage) -> None:
    email = f"moderator-{uuid.uuid4().hex[:6]}@example.org"
    await add_staff(outage.gateway_dsn, email=email, password=PASSWORD, role="moderator")
    moderator = await outage.staff("moderator")
    login_page = outage.browser()
    token = form_token((await login_page.get("/anmelden")).text)
    outage.redis_away()

    answers = [
        await outage.browser().post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}),
        await moderator.get("/api/v1/auth/me"),
        await moderator.get("/api/v1/moderation/queue"),
        await moderator.post(
            f"/api/v1/moderation/comments/{uuid.uuid4()}/decision", json={"decision": "approve"}
        ),
    ]
    for r in answers:
        assert r.status_code == 503, (r.request.url, r.text)
        assert r.headers["content-type"] == "application/json"
        assert r.json()["error"] == "UNAVAILABLE" and r.json()["message"]
        assert int(r.headers["Retry-After"]) > 0
        assert_security_headers(r)

    pages = [
        await moderator.get("/redaktion"),
        await moderator.post("/abmelden", data={"csrf_token": "any"}),
        await login_page.post("/anmelden", data={"email": email, "password": PASSWORD, "csrf_token": token}),
    ]
    for r in pages:
        assert r.status_code == 503, (r.request.url, r.text)
        assert r.headers["content-type"].startswith("text/html")
        assert "Vorübergehend nicht erreichbar" in r.text
        assert int(r.headers["Retry-After"]) > 0
        assert_security_headers(r)


@pytest.fixture
async def gateway_app(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[FastAPI]:
    """A gateway alone (the services it would forward to are not running)."""
    settings = GatewaySettings(
        database_url=new_database("gateway"), redis_url=redis_url, internal_token_secret=TOKEN_SECRET
    )
    app = create_gateway(settings)
    async with app.router.lifespan_context(app):
        yield app


async def test_an_unexpected_error_answers_500_with_the_security_headers_never_plain_text(
    gateway_app: FastAPI,
) -> None:
    async def broken() -> None:
        raise RuntimeError("a bug")

    gateway_app.add_api_route("/api/test-only/broken", broken)
    gateway_app.add_api_route("/test-only/broken", broken)
    transport = httpx.ASGITransport(app=gateway_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        api = await client.get("/api/test-only/broken")
        page = await client.get("/test-only/broken")

    assert api.status_code == 500 and api.headers["content-type"] == "application/json"
    assert api.json()["error"] == "INTERNAL" and api.json()["message"]
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "Ein Fehler ist aufgetreten" in page.text
    for r in (api, page):
        assert_security_headers(r)
