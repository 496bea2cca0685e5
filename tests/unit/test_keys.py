"""Keys derived per purpose: never the secret itself, never one key for two purposes, always the same."""

from __future__ import annotations

import uuid

import pytest

from radar_gateway.config import GatewaySettings
from radar_gateway.identity import read_participant, sign_participant
from radar_lib.keys import Purpose, derive_key

pytestmark = pytest.mark.unit
SECRET = "a-fixed-test-secret"


def test_each_purpose_has_its_own_key_and_none_is_the_secret() -> None:
    keys = {derive_key(SECRET, purpose) for purpose in Purpose}
    assert len(keys) == len(Purpose)
    assert SECRET.encode() not in keys
    assert all(len(key) == 32 for key in keys)


def test_a_derived_key_is_the_same_in_every_process_and_release() -> None:
    # pinned: a change here would invalidate every participant cookie that was handed out
    expected = "c2b84490226ff2f5d1469af12baa025f9d4507adc85f99bd1aa01fbc1a5917f7"
    assert derive_key(SECRET, Purpose.PARTICIPANT_COOKIE).hex() == expected
    assert derive_key(SECRET, Purpose.FORM_TOKEN) == derive_key(SECRET, Purpose.FORM_TOKEN)


def test_another_secret_gives_other_keys() -> None:
    assert derive_key(SECRET, Purpose.INTERNAL_TOKEN) != derive_key(SECRET + "x", Purpose.INTERNAL_TOKEN)


def test_the_gateway_uses_one_derived_key_per_purpose_of_its_session_secret() -> None:
    settings = GatewaySettings(database_url="postgresql://x@/y", env="development", session_secret=SECRET)
    used = [
        settings.participant_cookie_key,
        settings.form_token_key,
        settings.address_hash_key,
        settings.session_id_key,
    ]
    assert used == [
        derive_key(SECRET, Purpose.PARTICIPANT_COOKIE),
        derive_key(SECRET, Purpose.FORM_TOKEN),
        derive_key(SECRET, Purpose.ADDRESS_HASH),
        derive_key(SECRET, Purpose.SESSION_ID),
    ]


def test_a_participant_cookie_signed_with_another_purposes_key_is_not_accepted() -> None:
    participant = uuid.uuid4()
    cookie_key = derive_key(SECRET, Purpose.PARTICIPANT_COOKIE)
    assert read_participant(sign_participant(participant, key=cookie_key), key=cookie_key) == participant
    for other in (derive_key(SECRET, Purpose.FORM_TOKEN), SECRET.encode()):
        assert read_participant(sign_participant(participant, key=other), key=cookie_key) is None
