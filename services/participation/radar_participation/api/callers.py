"""Who is calling, and references in paths that cannot name anything."""

from __future__ import annotations

import uuid
from typing import cast

from fastapi import Request

from radar_lib.service import runtime_of
from radar_lib.web import ApiError, principal
from radar_participation.config import ParticipationSettings
from radar_participation.domain import ParticipationError


def settings_of(request: Request) -> ParticipationSettings:
    """The settings of the service that serves this request."""
    return cast(ParticipationSettings, runtime_of(request).settings)


def viewer_of(request: Request) -> uuid.UUID | None:
    """The calling participant's id, or None for anyone else."""
    who = principal(request)
    return who.id if who.kind == "participant" else None


def participant_of(request: Request) -> uuid.UUID:
    """The calling participant's id; 401 for anyone else."""
    viewer = viewer_of(request)
    if viewer is None:
        raise ApiError(401, "PARTICIPANT_REQUIRED", "This needs a participant identity.")
    return viewer


def comment_ref(ref: str) -> uuid.UUID:
    """A comment's id, or COMMENT_NOT_FOUND when the path cannot name one."""
    try:
        return uuid.UUID(ref)
    except ValueError:
        raise ParticipationError("COMMENT_NOT_FOUND", "There is no such comment.", 404) from None
