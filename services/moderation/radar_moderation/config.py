"""Settings of the moderation service."""

from pydantic import AliasChoices, Field

from radar_lib.settings import ServiceSettings


class ModerationSettings(ServiceSettings):
    service_name: str = "moderation"
    database_url: str = Field(
        default="", validation_alias=AliasChoices("RADAR_MODERATION_DATABASE_URL", "DATABASE_URL")
    )
