"""The site of the subscription tests: every service, notifications with a real SMTP sink.

No tests here: test_subscription_pages and test_subscription_watch_and_limits import from it.
"""

from __future__ import annotations

import re
import uuid
from email.message import EmailMessage

import httpx

from tests.integration.gateway_system import System
from tests.integration.helpers import eventually
from tests.integration.notifications_service import link_in


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no form token on the page"
    return found.group(1)


def address() -> str:
    return f"buergerin-{uuid.uuid4().hex[:8]}@example.org"


async def followed_measure(system: System) -> str:
    """A new measure's slug, once notifications knows it too."""
    slug = await system.measure(title="Digitale Bürgerdienste")
    pool = system.apps["notifications"].state.runtime.pool

    async def known() -> bool:
        return bool(await pool.fetchval("SELECT true FROM measures WHERE slug = $1", slug))

    await eventually(known)
    return slug


async def mails_to(system: System, email: str, count: int) -> list[EmailMessage]:
    sink = system.mail
    assert sink is not None

    async def arrived() -> bool:
        return len(sink.mails_to(email)) >= count

    await eventually(arrived)
    return sink.mails_to(email)


async def send_form(browser: httpx.AsyncClient, slug: str, email: str, **fields: str) -> httpx.Response:
    """The measure page's subscribe form, filled in and sent."""
    page = await browser.get(f"/massnahmen/{slug}")
    assert page.status_code == 200 and 'action="/abonnieren"' in page.text
    form = {"csrf_token": form_token(page.text), "scope": "measure", "ref": slug, "email": email}
    return await browser.post("/abonnieren", data=form | fields)


async def count(system: System, sql: str, *args: object) -> int:
    return int(await system.apps["notifications"].state.runtime.pool.fetchval(sql, *args))


async def subscribed(system: System, slug: str, email: str, **fields: str) -> EmailMessage:
    """A confirmed subscription by the form, through the confirmation link; its confirmation mail."""
    browser = system.client()
    r = await send_form(browser, slug, email, **fields)
    assert r.status_code == 303, r.text
    (mail,) = await mails_to(system, email, 1)
    r = await browser.get(f"/subscriptions/confirm?token={link_in(mail, '/subscriptions/confirm')}")
    assert r.status_code == 200, r.text
    return mail
