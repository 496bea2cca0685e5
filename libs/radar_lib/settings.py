"""The settings every service shares; each service subclasses this with its own fields."""

from __future__ import annotations

import os
import socket
from typing import ClassVar

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "development-only-secret-change-me"  # noqa: S105 - refused outside development


def default_consumer_name() -> str:
    """One consumer name per process: host and pid."""
    return f"{socket.gethostname()}-{os.getpid()}"


class ServiceSettings(BaseSettings):
    """Read from RADAR_* environment variables; the service's database URL comes from its subclass."""

    model_config = SettingsConfigDict(env_prefix="RADAR_", extra="ignore", populate_by_name=True)

    service_name: str = "radar"
    env: str = "development"
    database_url: str = ""
    redis_url: str = "redis://127.0.0.1:6379/0"
    internal_token_secret: str = DEV_SECRET
    consumer_name: str = Field(default_factory=default_consumer_name)
    stream_maxlen: int = 100_000
    max_deliveries: int = 5
    claim_idle_ms: int = 30_000
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
