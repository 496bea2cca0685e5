"""Staff sessions end with the account: disabling it, a new password or a new role ends every
session at once; an unused session ends after the idle timeout. Through the gateway on real
servers, with the account changes made by the `radar staff` commands."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis

import radar_gateway.logins
from radar_cli.embedded import EmbeddedPostgres
from radar_cli.main import build_parser
from radar_cli.staff import ADMIN_EMAIL, ensure_admin_login
from radar_cli.valkey import EmbeddedValkey
from radar_gateway.accounts import StaffAccount, add_staff, disable_staff
from radar_gateway.security_log import LOGGER
from radar_gateway.sessions import end_account_sessions, load_session, open_session
from tests.integration.gateway_system import PASSWORD, System

pytestmark = pytest.mark.integration
Radar = Callable[..., Awaitable[int]]


@pytest.fixture
def radar(
    pg: EmbeddedPostgres,
    system: System,
    redis_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Radar:
    """The `radar` command on the test's gateway database and Redis; stdin as given."""
    monkeypatch.setenv("RADAR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RADAR_DATABASE_ADMIN_URL", pg.admin_dsn())
    monkeypatch.setenv("RADAR_GATEWAY_DATABASE_URL", system.gateway_dsn)
    monkeypatch.setenv("RADAR_REDIS_URL", redis_url)

    async def run(*argv: str, stdin: str = "") -> int:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        args = build_parser().parse_args(list(argv))
        return int(await asyncio.to_thread(args.func, args))  # the command runs its own event loop

    return run


async def log_in(system: System, email: str, password: str = PASSWORD) -> httpx.AsyncClient:
    """Another browser, logged in as this account."""
    browser = system.client()
    r = await browser.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    browser.headers["X-CSRF-Token"] = browser.cookies["radar_csrf"]
    return browser


async def is_logged_in(browser: httpx.AsyncClient) -> bool:
    r = await browser.get("/api/v1/auth/me")
    assert r.status_code == 200 or (r.status_code, r.json()["error"]) == (401, "LOGIN_REQUIRED"), r.text
    return r.status_code == 200


def new_email(role: str) -> str:
    return f"{role}-{uuid.uuid4().hex[:8]}@example.org"


async def test_disabling_an_account_ends_all_its_sessions_at_once_and_refuses_its_log_in(
    system: System, radar: Radar, caplog: pytest.LogCaptureFixture
) -> None:
    email = new_email("editor")
    first = await system.staff("editor", email=email)
    second = await log_in(system, email)
    colleague = await system.staff("editor")
    assert [await is_logged_in(b) for b in (first, second, colleague)] == [True, True, True]

    assert await radar("staff", "disable", email) == 0

    assert [await is_logged_in(b) for b in (first, second, colleague)] == [False, False, True]
    caplog.set_level(logging.INFO, logger=LOGGER)
    caplog.clear()
    r = await system.client().post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert (r.status_code, r.json()["error"]) == (401, "LOGIN_FAILED")  # as for any wrong log-in
    logged = [json.loads(r.getMessage())["event"] for r in caplog.records if r.name == LOGGER]
    assert logged == ["login.failed"]  # refused before any session was opened


async def test_a_new_password_ends_every_session_and_only_the_new_password_opens_one(
    system: System, radar: Radar
) -> None:
    email = new_email("moderator")
    browser = await system.staff("moderator", email=email)
    new_password = "a brand new passphrase"

    assert await radar("staff", "password", email, stdin=f"{new_password}\n") == 0

    assert not await is_logged_in(browser)
    old = await system.client().post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert (old.status_code, old.json()["error"]) == (401, "LOGIN_FAILED")
    assert await is_logged_in(await log_in(system, email, new_password))


async def test_a_new_role_ends_the_sessions_that_carry_the_old_roles(system: System, radar: Radar) -> None:
    email = new_email("editor")
    browser = await system.staff("editor", email=email)
    refused = await browser.get("/api/v1/moderation/queue")
    assert (refused.status_code, refused.json()["error"]) == (403, "ROLE_REQUIRED")

    assert await radar("staff", "add", email, "--role", "moderator", stdin=f"{PASSWORD}\n") == 0

    assert not await is_logged_in(browser)
    again = await log_in(system, email)
    assert (await again.get("/api/v1/auth/me")).json()["staff"]["roles"] == ["editor", "moderator"]
    assert (await again.get("/api/v1/moderation/queue")).status_code == 200


