"""Log-in rules without servers: the growing waits, the capped slow-down, the bound on password checks."""

from __future__ import annotations

import asyncio

import pytest

from radar_gateway.accounts import PasswordChecks, PasswordChecksBusy, _hasher
from radar_gateway.logins import slowdown_after, wait_after

pytestmark = pytest.mark.unit


def test_an_address_waits_twice_as_long_after_each_failure_past_its_allowance_up_to_the_window() -> None:
    waits = [wait_after(n, allowed=5, longest=900) for n in range(1, 17)]
    assert waits == [0, 0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]
    assert wait_after(10_000, allowed=5, longest=900) == 900


def test_an_attacked_account_is_slowed_a_little_and_never_more_than_the_cap() -> None:
    delays = [slowdown_after(n, allowed=5, longest=3.0) for n in range(3, 11)]
    assert delays == [0.0, 0.0, 0.25, 0.5, 1.0, 2.0, 3.0, 3.0]
    assert slowdown_after(10_000, allowed=5, longest=3.0) == 3.0


async def test_password_checks_past_the_running_and_waiting_ones_are_refused_at_once() -> None:
    checks = PasswordChecks(at_once=2, waiting=3)
    password_hash = _hasher.hash("right password")
    calls = [asyncio.ensure_future(checks.matches(password_hash, "wrong")) for _ in range(2 + 3 + 2)]

    answers = await asyncio.gather(*calls, return_exceptions=True)

    assert answers[:5] == [False] * 5  # two ran at once, three waited for their turn
    assert all(isinstance(a, PasswordChecksBusy) for a in answers[5:])
    assert await checks.matches(password_hash, "right password") is True  # every turn was given back
