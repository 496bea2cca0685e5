"""Following by e-mail through the gateway: the form, and the pages the mails link to.

Every service runs (gateway_system with a city), notifications sends to a real SMTP sink, and
the links are taken from the mails it received.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from urllib.parse import urlsplit

import httpx
import pytest

from tests.integration.gateway_system import SMALL_CITY, System, start_system
from tests.integration.notifications_service import body_of, header_token, link_in
from tests.integration.subscription_site import (
    address,
    count,
    followed_measure,
    form_token,
    mails_to,
    send_form,
    subscribed,
)

pytestmark = pytest.mark.integration
MAIL_CLIENT = {"origin": "https://webmail.example.net", "sec-fetch-site": "cross-site"}
ONE_CLICK = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
async def system(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[System]:
    """Every service and the gateway; the catalog holds a small city, notifications a sink."""
    async with start_system(new_database, redis_url, city=SMALL_CITY, subscriptions_per_window=50) as running:
        yield running


async def test_the_measure_pages_form_leads_by_the_mailed_link_to_a_confirmed_subscription(
    system: System,
) -> None:
    slug = await followed_measure(system)
    browser = system.client()
    email = address()
    r = await send_form(browser, slug, email, mode="digest", new_comments="1", language="en")
    assert r.status_code == 303 and r.headers["location"] == f"/massnahmen/{slug}#abonnieren"
    notice = "Wenn die Adresse gültig ist"
    assert notice in (await browser.get(r.headers["location"])).text
    assert notice not in (await browser.get(r.headers["location"])).text, "the notice is shown once"

    (mail,) = await mails_to(system, email, 1)
    unconfirmed = "SELECT count(*) FROM subscriptions s JOIN subscribers USING (subscriber_id)"
    assert await count(system, unconfirmed + " WHERE email = $1 AND confirmed_at IS NULL", email) == 1
    for path in ("/subscriptions/confirm", "/subscriptions/manage"):  # the pages the gateway serves
        assert any(urlsplit(w).path == path for w in body_of(mail).split()), path
    assert urlsplit(str(mail["List-Unsubscribe"]).strip("<>")).path == "/subscriptions/unsubscribe"

    token = link_in(mail, "/subscriptions/confirm")
    r = await system.client().get(f"/subscriptions/confirm?token={token}")
    assert r.status_code == 200 and "Ihre Benachrichtigung ist bestätigt" in r.text
    assert "Digitale Bürgerdienste" in r.text
    row = await system.apps["notifications"].state.runtime.pool.fetchrow(
        "SELECT confirmed_at, mode, new_comments, language FROM subscriptions"
        " JOIN subscribers USING (subscriber_id) WHERE email = $1",
        email,
    )
    assert row["confirmed_at"] is not None
    assert (row["mode"], row["new_comments"], row["language"]) == ("digest", True, "en")
    again = await system.client().get(f"/subscriptions/confirm?token={token}")
    assert again.status_code == 200 and "schon bestätigt" in again.text

    bad = await system.client().get(f"/subscriptions/confirm?token={token[:-4]}abcd")
    assert bad.status_code == 400 and "Dieser Link gilt nicht" in bad.text


async def test_a_known_address_gets_the_same_answer_as_a_new_one(system: System) -> None:
    slug = await followed_measure(system)
    known = address()
    await subscribed(system, slug, known)
    scope = {"type": "measure", "id": slug}
    answers = [
        await system.client().post("/api/v1/subscriptions", json={"email": who, "scope": scope})
        for who in (known, address())
    ]
    assert [(a.status_code, a.json()) for a in answers] == [(202, {"status": "accepted"})] * 2
    outside = await send_form(system.client(), slug, address(), ref="/evil.example")  # would be the redirect
    assert outside.status_code == 422 and "location" not in outside.headers
    forms = [await send_form(system.client(), slug, who) for who in (known, address())]
    assert [(f.status_code, f.headers["location"]) for f in forms] == [
        (303, f"/massnahmen/{slug}#abonnieren")
    ] * 2


async def test_the_mails_one_click_unsubscribe_needs_no_cookie_token_or_origin_of_ours(
    system: System,
) -> None:
    slug = await followed_measure(system)
    email = address()
    mail = await subscribed(system, slug, email)
    target = f"/subscriptions/unsubscribe?token={header_token(mail)}"

    asked = await system.client().get(target)
    assert asked.status_code == 200 and "Ja, abbestellen" in asked.text
    elsewhere = await system.client().post("/abonnieren", data={"email": address()}, headers=MAIL_CLIENT)
    assert elsewhere.status_code == 403 and elsewhere.json()["error"] == "CROSS_SITE_REQUEST"

    async with httpx.AsyncClient(transport=system.client()._transport, base_url="http://gateway") as client:
        r = await client.post(target, content=b"List-Unsubscribe=One-Click", headers=ONE_CLICK | MAIL_CLIENT)
    assert r.status_code == 200, r.text
    assert "Sie sind abgemeldet" in r.text and "set-cookie" not in r.headers
    assert await count(system, "SELECT count(*) FROM subscribers WHERE email = $1", email) == 0
    again = await system.client().post(target, headers=ONE_CLICK)
    assert again.status_code == 200, "unsubscribing again is no error"


async def test_the_manage_page_lists_changes_and_ends_subscriptions(system: System) -> None:
    slug = await followed_measure(system)
    email = address()
    mail = await subscribed(system, slug, email)
    browser = system.client()
    r = await browser.post("/api/v1/subscriptions", json={"email": email, "scope": {"type": "all"}})
    assert r.status_code == 202, r.text
    second = (await mails_to(system, email, 2))[1]
    assert (
        await browser.get(f"/subscriptions/confirm?token={link_in(second, '/subscriptions/confirm')}")
    ).is_success
    target = f"/subscriptions/manage?token={link_in(mail, '/subscriptions/manage')}"
    page = await browser.get(target)
    assert page.status_code == 200 and email in page.text
    again = await browser.get(target)  # with the form cookie set: no cookie to set this time
    assert again.headers["cache-control"] == "no-store", "the address is kept by no cache"
    api = await browser.get(f"/api/v1{target}")
    assert api.json()["address"] == email and api.headers["cache-control"] == "no-store"
    assert "Digitale Bürgerdienste" in page.text and "alle Maßnahmen" in page.text
    first = re.findall(r'name="id" value="([^"]+)"', page.text)[0]
    token = form_token(page.text)

    refused = await browser.post(target, data={"action": "remove", "id": first})
    assert refused.status_code == 403  # no form token
    change = {"csrf_token": token, "action": "change", "id": first, "mode": "digest", "new_comments": "1"}
    r = await browser.post(target, data=change)
    assert r.status_code == 303 and r.headers["location"] == target
    modes = (
        "SELECT array_agg(mode) FROM subscriptions JOIN subscribers USING (subscriber_id) WHERE email = $1"
    )
    pool = system.apps["notifications"].state.runtime.pool
    assert "digest" in await pool.fetchval(modes, email)
    assert "Ihre Änderung ist gespeichert" in (await browser.get(target)).text

    r = await browser.post(target, data={"csrf_token": token, "action": "remove", "id": first})
    assert r.status_code == 303
    left = (await browser.get(target)).text
    assert first not in left and "alle Maßnahmen" in left
    r = await browser.post(target, data={"csrf_token": token, "action": "leave"})
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert await count(system, "SELECT count(*) FROM subscribers WHERE email = $1", email) == 0

    gone = await browser.get(target)
    assert gone.status_code == 400 and "Dieser Link gilt nicht" in gone.text
    bad = await browser.get("/subscriptions/manage?token=nonsense")
    assert bad.status_code == 400 and "Dieser Link gilt nicht" in bad.text
