"""axe-core on the main pages: no serious or critical WCAG 2.1 A/AA violations; the rest is printed.

axe is injected as a script, which the pages' strict Content-Security-Policy would refuse:
only the context that runs axe bypasses the CSP.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import RunningRadar, log_in

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PUBLIC_PAGES = ["/", "/?status=in_umsetzung", "/felder/digital-government", "/massnahmen/e-akte", "/anmelden"]
STAFF_PAGES = ["/redaktion", "/redaktion/massnahmen/e-akte", "/redaktion/massnahmen/neu"]


@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: run `npm ci` in tests/browser")
    return AXE


def check(tab: Any, axe: Path, path: str) -> None:
    tab.goto(path)
    audit(tab, axe, path)


def audit(tab: Any, axe: Path, path: str) -> None:
    """axe-core on the page as it is now (a form's answer cannot be fetched again by its address)."""
    tab.add_script_tag(path=str(axe))
    result = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    found = result["violations"]
    for v in result["incomplete"]:  # axe could not decide, e.g. the contrast of SVG text: checked by hand
        print(f"axe {path}: needs review: {v['id']} ({len(v['nodes'])} nodes)")
    for v in found:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"]][:5]
        print(f"axe {path}: {v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} nodes) {targets}")
    serious = [f"{v['id']} ({v['impact']})" for v in found if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{path}: {serious}"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_serious_accessibility_violations(
    browser: Any, radar: RunningRadar, axe_script: Path, path: str
) -> None:
    context = browser.new_context(base_url=radar.url, bypass_csp=True)
    try:
        check(context.new_page(), axe_script, path)
    finally:
        context.close()


def test_editor_pages_have_no_serious_accessibility_violations(
    browser: Any, radar: RunningRadar, axe_script: Path
) -> None:
    context = browser.new_context(base_url=radar.url, bypass_csp=True)
    try:
        tab = context.new_page()
        log_in(tab, radar)
        for path in STAFF_PAGES:
            check(tab, axe_script, path)
    finally:
        context.close()
