"""Settings of the notifications service."""

from pydantic import AliasChoices, Field

from radar_lib.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    service_name: str = "notifications"
    database_url: str = Field(
        default="", validation_alias=AliasChoices("RADAR_NOTIFICATIONS_DATABASE_URL", "DATABASE_URL")
    )
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    mail_from: str = "radar@localhost"
