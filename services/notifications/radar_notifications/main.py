"""The notifications service's app factory."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from fastapi import FastAPI

from radar_lib.service import Runtime, create_service_app
from radar_notifications import consumers, figures, upkeep
from radar_notifications.api import routers
from radar_notifications.config import NotificationsSettings
from radar_notifications.sending.sender import Sender

MIGRATIONS = Path(__file__).parent / "migrations"


async def start_background(runtime: Runtime) -> None:
    """The senders, the digest, the sweeper and the delivery figures, each a supervised task."""
    settings = cast(NotificationsSettings, runtime.settings)
    pool, supervisor = runtime.pool, runtime.supervisor
    for worker in range(1, settings.sender_workers + 1):
        supervisor.start(f"sender-{worker}", Sender(pool, settings).run)
    supervisor.start("digest", lambda: upkeep.keep_digests(pool, settings))
    supervisor.start("sweeper", lambda: upkeep.keep_sweeping(pool, settings))
    supervisor.start(
        "delivery-figures", lambda: figures.keep_figures(pool, interval=settings.figures_interval_seconds)
    )


def create_app(settings: NotificationsSettings | None = None) -> FastAPI:
    """Build the app from settings (read from the environment when none are given)."""
    return create_service_app(
        settings or NotificationsSettings(),
        title="Digitalisierungsradar notifications",
        migrations=MIGRATIONS,
        routers=routers,
        register_consumers=consumers.register,
        on_start=start_background,
    )
