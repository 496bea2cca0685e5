"""Screenshots of the radar and of a measure page for the docs, from a running system.

    make run                                   # in one terminal
    .venv/bin/python -m tools.screenshots      # in another; or --url http://host:port

Uses Debian's Chromium (/usr/bin/chromium) through Playwright; writes docs/screenshots/radar.png
and docs/screenshots/measure.png.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def take(url: str, measure: str | None, out: Path) -> list[Path]:
    """Save the screenshots; the paths written."""
    if measure is None:
        answer = httpx.get(f"{url}/api/v1/measures", params={"per_page": 1, "q": "E-Akte"}, timeout=10).json()
        items = (
            answer["items"]
            or httpx.get(f"{url}/api/v1/measures", params={"per_page": 1}, timeout=10).json()["items"]
        )
        measure = items[0]["slug"]
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "radar.png", out / "measure.png"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400}, device_scale_factor=1)
        page.goto(f"{url}/")
        page.screenshot(path=str(written[0]), full_page=False)
        page.goto(f"{url}/massnahmen/{measure}")
        page.screenshot(path=str(written[1]), full_page=True)
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running radar")
    parser.add_argument("--measure", help="slug of the measure to show (default: E-Akte, else the first)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    for path in take(args.url.rstrip("/"), args.measure, args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