async def test_the_staff_commands_refuse_an_unknown_account_and_a_short_password(
    system: System, radar: Radar, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = new_email("nobody")
    assert await radar("staff", "disable", unknown) == 1
    assert await radar("staff", "password", unknown, stdin="long enough passphrase\n") == 1
    email = new_email("editor")
    await add_staff(system.gateway_dsn, email=email, password=PASSWORD, role="editor")
    assert await radar("staff", "password", email, stdin="short\n") == 1
    errors = capsys.readouterr().err
    assert f"radar: there is no staff account {unknown}" in errors
    assert "radar: the password needs at least 12 characters" in errors
    assert await is_logged_in(await log_in(system, email))


async def make_idle(redis: Redis, minutes: int) -> None:
    """Let every session's last use lie this many minutes further back, as if that time had passed."""
    async for key in redis.scan_iter(match="radar:session:*"):
        session = json.loads(await redis.get(key) or "")
        session["seen"] -= minutes * 60
        await redis.set(key, json.dumps(session), keepttl=True)


async def test_a_session_unused_for_longer_than_the_idle_timeout_ends(system: System, redis: Redis) -> None:
    browser = await system.staff("editor")
    await make_idle(redis, 29)
    assert await is_logged_in(browser)  # used within 30 minutes: still open, and now fresh again
    await make_idle(redis, 29)
    assert await is_logged_in(browser)

    await make_idle(redis, 31)

    assert not await is_logged_in(browser)
    assert [key async for key in redis.scan_iter(match="radar:session:*")] == []


async def test_using_a_session_never_extends_its_absolute_lifetime(system: System, redis: Redis) -> None:
    browser = await system.staff("editor")
    [key] = [key async for key in redis.scan_iter(match="radar:session:*")]
    await redis.expire(key, 60)  # as if the 8 hours were nearly over
    await make_idle(redis, 10)

    assert await is_logged_in(browser)

    assert 0 < await redis.ttl(key) <= 60


async def test_an_account_disabled_while_its_log_in_runs_gets_no_session(
    system: System, redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = new_email("editor")
    await add_staff(system.gateway_dsn, email=email, password=PASSWORD, role="editor")
    authenticate = radar_gateway.logins.authenticate

    async def disabled_meanwhile(*args: object, **kwargs: object) -> object:
        account = await authenticate(*args, **kwargs)
        change = await disable_staff(system.gateway_dsn, email=email)  # what `radar staff disable` does
        assert change is not None
        await end_account_sessions(redis, change.staff_id, reason="disabled")
        return account

    monkeypatch.setattr(radar_gateway.logins, "authenticate", disabled_meanwhile)
    browser = system.client()
    r = await browser.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})

    assert (r.status_code, r.json()["error"]) == (401, "LOGIN_FAILED")
    assert not await is_logged_in(browser)
    assert [key async for key in redis.scan_iter(match="radar:session:*")] == []


class EndsRightAfterReading:
    """A Redis client whose every GET is followed at once by the end of all of one account's sessions."""

    def __init__(self, redis: Redis, staff_id: uuid.UUID) -> None:
        self._redis, self._staff_id = redis, staff_id

    async def get(self, key: str) -> object:
        value = await self._redis.get(key)
        await end_account_sessions(self._redis, self._staff_id, reason="disabled")
        return value

    def __getattr__(self, name: str) -> object:
        return getattr(self._redis, name)


async def test_a_session_ended_while_a_request_uses_it_stays_ended(system: System, redis: Redis) -> None:
    browser = await system.staff("editor")
    staff_id = uuid.UUID((await browser.get("/api/v1/auth/me")).json()["staff"]["id"])
    await make_idle(redis, 5)  # its last use is written again on this request
    racing = EndsRightAfterReading(redis, staff_id)

    settings = system.gateway._transport.app.state.gateway.settings  # type: ignore[attr-defined]
    await load_session(racing, browser.cookies["radar_session"], key=settings.session_id_key)

    assert [key async for key in redis.scan_iter(match="radar:session:*")] == []
    assert not await is_logged_in(browser)


async def test_a_new_admin_password_at_start_ends_the_admins_sessions_and_the_same_one_does_not(
    system: System, redis_url: str
) -> None:
    async def start_with(password: str) -> None:  # what `radar up` does with RADAR_ADMIN_PASSWORD
        env = {"RADAR_ADMIN_PASSWORD": password}
        await asyncio.to_thread(ensure_admin_login, system.gateway_dsn, env, redis_url=redis_url)

    await start_with(PASSWORD)
    admin = await log_in(system, ADMIN_EMAIL)
    await start_with(PASSWORD)
    assert await is_logged_in(admin)

    await start_with("another long passphrase")

    assert not await is_logged_in(admin)
    assert await is_logged_in(await log_in(system, ADMIN_EMAIL, "another long passphrase"))


async def test_a_change_made_while_the_system_is_stopped_ends_the_sessions_kept_on_disk(
    pg: EmbeddedPostgres,
    new_database: Callable[[str], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dsn, email = new_database("gateway"), new_email("editor")
    added = await add_staff(dsn, email=email, password=PASSWORD, role="editor")
    account = StaffAccount(added.staff_id, email, frozenset({"editor"}), access_version=1)
    valkey = EmbeddedValkey(tmp_path)  # the data directory's Valkey, as a stopped system leaves it
    valkey.start()
    async with Redis.from_url(valkey.url) as redis:
        await open_session(
            redis, account, key=b"any key: the stopped system's Valkey", hours=8, idle_minutes=30
        )
    valkey.stop()
    for name, value in {"RADAR_DATA_DIR": str(tmp_path), "RADAR_DATABASE_ADMIN_URL": pg.admin_dsn(),
                        "RADAR_GATEWAY_DATABASE_URL": dsn}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("RADAR_REDIS_URL", raising=False)

    args = build_parser().parse_args(["staff", "disable", email])
    assert await asyncio.to_thread(args.func, args) == 0

    valkey.start()
    try:
        async with Redis.from_url(valkey.url) as redis:
            assert [key async for key in redis.scan_iter(match="radar:session:*")] == []
    finally:
        valkey.stop()
