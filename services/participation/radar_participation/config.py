"""Settings of the participation service."""

from pydantic import AliasChoices, Field

from radar_lib.settings import ServiceSettings


class ParticipationSettings(ServiceSettings):
    service_name: str = "participation"
    database_url: str = Field(
        default="", validation_alias=AliasChoices("RADAR_PARTICIPATION_DATABASE_URL", "DATABASE_URL")
    )
    comment_max_length: int = 2000
    display_name_max_length: int = 60
    erasure_poll_seconds: float = 1.0  # how often queued stream entries of erased participants are deleted
