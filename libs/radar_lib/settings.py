"""The settings every service shares; each service subclasses this with its own fields."""

from __future__ import annotations

import socket
from typing import ClassVar

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "development-only-secret-change-me"  # noqa: S105 - refused outside development


def default_consumer_name() -> str:
    """A name that stays with the replica across restarts (its host name, the pod's in Kubernetes).

    A restarted process takes over its own pending entries at once under the same name.
    """
    return socket.gethostname()


class ServiceSettings(BaseSettings):
    """Read from RADAR_* environment variables; the service's database URL comes from its subclass."""

    model_config = SettingsConfigDict(env_prefix="RADAR_", extra="ignore", populate_by_name=True)

    service_name: str = "radar"
    env: str = "development"
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

    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ("internal_token_secret",)

    @property
    def is_development(self) -> bool:
        return self.env == "development"

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> ServiceSettings:
        for name in self.SECRET_FIELDS:
            if not self.is_development and getattr(self, name) in ("", DEV_SECRET):
                raise ValueError(f"RADAR_{name.upper()} must be set outside development")
        if not self.database_url:
            raise ValueError(f"the database URL of {self.service_name} is not set")
        return self
