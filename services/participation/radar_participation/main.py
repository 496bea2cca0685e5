"""The participation service's app factory."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from radar_lib.events import (
    CommentPublished,
    CommentReported,
    CommentSubmitted,
    CommentWithdrawn,
    ParticipantErasureRequested,
    ParticipationChanged,
)
from radar_lib.service import create_service_app
from radar_participation import consumers
from radar_participation.api import routers
from radar_participation.config import ParticipationSettings
from radar_participation.erasure import start_stream_erasure

MIGRATIONS = Path(__file__).parent / "migrations"

# the events this service writes through its outbox
PUBLISHES = (
    CommentSubmitted,
    CommentPublished,
    CommentReported,
    CommentWithdrawn,
    ParticipationChanged,
    ParticipantErasureRequested,
)


def create_app(settings: ParticipationSettings | None = None) -> FastAPI:
    """Build the app from settings (read from the environment when none are given)."""
    return create_service_app(
        settings or ParticipationSettings(),
        title="Digitalisierungsradar participation",
        migrations=MIGRATIONS,
        routers=routers,
        register_consumers=consumers.register,
        publishes=PUBLISHES,
        on_start=start_stream_erasure,
    )
