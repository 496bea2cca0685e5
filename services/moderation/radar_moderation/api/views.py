"""What the routes share: the rules' view of a row, and rows as JSON."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
from fastapi import Request

from radar_lib.service import runtime_of
from radar_moderation.config import ModerationSettings
from radar_moderation.domain import Item


def settings_of(request: Request) -> ModerationSettings:
    settings = runtime_of(request).settings
    assert isinstance(settings, ModerationSettings)
    return settings


def item_of(row: asyncpg.Record | None) -> Item | None:
    """The rules' view of a locked queue item."""
    if row is None:
        return None
    return Item(
        state=row["state"],
        claimed_by=row["claimed_by"],
        claim_expires_at=row["claim_expires_at"],
        erased=row["erased_at"] is not None,
    )


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _id(value: uuid.UUID | None) -> str | None:
    return str(value) if value else None


def flag_json(row: asyncpg.Record) -> dict[str, str]:
    return {"code": row["code"], "reason_code": row["reason_code"], "detail": row["detail"]}


def item_json(row: asyncpg.Record, flags: list[asyncpg.Record], *, now: datetime) -> dict[str, Any]:
    """A queue item: its text, its measure, its flags, and who holds it if anyone does."""
    claimed = row["claimed_by"] is not None and row["claim_expires_at"] > now
    return {
        "comment_id": str(row["comment_id"]),
        "measure_id": str(row["measure_id"]),
        "measure_title": row["measure_title"],
        "measure_slug": row["measure_slug"],
        "parent_id": _id(row["parent_id"]),
        "body": row["body"],
        "submitted_at": row["submitted_at"].isoformat(),
        "flags": [flag_json(f) for f in flags],
        "claim": (
            {"moderator_id": str(row["claimed_by"]), "expires_at": row["claim_expires_at"].isoformat()}
            if claimed
            else None
        ),
    }


def decision_json(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "decision": row["decision"],
        "reason_code": row["reason_code"],
        "note": row["note"],
        "actor": {"kind": row["actor_kind"], "id": _id(row["moderator_id"])},
        "decided_at": row["decided_at"].isoformat(),
    }
