"""The moderation service's app factory."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from radar_lib.events import CommentApproved, CommentHidden, CommentRejected
from radar_lib.service import create_service_app
from radar_moderation import consumers
from radar_moderation.api import ROUTERS
from radar_moderation.config import ModerationSettings
from radar_moderation.stream_erasure import start_stream_erasure

MIGRATIONS = Path(__file__).parent / "migrations"

# the events this service writes through its outbox
PUBLISHES = (CommentApproved, CommentRejected, CommentHidden)


def create_app(settings: ModerationSettings | None = None) -> FastAPI:
    """Build the app from settings (read from the environment when none are given)."""
    return create_service_app(
        settings or ModerationSettings(),
        title="Digitalisierungsradar moderation",
        migrations=MIGRATIONS,
        routers=list(ROUTERS),
        register_consumers=consumers.register,
        publishes=PUBLISHES,
        on_start=start_stream_erasure,
    )
