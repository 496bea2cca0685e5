"""Through the gateway: a comment's address for its decision, the subscription limit, /dev/mail.

Every service runs (gateway_system with a city), notifications sends to a real SMTP sink.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from tests.integration.gateway_system import SMALL_CITY, System, start_system
from tests.integration.notifications_service import body_of, link_in
from tests.integration.subscription_site import address, followed_measure, form_token, mails_to, send_form

pytestmark = pytest.mark.integration


@pytest.fixture
async def system(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[System]:
    """Every service and the gateway; the catalog holds a small city, notifications a sink."""
    async with start_system(new_database, redis_url, city=SMALL_CITY) as running:
        yield running


async def test_a_comment_may_leave_an_address_and_keeps_the_comment_when_that_fails(system: System) -> None:
    slug = await followed_measure(system)
    browser = system.client()
    email = address()
    for watch, notice in ((email, "Zur Benachrichtigung"), ("keine-adresse", "konnte aber nicht")):
        page = await browser.get(f"/massnahmen/{slug}")
        form = {"csrf_token": form_token(page.text), "body": f"Wann kommt das? {watch}", "watch_email": watch}
        r = await browser.post(f"/massnahmen/{slug}/kommentare", data=form)
        assert r.status_code == 303, r.text
        assert notice in (await browser.get(r.headers["location"])).text
    comments = await browser.get("/api/v1/comments/mine")
    assert len(comments.json()["items"]) == 2, "both comments are stored"
    (mail,) = await mails_to(system, email, 1)
    assert "/subscriptions/confirm" in body_of(mail)


async def test_subscribing_is_limited_per_address_with_retry_after(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with start_system(new_database, redis_url, city=SMALL_CITY, subscriptions_per_window=2) as system:
        slug = await followed_measure(system)
        browser = system.client()
        for _ in range(2):
            assert (await send_form(browser, slug, address())).status_code == 303
        r = await send_form(browser, slug, address())
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        assert "zu viele Bestellungen" in r.text and 'name="email"' in r.text
        api = await system.client().post(
            "/api/v1/subscriptions", json={"email": address(), "scope": {"type": "all"}}
        )
        assert (
            api.status_code == 429 and api.json()["error"] == "RATE_LIMITED" and "retry-after" in api.headers
        )
        watch = {"comment_id": str(uuid.uuid4()), "email": address()}
        assert (await system.client().post("/api/v1/comment-watch", json=watch)).status_code == 429
        page = await browser.get(f"/massnahmen/{slug}")  # a comment's address counts too; the comment stays
        watched = {"csrf_token": form_token(page.text), "body": "Und wann?", "watch_email": watch["email"]}
        r = await browser.post(f"/massnahmen/{slug}/kommentare", data=watched)
        assert r.status_code == 303 and "konnte aber nicht" in (await browser.get(r.headers["location"])).text
        other = system.client("10.1.2.3")  # another address counts on its own
        r = await other.post("/api/v1/subscriptions", json={"email": address(), "scope": {"type": "all"}})
        assert r.status_code == 202, r.text
        assert (await browser.get("/dev/mail")).status_code == 404, "not configured"
        assert (await browser.get("/abonnieren?typ=all")).status_code == 200  # the radar's form, alone
        assert (await browser.get("/abonnieren?typ=alles")).status_code == 404


async def test_the_development_mail_page_shows_the_sinks_mails_when_configured(
    new_database: Callable[[str], str], redis_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "mail"
    async with start_system(
        new_database, redis_url, city=SMALL_CITY, mail_folder=folder, mail_dir=str(folder)
    ) as system:
        email = address()
        r = await system.client().post(
            "/api/v1/subscriptions", json={"email": email, "scope": {"type": "all"}}
        )
        assert r.status_code == 202, r.text
        (mail,) = await mails_to(system, email, 1)
        page = await system.client().get("/dev/mail")
        assert page.status_code == 200 and email in page.text
        token = link_in(mail, "/subscriptions/confirm")
        assert re.search(rf'<a href="[^"]*/subscriptions/confirm\?token={re.escape(token)}">', page.text)
