"""Settings of the participation service."""

from pydantic import AliasChoices, Field

from radar_lib.settings import ServiceSettings


class ParticipationSettings(ServiceSettings):
    service_name: str = "participation"
    database_url: str = Field(
        default="", validation_alias=AliasChoices("RADAR_PARTICIPATION_DATABASE_URL", "DATABASE_URL")
    )
    comment_max_length: int = 2000
