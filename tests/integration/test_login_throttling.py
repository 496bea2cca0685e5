"""Log-in attempts through the gateway on real servers: throttled per address and per (account,
address) with a growing wait; an account attacked from elsewhere is only slowed down, never
locked; password checks run a few at a time; odd characters in the e-mail are refused."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import pytest
from redis.asyncio import Redis

import radar_gateway.logins
from radar_gateway.accounts import add_staff
from tests.integration.gateway_system import PASSWORD, System, start_system
from tests.integration.test_web_pages import form_token

pytestmark = pytest.mark.integration
LOGIN = "/api/v1/auth/login"
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


async def new_account(system: System, role: str = "editor") -> str:
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.org"
    await add_staff(system.gateway_dsn, email=email, password=PASSWORD, role=role)
    return email


async def test_the_owner_logs_in_from_another_address_after_50_failed_attempts_from_a_third(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = await new_account(system)
    attacker = system.client(ATTACKER)
    answers = [(await attacker.post(LOGIN, json={"email": email, "password": "guess"})) for _ in range(50)]
    assert {r.status_code for r in answers} == {401, 429}  # the attacker's own address waits
    slowed: list[float] = []

    async def pause(seconds: float) -> None:
        slowed.append(seconds)
        await asyncio.sleep(seconds)

    monkeypatch.setattr(radar_gateway.logins, "sleep", pause)
    owner = await system.client(OWNER).post(LOGIN, json={"email": email, "password": PASSWORD})

    assert owner.status_code == 200, owner.text
    assert len(slowed) == 1 and 0 < slowed[0] <= 3  # slowed down a little, as the account is attacked


async def test_one_address_trying_many_e_mails_is_throttled_and_others_are_not(system: System) -> None:
    sprayer = system.client(ATTACKER)
    own = await new_account(system)
    statuses = []
    for n in range(25):
        if n == 10:  # logging in to an account of one's own forgives the address nothing
            mine = await sprayer.post(LOGIN, json={"email": own, "password": PASSWORD})
            assert mine.status_code == 200
        email = f"someone-{uuid.uuid4().hex[:8]}@example.org"
        r = await sprayer.post(LOGIN, json={"email": email, "password": "Sommer2024!"})
        statuses.append(r.status_code)

    assert statuses == [401] * 20 + [429] * 5
    assert r.json()["error"] == "TOO_MANY_LOGIN_ATTEMPTS" and int(r.headers["Retry-After"]) > 0
    email = await new_account(system)
    other = await system.client(OWNER).post(LOGIN, json={"email": email, "password": PASSWORD})
    assert other.status_code == 200


async def waits_after_failures(system: System, redis: Redis, email: str, rounds: int) -> list[int]:
    """Fail from one address, each time the wait is over; the Retry-After of each wait."""
    browser = system.client(ATTACKER)
    waits = []
    for _ in range(rounds):
        r = await browser.post(LOGIN, json={"email": email, "password": "guess"})
        while r.status_code == 401:
            r = await browser.post(LOGIN, json={"email": email, "password": "guess"})
        assert (r.status_code, r.json()["error"]) == (429, "TOO_MANY_LOGIN_ATTEMPTS")
        waits.append(int(r.headers["Retry-After"]))
        async for key in redis.scan_iter(match="radar:login:wait:*"):
            await redis.delete(key)  # as if the wait were over
    return waits


async def test_each_failure_past_the_allowance_makes_the_next_wait_longer(
    system: System, redis: Redis
) -> None:
    email = await new_account(system)

    waits = await waits_after_failures(system, redis, email, rounds=4)

    assert waits == sorted(waits) and len(set(waits)) == 4, waits
    assert waits[-1] <= 900


async def test_unknown_e_mail_and_wrong_password_get_the_same_answer_after_the_same_work(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = await new_account(system)
    checks = system.gateway._transport.app.state.gateway.password_checks  # type: ignore[attr-defined]
    checked: list[str] = []
    matches = checks.matches

    async def counted(password_hash: str, password: str) -> bool:
        checked.append(password)
        return bool(await matches(password_hash, password))

    monkeypatch.setattr(checks, "matches", counted)
    wrong = await system.client("192.0.2.1").post(LOGIN, json={"email": email, "password": "wrong one"})
    unknown = await system.client("192.0.2.2").post(LOGIN, json={"email": f"x{email}", "password": "unknown"})

    assert (wrong.status_code, wrong.json()) == (unknown.status_code, unknown.json())
    assert (wrong.status_code, wrong.json()) == (
        401,
        {"error": "LOGIN_FAILED", "message": "E-mail or password is wrong."},
    )
    assert checked == ["wrong one", "unknown"]  # an unknown e-mail costs a password check too


async def test_password_checks_past_the_queue_answer_503_with_retry_after(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with start_system(
        new_database, redis_url, password_checks_at_once=1, password_checks_waiting=1
    ) as system:
        attempts = [
            system.client(f"198.51.100.{n}").post(
                LOGIN, json={"email": f"n{n}@example.org", "password": "wrong password"}
            )
            for n in range(12)
        ]
        answers = await asyncio.gather(*attempts)

    assert {r.status_code for r in answers} == {401, 503}
    busy = next(r for r in answers if r.status_code == 503)
    assert busy.json()["error"] == "LOGIN_BUSY" and int(busy.headers["Retry-After"]) > 0


@pytest.mark.parametrize("email", ["a\x00b@example.org", "ad\x1bmin@example.org", "admin@example.org\u202e"])
async def test_control_characters_in_the_log_in_e_mail_get_422_with_an_error_code(
    system: System, email: str
) -> None:
    api = await system.client().post(LOGIN, json={"email": email, "password": PASSWORD})
    assert (api.status_code, api.json()["error"]) == (422, "EMAIL_INVALID"), api.text

    browser = system.client()
    token = form_token((await browser.get("/anmelden")).text)
    form = await browser.post("/anmelden", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert form.status_code == 422, form.text
    assert form.headers["content-type"].startswith("text/html")
