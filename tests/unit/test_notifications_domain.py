"""Notifications' rules: requests, link tokens, retries and bounces, the digest's time."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from radar_notifications.domain.deliveries import gives_up, pauses, retry_delay
from radar_notifications.domain.rules import (
    NotificationsError,
    confirmation_state,
    email_of,
    preferences_of,
    scope_of,
    webhook_secret_of,
)
from radar_notifications.domain.tokens import (
    CONFIRM,
    LEAVE,
    MANAGE,
    UNSUBSCRIBE,
    LinkToken,
    link_key,
    read_link,
    sign_link,
)
from radar_notifications.upkeep import digest_due

pytestmark = pytest.mark.unit

KEY = link_key("a-test-secret-for-links")


def code_of(call: object) -> str:
    assert callable(call)
    with pytest.raises(NotificationsError) as refused:
        call()
    return refused.value.code


@pytest.mark.parametrize(
    "email", ["", "no-at-sign", "a@b c.org", "zwei@@example.org", "a\u202e@example.org", 5, None]
)
def test_bad_addresses_are_email_invalid(email: object) -> None:
    assert code_of(lambda: email_of(email)) == "EMAIL_INVALID"


def test_addresses_are_kept_as_the_text_policy_cleans_them() -> None:
    assert email_of("  Anna.Beispiel@Example.ORG ") == "Anna.Beispiel@example.org"


@pytest.mark.parametrize(
    "scope",
    [None, {}, {"type": "everything"}, {"type": "all", "id": "x"}, {"type": "measure"},
     {"type": "field", "id": " "}, {"type": "measure", "id": "x" * 201},
     {"type": "comment", "id": str(uuid.uuid4())}],
)  # fmt: skip
def test_unknown_scopes_are_refused(scope: object) -> None:
    assert code_of(lambda: scope_of(scope)) == "SCOPE_UNKNOWN"


def test_scopes_name_what_they_follow() -> None:
    assert scope_of({"type": "all"}).type == "all"
    assert scope_of({"type": "measure", "id": " e-akte "}).ref == "e-akte"


def test_preferences_are_checked_and_webhooks_have_no_digest() -> None:
    assert preferences_of(new_comments=True, language="en", mode="digest", webhook=False).mode == "digest"
    assert code_of(
        lambda: preferences_of(new_comments=False, language="fr", mode="immediate", webhook=False)
    ) == ("LANGUAGE_UNKNOWN")
    assert code_of(
        lambda: preferences_of(new_comments=False, language="de", mode="weekly", webhook=False)
    ) == ("MODE_UNKNOWN")
    assert code_of(
        lambda: preferences_of(new_comments=False, language="de", mode="digest", webhook=True)
    ) == ("MODE_UNKNOWN")


@pytest.mark.parametrize("secret", ["short", "x" * 201, "geheimnis-mit-ümlaut-1234", "tab\there-is-a-secret"])
def test_webhook_secrets_are_printable_ascii_of_sensible_length(secret: str) -> None:
    assert code_of(lambda: webhook_secret_of(secret)) == "WEBHOOK_SECRET_INVALID"


def test_a_signed_link_reads_back_for_its_kind_only() -> None:
    token = LinkToken(MANAGE, uuid.uuid4())
    signed = sign_link(token, key=KEY)
    assert read_link(signed, key=KEY, kinds=(MANAGE,)) == token
    assert code_of(lambda: read_link(signed, key=KEY, kinds=(UNSUBSCRIBE, LEAVE))) == "TOKEN_INVALID"


def test_a_forged_or_mangled_link_is_invalid() -> None:
    signed = sign_link(LinkToken(UNSUBSCRIBE, uuid.uuid4()), key=KEY)
    body, mac = signed.split(".")
    other = sign_link(LinkToken(UNSUBSCRIBE, uuid.uuid4()), key=KEY).split(".")[0]
    for bad in [f"{other}.{mac}", f"{body}.{mac[:-2]}", signed + ".x", "", "ä.b", body, "x" * 500]:
        assert code_of(lambda bad=bad: read_link(bad, key=KEY, kinds=(UNSUBSCRIBE,))) == "TOKEN_INVALID"
    assert code_of(lambda: read_link(signed, key=link_key("another-secret"), kinds=(UNSUBSCRIBE,))) == (
        "TOKEN_INVALID"
    )


def test_a_confirmation_link_expires() -> None:
    signed = sign_link(LinkToken(CONFIRM, uuid.uuid4(), expires=1_000), key=KEY)
    assert read_link(signed, key=KEY, kinds=(CONFIRM,), now=999.0).expires == 1_000
    assert code_of(lambda: read_link(signed, key=KEY, kinds=(CONFIRM,), now=1_001.0)) == "TOKEN_EXPIRED"


def test_confirming_twice_does_nothing_the_second_time_and_expired_is_refused() -> None:
    assert confirmation_state(confirmed=False, expired=False) == "confirm"
    assert confirmation_state(confirmed=True, expired=True) == "already_confirmed"
    assert code_of(lambda: confirmation_state(confirmed=False, expired=True)) == "TOKEN_EXPIRED"


def test_retries_back_off_doubling_up_to_the_cap() -> None:
    assert [retry_delay(a, first=30, cap=3600) for a in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


def test_a_permanent_refusal_fails_at_once_a_temporary_one_after_the_attempts() -> None:
    assert gives_up(attempts=1, permanent=True, max_attempts=10)
    assert not gives_up(attempts=9, permanent=False, max_attempts=10)
    assert gives_up(attempts=10, permanent=False, max_attempts=10)


def test_a_subscriber_is_paused_after_the_bounce_limit() -> None:
    assert not pauses(bounces=2, limit=3)
    assert pauses(bounces=3, limit=3)


def test_the_digest_is_due_from_its_time_of_day() -> None:
    assert digest_due(datetime(2025, 3, 1, 6, 59), at="07:00") is None
    assert digest_due(datetime(2025, 3, 1, 7, 0), at="07:00") == datetime(2025, 3, 1).date()
    assert digest_due(datetime(2025, 3, 1, 23, 0), at="07:00") == datetime(2025, 3, 1).date()
