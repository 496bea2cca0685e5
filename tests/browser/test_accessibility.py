"""axe-core on every page of the site, in German and in English: no violation of any impact.

The pages come from the running system: every edition, every field and core area of each edition,
every measure. Forms are sent wrong once too, since their refusals are pages as well. Each test
gathers the violations of all its pages and fails once with all of them (tests/browser/axe_audit.py).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.axe_audit import AXE, Audit, assert_clean
from tests.browser.conftest import RunningRadar, StaffLogin, another_radar, log_in, log_in_as
from tests.browser.test_moderation_screens import queued_item, report
from tests.browser.test_subscribing import mail_to
from tests.integration.notifications_service import body_of

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
LANGS = ["de", "en"]
SEARCHES = ["/?q=Klima", "/?q=Klimaschuz", "/?q=Raumfahrtbahnhof", "/?q=Open+Source"]
FIXED = [
    "/",
    "/?status=in_umsetzung",
    *SEARCHES,
    "/netiquette",
    "/transparenz",
    "/transparenz?from=kein-monat",
    "/impressum",
    "/datenschutz",
    "/barrierefreiheit",
    "/abonnieren?typ=all",
    "/subscriptions/confirm?token=abgelaufen",
    "/gibt-es-nicht",
    "/anmelden",
]
TAKEN = {"e-akte", "beteiligungsplattform", "open-library"}  # measures other browser tests use
REFUSED = "[aria-invalid=true], [role=alert]"  # what a refused form's answer shows
DONE = "[role=status]"
STALE_TOKEN = "f => { f.querySelector('[name=csrf_token]').value = 'abgelaufen'; }"


@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: run `npm ci` in tests/browser")
    return AXE


def structure_pages(radar: RunningRadar) -> list[str]:
    """Every edition's page, and every field and core area of each edition."""
    paths = []
    for edition in radar.api("/editions")["items"]:
        ed = edition["slug"]
        paths.append(f"/fassungen/{ed}")
        for kind, path in (("fields", "felder"), ("core-areas", "kernbereiche")):
            paths += [f"/{path}/{x['slug']}?edition={ed}" for x in radar.api(f"/{kind}", edition=ed)["items"]]
    return paths


def measures(radar: RunningRadar) -> list[str]:
    return [str(m["slug"]) for m in radar.api("/measures", per_page=100)["items"]]


@pytest.mark.parametrize("lang", LANGS)
def test_every_public_page_has_no_accessibility_violation(
    browser: Any, radar: RunningRadar, axe_script: Path, lang: str
) -> None:
    visitor = Audit(browser, radar, axe=axe_script, lang=lang)
    try:
        visitor.choose_language()
        for path in [*FIXED, *structure_pages(radar), *(f"/massnahmen/{s}" for s in measures(radar))]:
            visitor.visit(path)
        visitor.tab.goto("/anmelden")
        fill = {"#login-email": "niemand@example.org", "#login-password": "falsch"}
        visitor.send("form[action='/anmelden']", where="/anmelden (refused)", fill=fill, shows=REFUSED)
        assert_clean(visitor)
    finally:
        visitor.close()


def write_comment(tab: Any, slug: str, text: str) -> None:
    """Comment on the measure through its form (in either language), and wait for the answer."""
    tab.goto(f"/massnahmen/{slug}")
    form = tab.locator("form.comment-form").first
    form.locator("textarea[name=body]").fill(text)
    with tab.expect_navigation():
        form.locator("button[type=submit]").click()


