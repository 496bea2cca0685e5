"""The settings every service shares; each service subclasses this with its own fields.

A service runs in production unless told otherwise: only `radar up` and the tests set
RADAR_ENV=development. Outside development every secret a service names must hold at
least 32 random bytes, which this module measures simply: written as hex it needs 64
characters, in any other form (base64 of `secrets.token_urlsafe(32)` or
`openssl rand -base64 32`) 43; and it must use at least MIN_DISTINCT_CHARACTERS different
characters, which refuses repetitions such as "aaaa..." or "abcabc...".
"""

from __future__ import annotations

import socket
from typing import ClassVar

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "development-only-secret-change-me"  # noqa: S105 - refused outside development
MIN_SECRET_LENGTH = 43  # 32 bytes in base64 without padding
MIN_HEX_SECRET_LENGTH = 64  # 32 bytes in hex
MIN_DISTINCT_CHARACTERS = 10
HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def default_consumer_name() -> str:
    """A name that stays with the replica across restarts (its host name, the pod's in Kubernetes).

    A restarted process takes over its own pending entries at once under the same name.
    """
    return socket.gethostname()


class ServiceSettings(BaseSettings):
    """Read from RADAR_* environment variables; the service's database URL comes from its subclass."""

    # hide_input_in_errors: a refusal must not print the secrets and URLs it was given into a log
    model_config = SettingsConfigDict(
        env_prefix="RADAR_", extra="ignore", populate_by_name=True, hide_input_in_errors=True
    )

    service_name: str = "radar"
    env: str = "production"
    database_url: str = ""
    redis_url: str = "redis://127.0.0.1:6379/0"
    internal_token_secret: str = DEV_SECRET
    consumer_name: str = Field(default_factory=default_consumer_name)
    max_deliveries: int = 5  # counted attempts before an entry is dead-lettered
    claim_idle_ms: int = 30_000  # idle bound after which another consumer takes an entry over
    not_yet_limit_seconds: float = 86_400.0  # how long "not yet" is believed before it counts
    consumer_idle_remove_ms: int = 3_600_000  # consumers idle this long with nothing pending go
    stream_keep: int = 10_000  # acknowledged entries kept per stream, newest first
    stream_lag_alarm: int = 50_000  # a group further behind than this is logged as an error
    trim_interval_seconds: float = 60.0
    outbox_keep_seconds: float = 86_400.0  # published outbox rows are deleted after this
    outbox_poll_seconds: float = 1.0
    db_pool_max: int = 10
    consumer_concurrency: int = 4  # entries of one stream applied at once (each its own transaction)

    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ("internal_token_secret",)

    @property
    def is_development(self) -> bool:
        return self.env == "development"

    @model_validator(mode="after")
    def _refuse_weak_secrets(self) -> ServiceSettings:
        for name in self.SECRET_FIELDS:
            if not self.is_development:
                _refuse_weak_secret(name, getattr(self, name))
        if not self.database_url:
            raise ValueError(f"the database URL of {self.service_name} is not set")
        return self


def _refuse_weak_secret(name: str, value: str) -> None:
    variable = f"RADAR_{name.upper()}"
    if value in ("", DEV_SECRET):
        raise ValueError(f"{variable} must be set outside development")
    wanted = MIN_HEX_SECRET_LENGTH if set(value) <= HEX_DIGITS else MIN_SECRET_LENGTH
    if len(value) < wanted or len(set(value)) < MIN_DISTINCT_CHARACTERS:
        raise ValueError(
            f"{variable} must hold at least 32 random bytes outside development: "
            f"{MIN_SECRET_LENGTH} characters of base64 or {MIN_HEX_SECRET_LENGTH} of hex, "
            "e.g. from `openssl rand -base64 32`"
        )
