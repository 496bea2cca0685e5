"""The catalog service's app factory."""

from __future__ import annotations

from fastapi import FastAPI

from radar_catalog import consumers
from radar_catalog.api import routers
from radar_catalog.config import CatalogSettings
from radar_catalog.seed import MIGRATIONS, seed_when_empty
from radar_lib.events import (
    CoreAreaUpdated,
    FieldUpdated,
    MeasureArchived,
    MeasurePublished,
    MeasureReported,
    MeasureUpdated,
)
from radar_lib.service import create_service_app

# the events this service writes through its outbox
PUBLISHES = (
    MeasurePublished, MeasureUpdated, MeasureArchived, MeasureReported, FieldUpdated, CoreAreaUpdated,
)  # fmt: skip


def create_app(settings: CatalogSettings | None = None) -> FastAPI:
    """Build the app from settings (read from the environment when none are given)."""
    return create_service_app(
        settings or CatalogSettings(),
        title="Digitalisierungsradar catalog",
        migrations=MIGRATIONS,
        routers=routers,
        register_consumers=consumers.register,
        publishes=PUBLISHES,
        on_start=seed_when_empty,
    )
