"""Headless Chromium (Debian's, at /usr/bin/chromium) against the whole system as `radar up` runs it.

Playwright drives the installed Chromium; it never downloads a browser of its own. Each
launch gets a fresh, temporary user data directory from Playwright, and each test a fresh
browser context (its own cookies). Without /usr/bin/chromium every browser test is skipped.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from radar_cli.embedded import free_port
from tests.radar_process import RADAR, Launcher

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
LOGIN_LINE = re.compile(r"staff log-in: (\S+@\S+) with the password in RADAR_ADMIN_PASSWORD")
ADMIN_PASSWORD = "browser-test-password-1"
MODERATOR_PASSWORD = "browser-moderator-password-1"


@dataclass(frozen=True)
class RunningRadar:
    url: str
    email: str
    password: str
    data_dir: Path

    def api(self, path: str, **params: Any) -> Any:
        """A public JSON answer of the running system."""
        response = httpx.get(f"{self.url}/api/v1{path}", params=params, timeout=10)
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    return CHROMIUM


@contextmanager
def launched(folder: Path, **env: str) -> Iterator[Launcher]:
    """`radar up` on this data directory with these settings, ready; stopped on exit."""
    launcher = Launcher(folder, free_port(), **env)
    try:
        launcher.wait_until_ready()
        yield launcher
    finally:
        launcher.force_stop()


@contextmanager
def another_radar(tmp_path_factory: pytest.TempPathFactory, name: str, **env: str) -> Iterator[RunningRadar]:
    """A system of its own with these settings, for the tests that need other ones (no staff log-in)."""
    with launched(tmp_path_factory.mktemp(name), **env) as launcher:
        yield RunningRadar(url=launcher.url, email="", password="", data_dir=launcher.data_dir)


@pytest.fixture(scope="session")
def radar(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningRadar]:
    """The whole system, started once for all browser tests; the admin may edit measures."""
    with launched(tmp_path_factory.mktemp("radar-browser"), RADAR_ADMIN_PASSWORD=ADMIN_PASSWORD) as launcher:
        email = LOGIN_LINE.search(launcher.wait_for("staff log-in:"))
        assert email is not None, launcher.output
        yield RunningRadar(
            url=launcher.url, email=email.group(1), password=ADMIN_PASSWORD, data_dir=launcher.data_dir
        )


@dataclass(frozen=True)
class StaffLogin:
    email: str
    password: str


@pytest.fixture(scope="session")
def moderator(radar: RunningRadar) -> StaffLogin:
    """A moderator's account in the running system, added as an operator adds one: `radar staff add`."""
    email = "moderation@example.org"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RADAR_")}
    added = subprocess.run(
        [str(RADAR), "staff", "add", email, "--role", "moderator"],
        input=MODERATOR_PASSWORD + "\n",
        env={**env, "RADAR_DATA_DIR": str(radar.data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert added.returncode == 0, added.stdout + added.stderr
    return StaffLogin(email=email, password=MODERATOR_PASSWORD)


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, radar: RunningRadar) -> Iterator[Any]:
    """A page in a fresh context (no cookies), with the system's address as base URL."""
    context = browser.new_context(base_url=radar.url, locale="de-DE", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def log_in(tab: Any, radar: RunningRadar) -> None:
    """Log in through the log-in page as the staff admin (an admin lands in the editor)."""
    log_in_as(tab, StaffLogin(radar.email, radar.password), landing="**/redaktion**")


def log_in_as(tab: Any, staff: StaffLogin, *, landing: str | re.Pattern[str]) -> None:
    """Log in through the log-in page, and wait for the page it lands on."""
    tab.goto("/anmelden")
    tab.get_by_label("E-Mail-Adresse").fill(staff.email)
    tab.get_by_label("Passwort").fill(staff.password)
    tab.get_by_role("button", name="Anmelden").click()
    tab.wait_for_url(landing)
