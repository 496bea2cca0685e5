"""The notifications service's app factory."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from radar_lib.service import create_service_app
from radar_notifications import consumers
from radar_notifications.config import NotificationsSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: NotificationsSettings | None = None) -> FastAPI:
    """Build the app from settings (read from the environment when none are given)."""
    return create_service_app(
        settings or NotificationsSettings(),
        title="Digitalisierungsradar notifications",
        migrations=MIGRATIONS,
        routers=[],
        register_consumers=consumers.register,
    )
