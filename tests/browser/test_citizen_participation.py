"""A citizen on a measure's page in a real browser: rate, comment, Back and send again, axe-core."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.browser.axe_audit import AXE, audit, check
from tests.browser.conftest import RunningRadar

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
SLUG = "digitales-ticketing"  # in the Munich data set, and used by no other browser test


@pytest.fixture(scope="module")
def axe_path() -> Path:
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: run `npm ci` in tests/browser")
    return AXE


def my_comments(tab: Any) -> list[dict[str, Any]]:
    """The comments of this browser's participant, asked with its cookies."""
    answer = tab.request.get("/api/v1/me/comments")
    assert answer.ok, answer.text()
    return list(answer.json()["items"])


def test_a_citizen_rates_and_comments_and_back_plus_send_again_stores_one(page: Any) -> None:
    page.goto(f"/massnahmen/{SLUG}")
    page.get_by_label("4 Sterne", exact=True).check()
    page.get_by_role("button", name="Bewertung speichern").click()
    page.wait_for_url(f"**/massnahmen/{SLUG}#bewertung")
    assert page.get_by_role("status").inner_text() == "Ihre Bewertung ist gespeichert."
    assert page.get_by_label("4 Sterne", exact=True).is_checked()
    assert "Ihre Bewertung: 4 Sterne" in page.locator(".rating").inner_text()

    text = f"Bitte auch Tickets für Bücherhallen.\nUnd für Bäder. {uuid.uuid4().hex[:6]}"
    field = page.get_by_label("Ihr Kommentar", exact=True)
    field.fill(text)
    assert page.locator("#comment-body-counter").inner_text() == f"{len(text)} von 2.000 Zeichen"
    page.get_by_role("button", name="Kommentar senden").click()
    page.wait_for_url(f"**/massnahmen/{SLUG}#kommentare")
    mine = page.locator(".comment-pending", has_text="Bücherhallen")
    assert mine.locator(".badge").inner_text() == "wartet auf Moderation"
    assert mine.locator(".comment-body").inner_text() == text

    page.go_back()  # to the page with the form as it was sent
    page.wait_for_url(f"**/massnahmen/{SLUG}#bewertung")
    if page.get_by_label("Ihr Kommentar", exact=True).input_value() == "":
        page.get_by_label("Ihr Kommentar", exact=True).fill(text)  # the browser did not keep the text
    page.get_by_role("button", name="Kommentar senden").click()
    page.wait_for_url(f"**/massnahmen/{SLUG}#kommentare")

    assert [c["body"] for c in my_comments(page) if c["body"] == text] == [text]
    assert page.locator(".comment-pending", has_text="Bücherhallen").count() == 1


def test_the_counter_warns_past_the_limit_and_the_text_comes_back_whole(page: Any) -> None:
    page.goto(f"/massnahmen/{SLUG}")
    text = "Sehr ausführlich. " * 120  # 2,160 characters
    page.get_by_label("Ihr Kommentar", exact=True).fill(text)
    counter = page.locator("#comment-body-counter")
    assert counter.inner_text() == "2.160 von 2.000 Zeichen – 160 zu viel"
    assert "counter-over" in (counter.get_attribute("class") or "")

    page.get_by_role("button", name="Kommentar senden").click()

    field = page.get_by_label("Ihr Kommentar", exact=True)
    field.wait_for()
    assert field.input_value() == text
    assert field.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "comment-body"
    assert "Der Kommentar ist zu lang" in page.locator("#comment-error").inner_text()


def test_the_measure_page_with_a_rating_a_pending_comment_and_an_error_has_no_serious_violations(
    browser: Any, radar: RunningRadar, axe_path: Path
) -> None:
    context = browser.new_context(base_url=radar.url, bypass_csp=True, locale="de-DE")
    try:
        tab = context.new_page()
        tab.goto(f"/massnahmen/{SLUG}")
        tab.get_by_label("2 Sterne", exact=True).check()
        tab.get_by_role("button", name="Bewertung speichern").click()
        tab.wait_for_url("**#bewertung")
        tab.get_by_label("Ihr Kommentar", exact=True).fill(f"Für axe. {uuid.uuid4().hex[:6]}")
        tab.get_by_role("button", name="Kommentar senden").click()
        tab.wait_for_url("**#kommentare")

        check(tab, axe_path, f"/massnahmen/{SLUG}")  # the rating, the own rating, a pending comment

        tab.get_by_label("Ihr Kommentar", exact=True).fill("x" * 2001)
        tab.get_by_role("button", name="Kommentar senden").click()
        tab.locator("#comment-error").wait_for()
        audit(tab, axe_path, "the comment form with an error")
    finally:
        context.close()


def test_rating_and_commenting_work_without_javascript(browser: Any, radar: RunningRadar) -> None:
    context = browser.new_context(base_url=radar.url, java_script_enabled=False, locale="de-DE")
    try:
        tab = context.new_page()
        tab.goto(f"/massnahmen/{SLUG}")
        assert tab.locator(".counter").count() == 0  # no counter, but the hint names the limit
        assert "Höchstens 2.000 Zeichen." in tab.locator("#comment-hint").inner_text()
        tab.get_by_label("1 Stern", exact=True).check()
        tab.get_by_role("button", name="Bewertung speichern").click()
        tab.wait_for_url("**#bewertung")
        assert "Ihre Bewertung: 1 Stern" in tab.locator(".rating").inner_text()

        text = f"Ohne JavaScript geschrieben. {uuid.uuid4().hex[:6]}"
        tab.get_by_label("Ihr Kommentar", exact=True).fill(text)
        tab.get_by_role("button", name="Kommentar senden").click()
        tab.wait_for_url("**#kommentare")
        assert "wartet auf Moderation" in tab.locator(".comment", has_text=text).inner_text()
    finally:
        context.close()
