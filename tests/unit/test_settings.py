"""Settings: a service runs in production unless told otherwise, and there it takes only strong secrets."""

from __future__ import annotations

import base64
import os
import secrets

import pytest
from pydantic import ValidationError

from radar_gateway.config import GatewaySettings
from radar_participation.config import ParticipationSettings

pytestmark = pytest.mark.unit
DSN = "postgresql://x@/y"
STRONG = secrets.token_urlsafe(32)  # what `radar up` generates: 43 characters


@pytest.fixture(autouse=True)
def no_radar_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings read RADAR_* from the environment; these tests state every value they rely on."""
    for name in [name for name in os.environ if name.startswith("RADAR_")]:
        monkeypatch.delenv(name)


def test_a_service_started_without_radar_env_runs_in_production() -> None:
    settings = ParticipationSettings(database_url=DSN, internal_token_secret=STRONG)
    assert settings.env == "production" and not settings.is_development
    with pytest.raises(ValidationError, match="RADAR_INTERNAL_TOKEN_SECRET must be set"):
        ParticipationSettings(database_url=DSN)


def test_placeholder_internal_secret_is_refused_in_production_but_fine_in_development() -> None:
    assert ParticipationSettings(database_url=DSN, env="development").is_development
    with pytest.raises(ValidationError, match="RADAR_INTERNAL_TOKEN_SECRET must be set"):
        ParticipationSettings(database_url=DSN, env="production")
    ParticipationSettings(database_url=DSN, env="production", internal_token_secret=STRONG)


@pytest.mark.parametrize(
    "weak",
    [
        "Q",
        "a-real-secret",
        STRONG[:42],  # one character short of 32 bytes in base64
        "a" * 64,  # long, but one character repeated
        "abcxyz" * 10,  # long, but a short pattern repeated
        secrets.token_hex(32)[:63],  # hex: 32 bytes need 64 characters
    ],
    ids=["one character", "a word", "42 characters", "repetition", "short pattern", "short hex"],
)
def test_secrets_weaker_than_32_random_bytes_are_refused_in_production(weak: str) -> None:
    with pytest.raises(ValidationError, match="at least 32 random bytes") as refused:
        ParticipationSettings(database_url=DSN, env="production", internal_token_secret=weak)
    assert weak not in str(refused.value)  # a refusal never prints the secret into a log
    ParticipationSettings(database_url=DSN, env="development", internal_token_secret=weak)


@pytest.mark.parametrize(
    "strong",
    [secrets.token_urlsafe(32), secrets.token_hex(32), base64.b64encode(os.urandom(32)).decode()],
    ids=["token_urlsafe(32)", "openssl rand -hex 32", "openssl rand -base64 32"],
)
def test_secrets_of_32_random_bytes_in_the_usual_encodings_are_accepted(strong: str) -> None:
    ParticipationSettings(database_url=DSN, env="production", internal_token_secret=strong)


def test_gateway_also_refuses_a_placeholder_or_short_session_secret_in_production() -> None:
    with pytest.raises(ValidationError, match="RADAR_SESSION_SECRET must be set"):
        GatewaySettings(database_url=DSN, internal_token_secret=STRONG)
    with pytest.raises(ValidationError, match="RADAR_SESSION_SECRET must hold at least 32 random bytes"):
        GatewaySettings(database_url=DSN, internal_token_secret=STRONG, session_secret="another")
    settings = GatewaySettings(
        database_url=DSN, internal_token_secret=STRONG, session_secret=secrets.token_urlsafe(32)
    )
    assert settings.secure_cookies


def test_a_service_without_its_database_url_does_not_start() -> None:
    with pytest.raises(ValidationError, match="database URL of participation is not set"):
        ParticipationSettings(database_url="", env="development")
