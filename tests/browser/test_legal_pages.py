"""The legal and trust pages in a real browser: reached from the footer, in the page's language.

axe-core checks them with every other page in test_accessibility.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import RunningRadar

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
PAGES = ["/impressum", "/datenschutz", "/barrierefreiheit", "/netiquette"]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_legal_pages_are_in_the_footer_in_the_chosen_language(
    browser: Any, radar: RunningRadar, lang: str
) -> None:
    context = browser.new_context(base_url=radar.url)
    try:
        tab = context.new_page()
        tab.goto(f"/?lang={lang}")
        for path in PAGES:
            footer_link = tab.locator(f'footer a[href="{path}"]')
            assert footer_link.count() == 1, path
            footer_link.click()
            tab.wait_for_url(f"**{path}")
            assert tab.locator("html").get_attribute("lang") == lang
    finally:
        context.close()
