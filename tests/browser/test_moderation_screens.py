"""The moderators' screens in a real browser: log in, land on the queue, decide by keyboard alone."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.axe_audit import AXE, check
from tests.browser.conftest import RunningRadar, StaffLogin, log_in, log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
TAKEN = {"e-akte", "beteiligungsplattform"}  # measures other browser tests comment on


@pytest.fixture(scope="module")
def axe() -> Path:
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: run `npm ci` in tests/browser")
    return AXE


@pytest.fixture(scope="module")
def slug(radar: RunningRadar) -> str:
    """An open seed measure that no other browser test comments on."""
    measures = radar.api("/measures", per_page=100)["items"]
    return str(next(m["slug"] for m in measures if m["slug"] not in TAKEN and not m.get("archived")))


def until(found: Callable[[], Any], *, timeout: float = 30.0) -> Any:
    """Ask again until found() gives something truthy (the services work asynchronously)."""
    deadline = time.monotonic() + timeout
    while not (result := found()):
        assert time.monotonic() < deadline, "not found in time"
        time.sleep(0.3)
    return result


def write_comment(tab: Any, slug: str, text: str) -> None:
    """Comment on the measure through its form, as a citizen does."""
    tab.goto(f"/massnahmen/{slug}")
    tab.get_by_label("Ihr Kommentar").fill(text)
    with tab.expect_navigation():
        tab.get_by_role("button", name="Kommentar senden").click()


def queued_item(tab: Any, text: str, *, flag: str | None = None) -> Any:
    """The queue's item with this text, once moderation has queued it."""

    def shown() -> Any:
        tab.goto("/moderation" + (f"?flag={flag}" if flag else ""))
        item = tab.get_by_role("article").filter(has_text=text)
        return item if item.count() == 1 else None

    return until(shown)


def focused_text(tab: Any) -> str:
    return str(tab.evaluate("() => document.activeElement ? document.activeElement.textContent : ''"))


def test_a_moderator_lands_on_the_queue_and_approves_by_keyboard(
    browser: Any, radar: RunningRadar, moderator: StaffLogin, slug: str
) -> None:
    from playwright.sync_api import expect

    token = uuid.uuid4().hex[:8]
    text = f"{token}: Ihr seid doch alle Idioten,\naber die Idee ist gut."
    citizen = browser.new_context(base_url=radar.url, locale="de-DE")
    staff = browser.new_context(base_url=radar.url, locale="de-DE")
    try:
        measure = citizen.new_page()
        write_comment(measure, slug, text)
        tab = staff.new_page()
        tab.set_default_timeout(15_000)

        tab.goto(f"/redaktion/massnahmen/{slug}")  # as if a bookmark led there: the log-in asks
        tab.wait_for_url(re.compile(r"/anmelden\?next="))
        tab.get_by_label("E-Mail-Adresse").fill(moderator.email)
        tab.get_by_label("Passwort").fill(moderator.password)
        tab.get_by_label("Passwort").press("Enter")
        tab.wait_for_url(re.compile(r"/moderation$"))  # the queue, never "Kein Zugriff"
        expect(tab.get_by_role("heading", level=1)).to_have_text("Moderation: Warteschlange")

        item = queued_item(tab, token, flag="PROFANITY")
        comment_id = item.get_attribute("id").removeprefix("k-")
        expect(item).to_contain_text("Beleidigung oder Vulgärsprache")
        expect(item.get_by_role("link", name="Keine Beleidigungen")).to_have_attribute(
            "href", "/netiquette#INSULT"
        )
        claim = item.get_by_role("button", name=re.compile(rf"^Übernehmen – Kommentar .*{token}"))
        claim.focus()
        tab.keyboard.press("Enter")

        tab.wait_for_url(re.compile(re.escape(f"/moderation?flag=PROFANITY#k-{comment_id}")))
        assert tab.evaluate("() => document.activeElement.id") == f"k-{comment_id}"  # the anchor took focus
        expect(tab.get_by_role("status")).to_contain_text("Sie haben den Kommentar übernommen.")
        item = tab.locator(f"#k-{comment_id}")
        expect(item).to_contain_text("Von Ihnen übernommen")
        for _ in range(12):  # from the item the fragment led to, on by Tab to its approval
            if focused_text(tab).startswith("Freigeben") and token in focused_text(tab):
                break
            tab.keyboard.press("Tab")
        assert focused_text(tab).startswith("Freigeben") and token in focused_text(tab)
        tab.keyboard.press("Space")

        expect(tab.get_by_role("status")).to_contain_text("Der Kommentar ist freigegeben.")
        expect(tab.locator(f"#k-{comment_id}")).to_have_count(0)

        def published() -> bool:
            measure.goto(f"/massnahmen/{slug}")
            return bool(measure.get_by_text(f"{token}: Ihr seid doch alle Idioten,").count())

        until(published)
    finally:
        citizen.close()
        staff.close()


def report(radar: RunningRadar, comment_id: str, reason: str) -> None:
    """A citizen reports the comment (through the JSON API, as any client may)."""
    with httpx.Client(base_url=radar.url, timeout=10) as citizen:
        r = citizen.post(f"/api/v1/comments/{comment_id}/reports", json={"reason": reason})
        assert r.status_code in (201, 202), r.text


def test_the_moderation_pages_have_no_serious_accessibility_violations(
    browser: Any, radar: RunningRadar, moderator: StaffLogin, slug: str, axe: Path
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(base_url=radar.url, bypass_csp=True, locale="de-DE")
    try:
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        published = f"{uuid.uuid4().hex[:8]} Gute Sache."
        waiting = f"{uuid.uuid4().hex[:8]} Mehr davon! Fragen an info@example.org"  # flagged
        write_comment(tab, slug, published)
        write_comment(tab, slug, waiting)
        log_in_as(tab, moderator, landing=re.compile(r"/moderation$"))
        item = queued_item(tab, published)
        comment_id = item.get_attribute("id").removeprefix("k-")
        item.get_by_role("button", name=re.compile(rf"^Freigeben – Kommentar .*{published[:8]}")).click()
        expect(tab.get_by_role("status")).to_contain_text("Der Kommentar ist freigegeben.")
        report(radar, comment_id, "SPAM")

        def reported() -> bool:
            tab.goto("/moderation/meldungen")
            return bool(tab.get_by_role("article").filter(has_text=published).count())

        until(reported)
        queued_item(tab, waiting)
        for path in ("/moderation", "/moderation/meldungen"):
            check(tab, axe, path)

        context.clear_cookies()
        log_in(tab, radar)  # the audit log is for admins
        check(tab, axe, "/moderation/protokoll")
        assert tab.get_by_role("cell", name=moderator.email).count() >= 1
    finally:
        context.close()
