"""A citizen's own contributions, the netiquette and the moderation figures in a real browser."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.browser.axe_audit import AXE, check
from tests.browser.conftest import RunningRadar

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
SLUG = "beteiligungsplattform"  # any open measure but e-akte, which other tests comment on


@pytest.fixture(scope="module")
def axe() -> Path:
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: run `npm ci` in tests/browser")
    return AXE


def write_comment(tab: Any, text: str) -> None:
    """Comment on the measure through its form, as a citizen does, and wait for the answer."""
    tab.goto(f"/massnahmen/{SLUG}")
    tab.get_by_label("Ihr Kommentar").fill(text)
    with tab.expect_navigation():
        tab.get_by_role("button", name="Kommentar senden").click()


def test_a_citizen_finds_a_new_comment_under_my_contributions_waiting(page: Any, radar: RunningRadar) -> None:
    from playwright.sync_api import expect

    title = radar.api(f"/measures/{SLUG}")["title"]
    text = f"Bitte auch in leichter Sprache anbieten. ({uuid.uuid4().hex[:6]})"
    write_comment(page, text)

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Meine Beiträge").click()

    page.wait_for_url("**/meine-beitraege")
    mine = page.get_by_role("article").filter(has_text=text)
    expect(mine).to_contain_text("wartet auf Moderation")
    to_it = re.compile(rf"^/massnahmen/{SLUG}/kommentare/[0-9a-f-]{{36}}$")  # leads to its page of the thread
    expect(mine.get_by_role("link", name=title)).to_have_attribute("href", to_it)

    mine.get_by_role("button", name="Zurückziehen").click()

    expect(page.get_by_role("status")).to_contain_text("Ihr Beitrag ist zurückgezogen.")
    withdrawn = page.get_by_role("article").filter(has_text=text)
    expect(withdrawn).to_contain_text("zurückgezogen")
    expect(withdrawn.get_by_role("button", name="Zurückziehen")).to_have_count(0)
    to_thread = f"/massnahmen/{SLUG}#kommentare"  # a withdrawn comment is in no thread
    expect(withdrawn.get_by_role("link", name=title)).to_have_attribute("href", to_thread)


def test_the_citizens_pages_have_no_serious_accessibility_violations(
    browser: Any, radar: RunningRadar, axe: Path
) -> None:
    context = browser.new_context(base_url=radar.url, bypass_csp=True)
    try:
        tab = context.new_page()
        write_comment(tab, f"Ein Kommentar für die Prüfung der Barrierefreiheit ({uuid.uuid4().hex[:6]})")
        for path in ("/meine-beitraege", "/meine-beitraege/loeschen", "/netiquette", "/transparenz"):
            check(tab, axe, path)
    finally:
        context.close()
