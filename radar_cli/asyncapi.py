"""`radar asyncapi`: docs/asyncapi.yaml, generated from the services' own declarations.

What each service reads comes from its `register` (the same function that subscribes its
handlers), what it writes from its `PUBLISHES`; a test checks that the file matches.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from radar_lib.asyncapi import ServiceEvents, consumed_routes, document
from radar_lib.events import (
    CoreAreaUpdated,
    FieldUpdated,
    MeasureArchived,
    MeasurePublished,
    MeasureReported,
    MeasureUpdated,
)
from radar_lib.settings import ServiceSettings

BACKENDS = ("catalog", "participation", "moderation", "notifications")
DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "asyncapi.yaml"
VERSION = "1"


def service_events(service: str) -> ServiceEvents:
    """What a back-end service reads and writes, from its own modules."""
    settings = ServiceSettings(  # never run: development, so that no secret is asked for
        service_name=service, database_url="postgresql://documentation-only/", env="development"
    )
    consumers = importlib.import_module(f"radar_{service}.consumers")
    main = importlib.import_module(f"radar_{service}.main")
    return ServiceEvents(
        service=service,
        consumes=consumed_routes(consumers.register, settings),
        publishes=getattr(main, "PUBLISHES", ()),
    )


def render() -> str:
    """The document as it follows from the code now."""
    gateway = ServiceEvents(  # its cache follows the measure streams in every process
        service="gateway",
        consumes={},
        publishes=(),
        reads_without_group=(
            MeasurePublished,
            MeasureUpdated,
            MeasureArchived,
            MeasureReported,
            FieldUpdated,
            CoreAreaUpdated,
        ),
    )
    return document([*(service_events(s) for s in BACKENDS), gateway], version=VERSION)


def write(path: Path = DOCUMENT) -> Path:
    path.write_text(render(), encoding="utf-8")
    return path
