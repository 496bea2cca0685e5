"""Who is calling, and the settings of the service that serves them."""

from __future__ import annotations

import uuid
from typing import cast

from fastapi import Request

from radar_lib.service import runtime_of
from radar_lib.web import principal
from radar_notifications.config import NotificationsSettings


def settings_of(request: Request) -> NotificationsSettings:
    """The settings of the service that serves this request."""
    return cast(NotificationsSettings, runtime_of(request).settings)


def participant_of(request: Request) -> uuid.UUID | None:
    """The calling participant's id (kept with what they subscribe, for their erasure), or None."""
    who = principal(request)
    return who.id if who.kind == "participant" else None
