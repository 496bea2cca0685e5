"""The internal token between the gateway and the services."""

from __future__ import annotations

import uuid

import pytest

from radar_lib.token import LIFETIME_SECONDS, InvalidToken, Principal, sign, verify

pytestmark = pytest.mark.unit
SECRET = "unit-test-secret"


def test_signed_principal_is_read_back_unchanged() -> None:
    who = Principal(kind="staff", id=uuid.uuid4(), roles=frozenset({"moderator", "editor"}))
    assert verify(sign(who, secret=SECRET), secret=SECRET) == who


def test_token_signed_with_another_secret_is_refused() -> None:
    token = sign(Principal(kind="participant", id=uuid.uuid4()), secret="other")
    with pytest.raises(InvalidToken, match="bad signature"):
        verify(token, secret=SECRET)


def test_tampered_claims_are_refused() -> None:
    token = sign(Principal(kind="participant", id=uuid.uuid4()), secret=SECRET)
    forged = sign(Principal(kind="staff", id=uuid.uuid4(), roles=frozenset({"admin"})), secret="x")
    with pytest.raises(InvalidToken):
        verify(forged.split(".")[0] + "." + token.split(".")[1], secret=SECRET)


def test_expired_token_is_refused() -> None:
    token = sign(Principal(kind="anonymous"), secret=SECRET, now=1_000_000)
    assert verify(token, secret=SECRET, now=1_000_000 + LIFETIME_SECONDS - 1).kind == "anonymous"
    with pytest.raises(InvalidToken, match="expired"):
        verify(token, secret=SECRET, now=1_000_000 + LIFETIME_SECONDS + 1)


@pytest.mark.parametrize("token", [None, "", "abc", "a.b.c", "!!!.???"])
def test_missing_or_malformed_token_is_refused(token: str | None) -> None:
    with pytest.raises(InvalidToken):
        verify(token, secret=SECRET)


def test_admin_has_every_role_but_participants_have_none() -> None:
    admin = Principal(kind="staff", id=uuid.uuid4(), roles=frozenset({"admin"}))
    assert admin.has_role("moderator") and admin.has_role("editor")
    editor = Principal(kind="staff", id=uuid.uuid4(), roles=frozenset({"editor"}))
    assert not editor.has_role("moderator")
    assert not Principal(kind="participant", id=uuid.uuid4(), roles=frozenset({"admin"})).has_role("admin")
