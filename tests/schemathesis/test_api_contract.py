"""The public API keeps to its OpenAPI document: schemathesis with every check on a running `radar up`.

Two runs against the gateway's /api/v1/openapi.json, anonymous and as the logged-in admin (the
session cookie and the CSRF header given to schemathesis as the document's security schemes, so
that it also tries each operation without them): no server error, no status, content type,
header or body the document does not describe, no credentials ignored, no schema-valid request
refused (but for the rules schemathesis.toml names). Each run is bounded by a fixed number of
examples per operation and a fixed seed (RADAR_SCHEMATHESIS_SEED explores others); the tier
takes about a minute on 2 cores.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from radar_cli.embedded import free_port
from tests.radar_process import Launcher

pytestmark = [pytest.mark.schemathesis, pytest.mark.timeout(600)]

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
ADMIN_PASSWORD = "schemathesis-admin-password"
MAX_EXAMPLES = 20
STAFF_AUTH = """
[auth.openapi.staffSession]
api_key = "${RADAR_STAFF_SESSION}"

[auth.openapi.csrfToken]
api_key = "${RADAR_STAFF_CSRF}"
"""


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launcher]:
    launcher = Launcher(
        tmp_path_factory.mktemp("radar-data"), free_port(), RADAR_ADMIN_PASSWORD=ADMIN_PASSWORD
    )
    try:
        launcher.wait_until_ready()
        yield launcher
    finally:
        launcher.force_stop()


@pytest.fixture(scope="module")
def admin(system: Launcher) -> dict[str, str]:
    """The admin's session, opened before any run: the anonymous run's failed log-ins slow this address."""
    r = httpx.post(
        f"{system.url}/api/v1/auth/login",
        json={"email": "admin@example.org", "password": ADMIN_PASSWORD},
        trust_env=False,
    )
    assert r.status_code == 200, r.text
    return {"RADAR_STAFF_SESSION": r.cookies["radar_session"], "RADAR_STAFF_CSRF": r.cookies["radar_csrf"]}


def run_schemathesis(
    system: Launcher, *, config: Path, workdir: Path, env: dict[str, str], extra: list[str]
) -> None:
    """`schemathesis run --checks all` against the system; fails with schemathesis's report."""
    argv = [
        str(SCHEMATHESIS), "--config-file", str(config), "--no-color",
        "run", f"{system.url}/api/v1/openapi.json",
        "--checks", "all",
        "--max-examples", str(MAX_EXAMPLES),
        "--seed", os.environ.get("RADAR_SCHEMATHESIS_SEED", "7"),
        # one worker: with more, hypothesis parses sources in threads, which CPython 3.11
        # before 3.11.8 can fail at (SystemError: AST constructor recursion depth mismatch)
        "--workers", "1",
        "--generation-database", "none",
        "--output-truncate", "false",
        *extra,
    ]  # fmt: skip
    result = subprocess.run(
        argv, cwd=workdir, env={**os.environ, **env}, capture_output=True, text=True, timeout=500, check=False
    )
    report = "\n".join(line[:400] for line in result.stdout.splitlines())  # generated URLs run long
    assert result.returncode == 0, f"{report[-40_000:]}\n{result.stderr[-5_000:]}"


def test_anonymous_calls_get_only_answers_the_document_describes(
    system: Launcher, admin: dict[str, str], tmp_path: Path
) -> None:
    run_schemathesis(system, config=CONFIG, workdir=tmp_path, env={}, extra=[])


def test_staff_calls_get_only_answers_the_document_describes(
    system: Launcher, admin: dict[str, str], tmp_path: Path
) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG.read_text(encoding="utf-8") + STAFF_AUTH, encoding="utf-8")
    # log-out is left out of this run only: it would end the session the rest of the run uses
    run_schemathesis(
        system, config=config, workdir=tmp_path, env=admin, extra=["--exclude-path", "/api/v1/auth/logout"]
    )
    cookies = {"radar_session": admin["RADAR_STAFF_SESSION"]}
    me = httpx.get(f"{system.url}/api/v1/auth/me", cookies=cookies, trust_env=False)
    assert me.status_code == 200, "the run went on without its session"
