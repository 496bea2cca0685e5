"""The internal token between the gateway and the services: one service, one method, one path."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from typing import Any

import pytest

from radar_lib.keys import Purpose, derive_key
from radar_lib.token import LIFETIME_SECONDS, InvalidToken, Principal, Target, sign, verify

pytestmark = pytest.mark.unit
SECRET = "unit-test-secret"
TARGET = Target(audience="moderation", method="GET", path="/moderation/queue")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed_claims(claims: dict[str, Any], *, key: bytes) -> str:
    """A token with these claims exactly, signed as the gateway signs."""
    body = _b64(json.dumps(claims).encode())
    return f"{body}.{_b64(hmac.new(key, body.encode(), hashlib.sha256).digest())}"


def claims_for(target: Target, **changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {"k": "anonymous", "sub": None, "roles": [], "exp": 9_999_999_999}
    return {**claims, "aud": target.audience, "m": target.method, "p": target.path, **changes}


def test_signed_principal_is_read_back_unchanged() -> None:
    who = Principal(kind="staff", id=uuid.uuid4(), roles=frozenset({"moderator", "editor"}))
    assert verify(sign(who, secret=SECRET, target=TARGET), secret=SECRET, target=TARGET) == who


def test_token_signed_with_another_secret_is_refused() -> None:
    token = sign(Principal(kind="participant", id=uuid.uuid4()), secret="other", target=TARGET)
    with pytest.raises(InvalidToken, match="bad signature"):
        verify(token, secret=SECRET, target=TARGET)


def test_a_token_is_signed_with_the_derived_key_not_with_the_secret_itself() -> None:
    key = derive_key(SECRET, Purpose.INTERNAL_TOKEN)
    assert (
        verify(signed_claims(claims_for(TARGET), key=key), secret=SECRET, target=TARGET).kind == "anonymous"
    )
    with pytest.raises(InvalidToken, match="bad signature"):
        verify(signed_claims(claims_for(TARGET), key=SECRET.encode()), secret=SECRET, target=TARGET)


def test_tampered_claims_are_refused() -> None:
    token = sign(Principal(kind="participant", id=uuid.uuid4()), secret=SECRET, target=TARGET)
    forged = sign(
        Principal(kind="staff", id=uuid.uuid4(), roles=frozenset({"admin"})), secret="x", target=TARGET
    )
    with pytest.raises(InvalidToken):
        verify(forged.split(".")[0] + "." + token.split(".")[1], secret=SECRET, target=TARGET)


def test_expired_token_is_refused() -> None:
    token = sign(Principal(kind="anonymous"), secret=SECRET, target=TARGET, now=1_000_000)
    assert (
        verify(token, secret=SECRET, target=TARGET, now=1_000_000 + LIFETIME_SECONDS - 1).kind == "anonymous"
    )
    with pytest.raises(InvalidToken, match="expired"):
        verify(token, secret=SECRET, target=TARGET, now=1_000_000 + LIFETIME_SECONDS + 1)


def test_a_token_lives_no_longer_than_thirty_seconds() -> None:
    assert LIFETIME_SECONDS <= 30


@pytest.mark.parametrize(
    "other",
    [
        Target(audience="catalog", method="GET", path="/moderation/queue"),
        Target(audience="moderation", method="POST", path="/moderation/queue"),
        Target(audience="moderation", method="GET", path="/moderation/statistics"),
        Target(audience="moderation", method="GET", path="/moderation/queue/"),
    ],
    ids=["another service", "another method", "another path", "a trailing slash"],
)
def test_a_token_opens_only_the_request_it_was_signed_for(other: Target) -> None:
    token = sign(Principal(kind="anonymous"), secret=SECRET, target=TARGET)
    with pytest.raises(InvalidToken, match="meant for another"):
        verify(token, secret=SECRET, target=other)


@pytest.mark.parametrize("expiry", ["9999999999", 9_999_999_999.5, None, True, [1]])
def test_a_signed_token_with_an_expiry_that_is_not_an_integer_is_refused(expiry: object) -> None:
    token = signed_claims(claims_for(TARGET, exp=expiry), key=derive_key(SECRET, Purpose.INTERNAL_TOKEN))
    with pytest.raises(InvalidToken, match="malformed expiry"):
        verify(token, secret=SECRET, target=TARGET)


@pytest.mark.parametrize("token", [None, "", "abc", "a.b.c", "!!!.???", "ä.ö"])
def test_missing_or_malformed_token_is_refused(token: str | None) -> None:
    with pytest.raises(InvalidToken):
        verify(token, secret=SECRET, target=TARGET)


def test_admin_has_every_role_but_participants_have_none() -> None:
    admin = Principal(kind="staff", id=uuid.uuid4(), roles=frozenset({"admin"}))
    assert admin.has_role("moderator") and admin.has_role("editor")
    editor = Principal(kind="staff", id=uuid.uuid4(), roles=frozenset({"editor"}))
    assert not editor.has_role("moderator")
    assert not Principal(kind="participant", id=uuid.uuid4(), roles=frozenset({"admin"})).has_role("admin")
