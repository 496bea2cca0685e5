"""The public pages and the editor in a real browser, against the whole running system."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest

from tests.browser.conftest import RunningRadar, log_in
from tests.browser.test_moderation_screens import until

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
BLIPS = "svg.radar a.blip"
LIST_ITEMS = ".measure-groups .measure-item"


def test_the_radar_shows_one_blip_per_measure(page: Any, radar: RunningRadar) -> None:
    total = radar.api("/measures", per_page=1)["total"]

    page.goto("/")

    assert total > 0
    assert page.locator(BLIPS).count() == total
    assert page.locator(LIST_ITEMS).count() == total
    assert page.get_by_role("heading", level=1).inner_text().replace("\u00ad", "") == "Digitalisierungsradar"


def test_clicking_a_blip_opens_that_measures_page(page: Any, radar: RunningRadar) -> None:
    measure = radar.api("/measures", per_page=1, q="E-Akte")["items"][0]
    page.goto("/")

    page.locator(f'{BLIPS}[href="/massnahmen/{measure["slug"]}"]').click()

    page.wait_for_url(f"**/massnahmen/{measure['slug']}")
    assert page.get_by_role("heading", level=1).inner_text() == measure["title"]
    assert page.get_by_role("heading", name="Änderungsverlauf").is_visible()


def test_a_filter_narrows_the_radar_and_the_list_without_javascript(
    browser: Any, radar: RunningRadar
) -> None:
    expected = radar.api("/measures", status="in_umsetzung", per_page=100)
    context = browser.new_context(base_url=radar.url, java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto("/")
        everything = tab.locator(BLIPS).count()
        tab.get_by_label("Status", exact=True).select_option("in_umsetzung")
        tab.get_by_role("button", name="Anwenden").click()

        tab.wait_for_url(re.compile(r"status=in_umsetzung"))
        assert 0 < expected["total"] < everything
        assert tab.locator(BLIPS).count() == expected["total"]
        assert tab.locator(f"{BLIPS}.s-in_umsetzung").count() == expected["total"]
        listed = {tab.locator(LIST_ITEMS).nth(i).locator("a").inner_text() for i in range(expected["total"])}
        assert listed == {m["title"] for m in expected["items"]}
        assert tab.locator(LIST_ITEMS).count() == expected["total"]
    finally:
        context.close()


def test_search_narrows_the_radar(page: Any, radar: RunningRadar) -> None:
    page.goto("/")
    page.get_by_label("Suchbegriff").fill("Akte")
    page.get_by_role("button", name="Anwenden").click()

    page.wait_for_url(re.compile(r"q=Akte"))
    found = radar.api("/measures", q="Akte")["total"]
    assert page.locator(BLIPS).count() == found >= 1


def test_an_editor_changes_a_status_and_the_radar_and_history_show_it(page: Any, radar: RunningRadar) -> None:
    from playwright.sync_api import expect

    log_in(page, radar)
    title = f"Testmaßnahme {uuid.uuid4().hex[:8]}"
    page.get_by_role("link", name="Neue Maßnahme anlegen").click()
    page.get_by_label("Titel (Pflichtfeld)", exact=True).fill(title)
    page.get_by_label("Handlungsfeld (Pflichtfeld)", exact=True).select_option("bildung")
    page.get_by_role("button", name="Maßnahme anlegen").click()
    expect(page.get_by_role("status")).to_have_text("Die Maßnahme ist angelegt.")
    slug = page.url.split("/redaktion/massnahmen/")[1]

    note = f"Umsetzung begonnen {uuid.uuid4().hex[:6]}"
    page.get_by_label("Status", exact=True).select_option("in_umsetzung")
    page.get_by_label("Änderungsnotiz (öffentlich) (Pflichtfeld)", exact=True).fill(note)
    page.get_by_role("button", name="Änderung speichern").click()
    expect(page.get_by_role("status")).to_have_text("Die Änderung ist gespeichert.")

    page.goto("/")
    blip = page.locator(f'{BLIPS}[href="/massnahmen/{slug}"]')
    number = blip.locator(".blip-no").text_content()
    assert blip.get_attribute("aria-label") == f"{number}. {title} (In Umsetzung)"
    assert page.locator(".radar-key li", has_text=title).locator(".key-no").first.inner_text() == number
    assert "s-in_umsetzung" in (blip.get_attribute("class") or "")

    page.goto(f"/massnahmen/{slug}")
    history = page.locator(".history")
    assert note in history.inner_text()
    assert "Status: von „Status unbekannt“ auf „In Umsetzung“" in history.inner_text()

    # anyone else gets the radar kept from before until the measure's events reach the gateway, a moment
    # after the editor's own (uncached) view: the tests after this one read it, from the same system
    until(lambda: f"{title} (In Umsetzung)" in httpx.get(f"{radar.url}/", timeout=10).text)


def test_a_refused_change_shows_the_reason_next_to_the_form(page: Any, radar: RunningRadar) -> None:
    log_in(page, radar)
    page.goto("/redaktion/massnahmen/e-akte")
    page.get_by_label("Fortschritt in Prozent").fill("150")
    page.get_by_label("Änderungsnotiz (öffentlich) (Pflichtfeld)", exact=True).fill("Zu viel Fortschritt")
    page.get_by_role("button", name="Änderung speichern").click()

    assert page.get_by_label("Fortschritt in Prozent").get_attribute("aria-invalid") == "true"
    assert "Der Fortschritt ist eine ganze Zahl von 0 bis 100." in page.locator(".error-summary").inner_text()


def test_the_editor_needs_a_log_in(page: Any) -> None:
    page.goto("/redaktion")

    page.wait_for_url(re.compile(r"/anmelden\?next=%2Fredaktion"))
    assert page.get_by_role("heading", level=1).inner_text() == "Anmelden für Mitarbeitende"


def test_a_comment_waits_for_moderation(page: Any) -> None:
    text = f"Gute Sache, bitte weiter so! {uuid.uuid4().hex[:6]}"
    page.goto("/massnahmen/e-akte")
    page.get_by_label("Ihr Kommentar", exact=True).fill(text)
    page.get_by_role("button", name="Kommentar senden").click()

    page.wait_for_url("**/massnahmen/e-akte#kommentare")
    assert page.get_by_role("status").inner_text() == "Ihr Kommentar wartet auf Moderation."
    assert "wartet auf Moderation" in page.locator(".comment", has_text=text).inner_text()


def test_the_language_switch_is_remembered(page: Any) -> None:
    page.goto("/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"

    page.goto("/massnahmen/e-akte")
    assert page.get_by_role("heading", name="Change history").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
