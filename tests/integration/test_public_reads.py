"""Public catalog reads through the gateway: ETags, 304, and an edit seen at once by everyone."""

from __future__ import annotations

import uuid

import pytest

from radar_gateway.accounts import add_staff
from tests.integration.helpers import eventually
from tests.integration.test_web_pages import PASSWORD, Web, web

pytestmark = pytest.mark.integration
__all__ = ["web"]  # the fixture, shared with the page tests


async def test_repeated_read_revalidates_with_304_and_an_edit_changes_the_answer_at_once(web: Web) -> None:
    first = await web.client.get("/api/v1/measures/e-akte")
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, no-cache"
    again = await web.client.get("/api/v1/measures/e-akte", headers={"If-None-Match": etag})
    assert (again.status_code, again.content) == (304, b"")

    email = f"editor-{uuid.uuid4().hex[:6]}@example.org"
    await add_staff(web.gateway_dsn, email=email, password=PASSWORD, role="editor")
    editor = web.browser()
    login = await editor.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200
    r = await editor.patch(
        "/api/v1/measures/e-akte",
        json={"status": "abgeschlossen", "change_note": "Die E-Akte ist eingeführt."},
        headers={"X-CSRF-Token": editor.cookies["radar_csrf"]},
    )
    assert r.status_code == 200, r.text

    async def everyone_sees_it() -> bool:
        seen = await web.browser().get("/api/v1/measures/e-akte", headers={"If-None-Match": etag})
        return seen.status_code == 200 and seen.json()["status"] == "abgeschlossen"

    await eventually(everyone_sees_it)
    listed = await web.client.get("/api/v1/measures", params={"status": "abgeschlossen"})
    assert "e-akte" in [m["slug"] for m in listed.json()["items"]]
