"""axe-core in the browser tests: run it on a page, gather what it finds, fail on any violation.

axe is injected as a script, which the pages' strict Content-Security-Policy would refuse: only
the contexts that run axe bypass the CSP. What axe could not decide ("incomplete", e.g. the
contrast of the radar's SVG text) is printed, not failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import RunningRadar

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def violations(tab: Any, axe: Path, where: str) -> list[str]:
    """axe-core on the page as it is now: its violations, one line each; the undecided ones printed."""
    tab.add_script_tag(path=str(axe))
    result = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    for v in result["incomplete"]:
        print(f"axe {where}: needs review: {v['id']} ({len(v['nodes'])} nodes)")
    found = []
    for v in result["violations"]:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"]][:5]
        found.append(f"{where}: {v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} nodes) {targets}")
    return found


def audit(tab: Any, axe: Path, path: str) -> None:
    """No axe-core violation on the page as it is now (a form's answer cannot be fetched again)."""
    found = violations(tab, axe, path)
    assert found == [], "\n".join(found)


def check(tab: Any, axe: Path, path: str) -> None:
    tab.goto(path)
    audit(tab, axe, path)


class Audit:
    """One language's (or role's) context and tab, and every violation met there, to fail once with all."""

    def __init__(self, browser: Any, radar: RunningRadar, *, axe: Path, lang: str) -> None:
        self.context = browser.new_context(base_url=radar.url, bypass_csp=True, locale=f"{lang}-DE")
        self.tab = self.context.new_page()
        self.tab.set_default_timeout(15_000)
        self.axe, self.lang, self.found, self.pages = axe, lang, list[str](), 0

    def choose_language(self) -> None:
        self.tab.goto(f"/?lang={self.lang}")  # the cookie keeps the language for the pages after

    def visit(self, path: str) -> None:
        self.tab.goto(path)
        self.here(path)

    def here(self, where: str) -> None:
        """axe on the page as it is now, which must be in the chosen language."""
        assert self.tab.locator("html").get_attribute("lang") == self.lang, where
        self.found += violations(self.tab, self.axe, f"{where} ({self.lang})")
        self.pages += 1

    def send(self, form: str, *, where: str, fill: dict[str, str], shows: str) -> None:
        """Fill in a form (CSS selector: value), send it past the browser's checks, audit the answer.

        `shows` selects what the answer must show (the refusal, or the notice of success).
        """
        for selector, value in fill.items():
            self.tab.locator(selector).fill(value)
        sent = self.tab.locator(form).first
        sent.evaluate("f => { f.noValidate = true; }")  # the server's refusal is a page too
        with self.tab.expect_navigation():
            sent.locator("button[type=submit]").first.click()
        assert self.tab.locator(shows).count() > 0, f"{where}: nothing like {shows}"
        self.here(where)

    def close(self) -> None:
        self.context.close()


def assert_clean(*audits: Audit) -> None:
    """No violation on any page the audits saw."""
    found = [line for a in audits for line in a.found]
    print(f"axe: {sum(a.pages for a in audits)} pages checked")
    assert found == [], "\n" + "\n".join(found)
