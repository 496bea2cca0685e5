"""The gateway in front of real participation and moderation services on real ports."""

from __future__ import annotations

import uuid

import httpx
import pytest

from radar_gateway.accounts import add_staff
from tests.integration.gateway_system import PASSWORD, System
from tests.integration.helpers import eventually

pytestmark = pytest.mark.integration


async def test_comment_travels_through_the_gateway_and_appears_after_approval(system: System) -> None:
    slug = await system.measure()
    citizen = system.client()
    r = await citizen.post(f"/api/v1/measures/{slug}/comments", json={"body": "Bitte auch offline anbieten."})
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "pending"
    assert "radar_pid" in citizen.cookies
    comment_id = r.json()["id"]
    assert (await system.gateway.get(f"/api/v1/measures/{slug}/comments")).json()["total"] == 0

    mod = await system.staff("moderator")

    async def queued() -> bool:
        q = await mod.get("/api/v1/moderation/queue")
        return any(i["comment_id"] == comment_id for i in q.json()["items"])

    await eventually(queued)
    d = await mod.post(f"/api/v1/moderation/comments/{comment_id}/decision", json={"decision": "approve"})
    assert d.status_code == 200, d.text

    async def shown() -> bool:
        t = await system.gateway.get(f"/api/v1/measures/{slug}/comments")
        return [c["id"] for c in t.json()["items"]] == [comment_id]

    await eventually(shown)
    mine = await citizen.get("/api/v1/comments/mine")
    assert [(c["id"], c["status"]) for c in mine.json()["items"]] == [(comment_id, "published")]


async def test_moderation_needs_a_moderator_session_and_a_csrf_token(system: System) -> None:
    anonymous = await system.gateway.get("/api/v1/moderation/queue")
    assert (anonymous.status_code, anonymous.json()["error"]) == (401, "LOGIN_REQUIRED")
    editor = await system.staff("editor")
    r = await editor.get("/api/v1/moderation/queue")
    assert (r.status_code, r.json()["error"]) == (403, "ROLE_REQUIRED")
    mod = await system.staff("moderator")
    del mod.headers["X-CSRF-Token"]
    r = await mod.post(f"/api/v1/moderation/comments/{uuid.uuid4()}/decision", json={"decision": "approve"})
    assert (r.status_code, r.json()["error"]) == (403, "CSRF_FAILED")


async def test_wrong_password_is_refused_and_repeated_failures_are_slowed_down(system: System) -> None:
    email = f"mod-{uuid.uuid4().hex[:6]}@example.org"
    await add_staff(system.gateway_dsn, email=email, password=PASSWORD, role="moderator")
    for _ in range(5):
        r = await system.gateway.post("/api/v1/auth/login", json={"email": email, "password": "wrong"})
        assert (r.status_code, r.json()["error"]) == (401, "LOGIN_FAILED")
    r = await system.gateway.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert (r.status_code, r.json()["error"]) == (429, "TOO_MANY_LOGIN_ATTEMPTS")
    assert int(r.headers["Retry-After"]) > 0


async def test_bad_input_gets_a_clear_4xx_and_stores_nothing(system: System) -> None:
    slug = await system.measure()
    url = f"/api/v1/measures/{slug}/comments"
    post = system.client().post
    json_type = {"content-type": "application/json"}
    form_type = {"content-type": "application/x-www-form-urlencoded"}
    cases = [
        (await post(url, content=b'{"body": ', headers=json_type), 400, "MALFORMED_JSON"),
        (await post(url, content=b'{"body": "\xff\xfe"}', headers=json_type), 400, "MALFORMED_JSON"),
        (await post(url, json={"body": "   "}), 422, "COMMENT_EMPTY"),
        (await post(url, json={"body": "x" * 2001}), 422, "COMMENT_TOO_LONG"),
        (await post(url, json={"body": "a\x00b"}), 422, "COMMENT_INVALID_CHARACTERS"),
        (await post(url, json={"text": "wrong field"}), 422, "VALIDATION_FAILED"),
        (await post(url, content=b"body=hi", headers=form_type), 415, "UNSUPPORTED_MEDIA_TYPE"),
        (await post(url, json={"body": "x" * 70_000}), 413, "BODY_TOO_LARGE"),
        (await post("/api/v1/measures/none/comments", json={"body": "Hallo"}), 404, "MEASURE_NOT_FOUND"),
        (await system.gateway.get("/api/v1/nothing-here"), 404, "NOT_FOUND"),
    ]
    for response, status, code in cases:
        assert (response.status_code, response.json()["error"]) == (status, code), response.text
    async with system.participation_app.state.runtime.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM comments") == 0
        assert (
            await conn.fetchval("SELECT count(*) FROM outbox WHERE stream = 'radar.comment.submitted'") == 0
        )


async def test_too_many_comments_get_429_with_retry_after(system: System) -> None:
    slug = await system.measure()
    citizen = system.client()
    statuses = [
        (await citizen.post(f"/api/v1/measures/{slug}/comments", json={"body": f"Nummer {n}"})).status_code
        for n in range(6)
    ]
    assert statuses == [202] * 5 + [429]
    r = await citizen.post(f"/api/v1/measures/{slug}/comments", json={"body": "noch einer"})
    assert r.json()["error"] == "RATE_LIMITED"
    assert int(r.headers["Retry-After"]) > 0


async def test_services_refuse_requests_without_a_valid_internal_token(system: System) -> None:
    async with httpx.AsyncClient(base_url=system.participation_url) as direct:
        r = await direct.get("/comments/mine")
        assert (r.status_code, r.json()["error"]) == (401, "INTERNAL_TOKEN_INVALID")
        r = await direct.get("/comments/mine", headers={"X-Radar-Token": "forged.token"})
        assert r.status_code == 401
        assert (await direct.get("/healthz")).status_code == 200
        assert (await direct.get("/readyz")).json()["status"] == "ready"


async def test_responses_carry_a_strict_content_security_policy(system: System) -> None:
    r = await system.gateway.get("/healthz")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


async def test_a_service_that_is_down_gives_503_not_500(system: System) -> None:
    r = await system.gateway.get("/api/v1/measures")
    assert (r.status_code, r.json()["error"]) == (503, "SERVICE_UNAVAILABLE")
