"""Settings refuse placeholder secrets outside development."""

from __future__ import annotations

import os

import pytest
from pydantic import ValidationError

from radar_gateway.config import GatewaySettings
from radar_participation.config import ParticipationSettings

pytestmark = pytest.mark.unit
DSN = "postgresql://x@/y"


@pytest.fixture(autouse=True)
def no_radar_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings read RADAR_* from the environment; these tests state every value they rely on."""
    for name in [name for name in os.environ if name.startswith("RADAR_")]:
        monkeypatch.delenv(name)


def test_placeholder_internal_secret_is_refused_in_production_but_fine_in_development() -> None:
    assert ParticipationSettings(database_url=DSN).is_development
    with pytest.raises(ValidationError, match="RADAR_INTERNAL_TOKEN_SECRET must be set"):
        ParticipationSettings(database_url=DSN, env="production")
    ParticipationSettings(database_url=DSN, env="production", internal_token_secret="a-real-secret")


def test_gateway_also_refuses_a_placeholder_session_secret_in_production() -> None:
    with pytest.raises(ValidationError, match="RADAR_SESSION_SECRET must be set"):
        GatewaySettings(database_url=DSN, env="production", internal_token_secret="a-real-secret")
    settings = GatewaySettings(
        database_url=DSN, env="production", internal_token_secret="a-real-secret", session_secret="another"
    )
    assert settings.secure_cookies


def test_a_service_without_its_database_url_does_not_start() -> None:
    with pytest.raises(ValidationError, match="database URL of participation is not set"):
        ParticipationSettings(database_url="")