@pytest.mark.parametrize("lang", LANGS)
def test_the_citizens_and_moderators_pages_have_no_accessibility_violation(
    browser: Any, radar: RunningRadar, moderator: StaffLogin, axe_script: Path, lang: str
) -> None:
    from playwright.sync_api import expect

    slug = [s for s in measures(radar) if s not in TAKEN][-1 - LANGS.index(lang)]
    token = uuid.uuid4().hex[:8]
    pending, rejected, reported = (f"{token} {word}: Barrierefreiheit zuerst." for word in ("A", "B", "C"))
    citizen = Audit(browser, radar, axe=axe_script, lang=lang)
    staff = Audit(browser, radar, axe=axe_script, lang=lang)
    try:
        citizen.choose_language()
        for text in (pending, rejected, reported):
            write_comment(citizen.tab, slug, text)
        citizen.send("form.comment-form", where=f"/massnahmen/{slug} (empty comment)", fill={}, shows=REFUSED)
        log_in_as(staff.tab, moderator, landing=re.compile(r"/moderation$"))
        staff.choose_language()
        item = queued_item(staff.tab, rejected)
        item_id = item.get_attribute("id")
        staff.send(f"#{item_id} form.mod-reject", where="/moderation (no reason)", fill={}, shows=REFUSED)
        item = staff.tab.locator(f"#{item_id}")
        item.locator("select[name=reason]").select_option(index=1)
        with staff.tab.expect_navigation():
            item.locator("form.mod-reject button[type=submit]").click()
        item = queued_item(staff.tab, reported)
        reported_id = item.get_attribute("id").removeprefix("k-")
        with staff.tab.expect_navigation():
            item.locator("form:has(input[name=decision][value=approve]) button[type=submit]").click()
        report(radar, reported_id, "SPAM")
        queued_item(staff.tab, pending)
        staff.here("/moderation")
        with staff.tab.expect_navigation():
            queued_item(staff.tab, pending).locator("form[action$='/uebernehmen'] button").click()
        staff.here("/moderation (claimed)")
        staff.tab.goto("/moderation/meldungen")
        expect(staff.tab.get_by_role("article").filter(has_text=reported)).to_have_count(1, timeout=30_000)
        staff.here("/moderation/meldungen")

        citizen.tab.goto("/meine-beitraege")
        expect(citizen.tab.get_by_role("article").filter(has_text=rejected)).to_have_count(1)
        citizen.here("/meine-beitraege")
        citizen.visit(f"/massnahmen/{slug}")  # with the citizen's own comments in the thread
        with (
            citizen.tab.expect_navigation()
        ):  # a reply form, opened by its link: its text field has the focus
            citizen.tab.locator(f"a.comment-action-link[href*='antworten={reported_id}']").click()
        expect(citizen.tab.locator(f"#reply-{reported_id}-body")).to_be_focused()
        citizen.here(f"/massnahmen/{slug}?antworten=… (opened)")
        citizen.visit("/meine-beitraege/loeschen")
        citizen.send(
            "form[action='/meine-beitraege/loeschen']", where="/meine-beitraege (erased)", fill={}, shows=DONE
        )

        staff.context.clear_cookies()
        log_in(staff.tab, radar)  # the audit log is for admins
        staff.choose_language()
        staff.visit("/moderation/protokoll")
        assert_clean(citizen, staff)
    finally:
        citizen.close()
        staff.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_editors_pages_have_no_accessibility_violation(
    browser: Any, radar: RunningRadar, axe_script: Path, lang: str
) -> None:
    editor = Audit(browser, radar, axe=axe_script, lang=lang)
    try:
        log_in(editor.tab, radar)
        editor.choose_language()
        slug = measures(radar)[0]
        edit = f"/redaktion/massnahmen/{slug}"
        for path in ("/redaktion", edit, f"{edit}/archivieren", "/dev/mail", "/redaktion/massnahmen/neu"):
            editor.visit(path)
        editor.send("form.editor-form", where="/redaktion/massnahmen/neu (refused)", fill={}, shows=REFUSED)
        for path in (f"{edit}/berichte", f"{edit}/berichte?jahr=3000", f"{edit}/berichte/2024"):
            editor.visit(path)
        unnamed = {"#rf-kpis > fieldset.kpi-row:last-of-type input[name$='-unit']": "%"}  # a unit, no name
        editor.send("form.report-form", where=f"{edit}/berichte/2024 (refused)", fill=unnamed, shows=REFUSED)
        editor.visit("/abmelden")
        assert_clean(editor)
    finally:
        editor.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_subscription_pages_have_no_accessibility_violation(
    browser: Any, radar: RunningRadar, axe_script: Path, lang: str
) -> None:
    address = f"barrierefrei-{uuid.uuid4().hex[:8]}@example.org"
    visitor = Audit(browser, radar, axe=axe_script, lang=lang)
    form = "form.subscribe-form"
    try:
        visitor.choose_language()
        visitor.tab.goto("/abonnieren?typ=all")
        visitor.tab.locator(form).evaluate(STALE_TOKEN)  # refused before it counts against the limit
        visitor.send(form, where="/abonnieren (refused)", fill={"#subscribe-email": address}, shows=REFUSED)
        visitor.tab.goto("/abonnieren?typ=all")
        visitor.tab.locator("#subscribe-language").select_option(lang)
        visitor.send(form, where="/ (subscription asked for)", fill={"#subscribe-email": address}, shows=DONE)
        words = body_of(mail_to(radar, address)).split()
        for path in ("/subscriptions/confirm?", "/subscriptions/manage?", "/subscriptions/unsubscribe?"):
            visitor.visit(next(w for w in words if path in w).removeprefix(radar.url))
        visitor.send("main form", where="/subscriptions/unsubscribe (done)", fill={}, shows=DONE)
        assert_clean(visitor)
    finally:
        visitor.close()


@pytest.fixture(scope="module")
def crowded_radar(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningRadar]:
    """The system told to draw at most 10 blips and list 10 measures a page: Munich's are too many."""
    with another_radar(
        tmp_path_factory, "radar-crowded", RADAR_BLIPS_AT_MOST="10", RADAR_LIST_PAGE_SIZE="10"
    ) as r:
        yield r


@pytest.mark.parametrize("lang", LANGS)
def test_the_radar_of_many_measures_and_its_list_pages_have_no_accessibility_violation(
    browser: Any, crowded_radar: RunningRadar, axe_script: Path, lang: str
) -> None:
    visitor = Audit(browser, crowded_radar, axe=axe_script, lang=lang)
    try:
        visitor.choose_language()
        for path in ("/", "/?seite=2", "/?status=in_umsetzung", "/?q=digital&seite=2"):
            visitor.visit(path)
        assert visitor.tab.locator("nav.list-pager a[rel=prev]").count() == 1
        assert visitor.tab.locator("svg .blip").count() > 0
        assert_clean(visitor)
    finally:
        visitor.close()
