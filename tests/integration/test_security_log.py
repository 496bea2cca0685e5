"""The gateway's security log, through the gateway on real servers: log-ins, throttling, CSRF
failures, role refusals and ended sessions each leave a JSON line on `radar.security`, and no
line holds a password or a client's address."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import pytest
from redis.asyncio import Redis

from radar_gateway.accounts import add_staff, disable_staff
from radar_gateway.security_log import LOGGER
from radar_gateway.sessions import end_account_sessions
from tests.integration.gateway_system import PASSWORD, System
from tests.integration.test_staff_sessions import make_idle
from tests.integration.test_web_pages import form_token

pytestmark = pytest.mark.integration
ADDRESS = "203.0.113.77"
WRONG_PASSWORD = "Wrong-Horse-Battery-7"


def events(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER]


def of(found: list[dict[str, Any]], event: str, **fields: Any) -> list[dict[str, Any]]:
    return [e for e in found if e["event"] == event and fields.items() <= e.items()]


async def test_log_ins_throttling_csrf_roles_and_ended_sessions_are_logged_without_secrets(
    system: System, redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    email = f"editor-{uuid.uuid4().hex[:8]}@example.org"
    await add_staff(system.gateway_dsn, email=email, password=PASSWORD, role="editor")
    browser = system.client(ADDRESS)
    for _ in range(6):  # five failures, then a wait
        await browser.post("/api/v1/auth/login", json={"email": email, "password": WRONG_PASSWORD})
    elsewhere = system.client("198.51.100.9")  # the account is slowed down for every address now
    await elsewhere.post("/api/v1/auth/login", json={"email": email, "password": WRONG_PASSWORD})
    editor = await system.staff("editor")
    staff_id = (await editor.get("/api/v1/auth/me")).json()["staff"]["id"]
    await editor.get("/api/v1/moderation/queue")  # the moderation service answers ROLE_REQUIRED
    await editor.post("/api/v1/auth/logout", headers={"X-CSRF-Token": "forged"})
    page = system.client(ADDRESS)
    await page.get("/anmelden")
    await page.post("/anmelden", data={"email": email, "password": PASSWORD, "csrf_token": "forged"})
    await editor.post("/api/v1/auth/logout")
    second = await system.staff("moderator")
    await make_idle(redis, 31)
    await second.get("/api/v1/auth/me")
    third_email = f"editor-{uuid.uuid4().hex[:8]}@example.org"
    await system.staff("editor", email=third_email)
    change = await disable_staff(system.gateway_dsn, email=third_email)  # as `radar staff disable` does
    assert change is not None
    await end_account_sessions(redis, change.staff_id, reason="disabled")

    found = events(caplog)
    failed = of(found, "login.failed")
    assert len(failed) == 6 and len({e["account"] for e in failed}) == 1
    [throttled] = of(found, "login.throttled")
    assert throttled["retry_after"] > 0 and throttled["address"] == failed[0]["address"]
    [slowed] = of(found, "login.slowed")
    assert slowed["seconds"] > 0 and slowed["address"] not in (failed[0]["address"], None)
    assert of(found, "login.succeeded", staff_id=staff_id)
    assert of(found, "role.refused", staff_id=staff_id, service="moderation", path="/moderation/queue")
    assert of(found, "csrf.failed", staff_id=staff_id, method="POST", path="/api/v1/auth/logout")
    assert of(found, "csrf.failed", staff_id=None, method="POST", path="/anmelden")
    assert of(found, "session.ended", staff_id=staff_id, reason="logout", sessions=1)
    assert of(found, "session.ended", reason="idle", sessions=1)
    assert of(found, "session.ended", staff_id=str(change.staff_id), reason="disabled", sessions=1)
    logged = json.dumps(found)
    for secret in (PASSWORD, WRONG_PASSWORD, ADDRESS, "198.51.100.9", "127.0.0.1", email, third_email):
        assert secret not in logged


async def test_a_refused_e_mail_is_logged_without_what_was_typed(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    browser = system.client(ADDRESS)
    token = form_token((await browser.get("/anmelden")).text)
    await browser.post("/anmelden", data={"email": f"{PASSWORD}\x00", "password": "x", "csrf_token": token})

    [refused] = of(events(caplog), "login.failed", reason="EMAIL_INVALID")
    assert set(refused) == {"event", "at", "address", "reason"}
    assert PASSWORD not in json.dumps(refused) and ADDRESS not in json.dumps(refused)
