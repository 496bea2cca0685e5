"""A notice after a redirect comes once, through a short-lived signed cookie, never from the URL."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from radar_gateway.config import GatewaySettings
from radar_gateway.web.render import NOTICE_COOKIE, NOTICE_SECONDS, notice_cookie
from tests.conftest import TOKEN_SECRET
from tests.integration.lone_gateway import lone_gateway

pytestmark = pytest.mark.integration
ERASURE = "/meine-beitraege/loeschen"
NOTHING_TO_ERASE = "Dieser Browser hat hier nichts hinterlassen"  # the notice nichts_zu_loeschen
LOGGED_IN = "Sie sind angemeldet."


@pytest.fixture
async def browser(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with lone_gateway(new_database, redis_url) as client:
        yield client


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form token"
    return found.group(1)


def key() -> bytes:
    """The key the lone gateway signs with (the same settings but the database)."""
    return GatewaySettings(
        database_url="postgresql://unused", internal_token_secret=TOKEN_SECRET
    ).form_token_key


async def test_a_redirect_shows_its_notice_once_and_then_never_again(browser: httpx.AsyncClient) -> None:
    token = form_token((await browser.get("/anmelden")).text)  # this browser's form token, good for any form

    sent = await browser.post(ERASURE, data={"csrf_token": token})

    assert (sent.status_code, sent.headers["location"]) == (303, "/meine-beitraege")
    cookie = next(c for c in sent.headers.get_list("set-cookie") if c.startswith(f"{NOTICE_COOKIE}="))
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert f"max-age={NOTICE_SECONDS}" in cookie.lower()
    first = await browser.get(ERASURE)
    assert NOTHING_TO_ERASE in first.text and 'role="status"' in first.text
    assert first.headers["cache-control"] == "no-store"  # the page with the notice is kept nowhere
    again = await browser.get(ERASURE)
    assert NOTHING_TO_ERASE not in again.text and 'role="status"' not in again.text


async def test_a_notice_in_the_url_shows_nothing(browser: httpx.AsyncClient) -> None:
    for address in ("/meine-beitraege/loeschen?hinweis=angemeldet", "/impressum?hinweis=logged_in"):
        page = await browser.get(address)
        assert page.status_code == 200
        assert LOGGED_IN not in page.text and 'role="status"' not in page.text


async def test_a_forged_unsigned_or_stale_notice_cookie_shows_nothing(browser: httpx.AsyncClient) -> None:
    now = time.time()
    real = notice_cookie("angemeldet", key=key(), now=now)
    forged = [
        "angemeldet",  # unsigned
        f"angemeldet.{int(now)}",  # without a signature
        real.rsplit(".", 1)[0] + "." + "0" * 40,  # a wrong signature
        real.replace("angemeldet", "abgemeldet", 1),  # another notice under this signature
        notice_cookie("angemeldet", key=b"another gateway's key", now=now),
        notice_cookie("angemeldet", key=key(), now=now - NOTICE_SECONDS - 5),  # signed, but too old
    ]
    for value in forged:
        browser.cookies.set(NOTICE_COOKIE, value)
        page = await browser.get("/impressum")
        assert LOGGED_IN not in page.text and "Sie sind abgemeldet." not in page.text, value
    browser.cookies.set(NOTICE_COOKIE, real)
    assert LOGGED_IN in (await browser.get("/impressum")).text  # the same request with a real one shows it
