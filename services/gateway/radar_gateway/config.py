"""Settings of the gateway."""

from pydantic import AliasChoices, Field, model_validator

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

    @property
    def secure_cookies(self) -> bool:
        return not self.is_development

    @model_validator(mode="after")
    def _refuse_placeholder_session_secret(self) -> "GatewaySettings":
        if not self.is_development and self.session_secret in ("", DEV_SECRET):
            raise ValueError("RADAR_SESSION_SECRET must be set outside development")
        return self
