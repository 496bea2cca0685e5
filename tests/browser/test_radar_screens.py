"""The radar on a phone (390 px) and a desktop (1280 px): readable text, large targets, names on focus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import RunningRadar

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = (390, 1280)
VISIBLE_BLIPS = "svg.radar a.blip:visible, svg.radar-field a.blip:visible"
SMALLEST_TEXT = """() => {
  const sizes = [];
  for (const svg of document.querySelectorAll('svg.radar, svg.radar-field')) {
    if (!svg.getClientRects().length) continue;
    for (const text of svg.querySelectorAll('text')) {
      if (!text.getBoundingClientRect().height) continue;
      const m = text.getScreenCTM();  // the viewBox's scale (and any transform) on the way to the screen
      sizes.push(parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b));
    }
  }
  return sizes;
}"""


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def screen(request: pytest.FixtureRequest, browser: Any, radar: RunningRadar) -> Iterator[Any]:
    context = browser.new_context(
        base_url=radar.url, locale="de-DE", viewport={"width": request.param, "height": 900}
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.goto("/")
    yield tab
    context.close()


def test_no_text_in_the_radar_is_under_12_css_px(screen: Any) -> None:
    sizes = screen.evaluate(SMALLEST_TEXT)

    assert sizes, "no visible radar text"
    assert min(sizes) >= 12 - 0.01


def test_every_blip_is_a_target_of_at_least_24_by_24_px(screen: Any, radar: RunningRadar) -> None:
    boxes = [b.bounding_box() for b in screen.locator(VISIBLE_BLIPS).all()]

    assert len(boxes) == radar.api("/measures", per_page=1)["total"]
    assert all(box["width"] >= 24 and box["height"] >= 24 for box in boxes), boxes


def test_a_focused_blip_shows_its_name(screen: Any) -> None:
    blip = screen.locator(VISIBLE_BLIPS).first
    name = blip.get_attribute("aria-label")
    caption = blip.locator(".blip-name")
    assert not caption.is_visible()

    blip.focus()

    assert caption.is_visible()
    assert name in " ".join((caption.text_content() or "").split())


def test_the_page_never_scrolls_sideways(screen: Any) -> None:
    assert screen.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def test_screenshots_of_both_widths(screen: Any) -> None:
    width = screen.viewport_size["width"]
    path = SCREENSHOTS / f"radar-{width}.png"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    first = ".field-radars h2" if width < 1000 else ".radar-section"
    screen.locator(first).evaluate("e => e.scrollIntoView()")
    screen.screenshot(path=str(path))
    assert path.stat().st_size > 0
