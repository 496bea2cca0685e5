"""Settings of the gateway."""

from typing import ClassVar

from pydantic import AliasChoices, Field

from radar_lib.settings import DEV_SECRET, ServiceSettings


class GatewaySettings(ServiceSettings):
    service_name: str = "gateway"
    database_url: str = Field(
        default="", validation_alias=AliasChoices("RADAR_GATEWAY_DATABASE_URL", "DATABASE_URL")
    )
    session_secret: str = DEV_SECRET
    catalog_url: str = "http://127.0.0.1:8101"
    participation_url: str = "http://127.0.0.1:8102"
    moderation_url: str = "http://127.0.0.1:8103"
    notifications_url: str = "http://127.0.0.1:8104"
    public_url: str = "http://127.0.0.1:8000"
    max_body_bytes: int = 64 * 1024
    session_hours: int = 8
    login_failures_allowed: int = 5
    login_window_seconds: int = 900
    comments_per_window: int = 10
    comment_window_seconds: int = 600
    forward_timeout_seconds: float = 10.0
    redis_request_timeout_seconds: float = 1.0  # a request-path Redis call gives up after about twice this

    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ("internal_token_secret", "session_secret")

    @property
    def secure_cookies(self) -> bool:
        return not self.is_development
