"""Settings of the notifications service."""

from typing import ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, field_validator

from radar_lib.settings import DEV_SECRET, ServiceSettings


class NotificationsSettings(ServiceSettings):
    service_name: str = "notifications"
    database_url: str = Field(
        default="", validation_alias=AliasChoices("RADAR_NOTIFICATIONS_DATABASE_URL", "DATABASE_URL")
    )
    # the gateway's public address: every link in a mail or a webhook payload starts with it
    public_url: str = "http://127.0.0.1:8000"
    # signs the links in mails (confirm, manage, unsubscribe); links stay good while it is kept
    subscription_link_secret: str = DEV_SECRET

    # mail: Mailpit or the local sink in development, a city's relay in production
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_ca_file: str = ""  # CA certificates to trust for the relay (a city's own CA); else the system's
    smtp_timeout_seconds: float = 30.0
    mail_from: str = "radar@localhost"

    # webhooks: private, loopback and link-local targets are refused unless this is true
    webhook_allow_private: bool = False
    webhook_timeout_seconds: float = 10.0

    confirm_hours: float = 48.0  # an unconfirmed subscription is deleted after this
    pending_limit: int = 3  # confirmation mails to one address within confirm_hours; more send nothing
    max_attempts: int = 10  # a delivery the recipient keeps refusing for a while fails after these
    retry_first_seconds: float = 30.0  # back-off after the first refusal; doubles up to the cap
    retry_cap_seconds: float = 3600.0
    bounce_limit: int = 3  # failed deliveries in a row after which a subscriber is paused
    digest_time: str = Field(default="07:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")  # HH:MM
    digest_timezone: str = "Europe/Berlin"  # the digest goes out at digest_time there
    # senders in this process: each claims up to sender_batch due deliveries in one transaction
    # (one database connection while they go out) and sends them over its smtp_connections
    sender_workers: int = Field(default=2, ge=1)
    sender_batch: int = Field(default=100, ge=1)
    smtp_connections: int = Field(default=4, ge=1)
    sender_poll_seconds: float = 1.0
    sweep_interval_seconds: float = 60.0  # expiry of unconfirmed subscriptions, delivery retention
    delivery_keep_days: float = 30.0  # sent and failed deliveries are deleted after this
    figures_interval_seconds: float = 15.0  # how often the delivery gauges of /metrics are read

    @field_validator("digest_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ("internal_token_secret", "subscription_link_secret")
