"""A thread longer than a page in Chromium: its pages linked and announced, with no axe-core violation.

The system shows one top-level comment a page (RADAR_THREAD_PAGE_SIZE=1); a citizen's own pending
comments are in their thread, so three comments of theirs make three pages without a moderator.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.axe_audit import AXE, Audit, assert_clean
from tests.browser.conftest import RunningRadar, another_radar
from tests.browser.test_accessibility import write_comment

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
PAGER = "nav.thread-pager"


@pytest.fixture(scope="module")
def paged_radar(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningRadar]:
    with another_radar(tmp_path_factory, "radar-thread", RADAR_THREAD_PAGE_SIZE="1") as radar:
        yield radar


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_pages_of_a_thread_are_linked_both_ways_without_accessibility_violation(
    browser: Any, paged_radar: RunningRadar, lang: str
) -> None:
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: run `npm ci` in tests/browser")
    slug = str(paged_radar.api("/measures", per_page=1)["items"][0]["slug"])
    citizen = Audit(browser, paged_radar, axe=AXE, lang=lang)
    tab = citizen.tab
    try:
        citizen.choose_language()
        for n in (1, 2, 3):
            write_comment(tab, slug, f"Gedanke {n} ({lang}).")
        assert tab.url.endswith(f"/massnahmen/{slug}?kommentare=3#kommentare")  # where the newest is
        citizen.here(f"/massnahmen/{slug}?kommentare=3")
        for n in (2, 1):
            with tab.expect_navigation():
                tab.locator(f"{PAGER} a[rel=prev]").click()
            assert f"Gedanke {n} ({lang})." in tab.locator("ol.comments").inner_text()
            citizen.here(tab.url.removeprefix(paged_radar.url))
        assert tab.locator(f"{PAGER} a[rel=prev]").count() == 0
        with tab.expect_navigation():
            tab.locator(f"{PAGER} a[rel=next]").click()
        assert tab.url.endswith(f"/massnahmen/{slug}?kommentare=2#kommentare")
        nav = tab.get_by_role(
            "navigation", name="Seiten der Kommentare" if lang == "de" else "Pages of the comments"
        )
        assert nav.count() == 1
        assert_clean(citizen)
    finally:
        citizen.close()
