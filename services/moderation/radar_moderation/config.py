"""Settings of the moderation service, with the policy of its automatic checks."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, field_validator

from radar_lib.settings import ServiceSettings


class ModerationSettings(ServiceSettings):
    service_name: str = "moderation"
    database_url: str = Field(
        default="", validation_alias=AliasChoices("RADAR_MODERATION_DATABASE_URL", "DATABASE_URL")
    )
    # clear spam (a spam score of at least spam_reject_score) is rejected without a human
    auto_reject_spam: bool = Field(default=True, validation_alias="RADAR_MODERATION_AUTO_REJECT_SPAM")
    spam_reject_score: int = Field(default=3, ge=1, validation_alias="RADAR_MODERATION_SPAM_REJECT_SCORE")
    # comments without any flag are approved without a human: off unless a city decides so
    auto_approve_unflagged: bool = Field(
        default=False, validation_alias="RADAR_MODERATION_AUTO_APPROVE_UNFLAGGED"
    )
    claim_minutes: int = Field(default=15, ge=1, le=240, validation_alias="RADAR_MODERATION_CLAIM_MINUTES")
    duplicate_window_hours: int = Field(
        default=24, ge=1, le=24 * 90, validation_alias="RADAR_MODERATION_DUPLICATE_WINDOW_HOURS"
    )
    # how often the stream entries of decisions about erased participants' comments are deleted
    erasure_poll_seconds: float = Field(
        default=1.0, gt=0, validation_alias="RADAR_MODERATION_ERASURE_POLL_SECONDS"
    )
    # the months of the transparency figures are this time zone's
    statistics_time_zone: str = Field(
        default="Europe/Berlin", validation_alias="RADAR_MODERATION_STATISTICS_TIME_ZONE"
    )

    @field_validator("statistics_time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value
