"""How comments leave the service: each as its viewer may see it, replies under their comment."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from radar_participation.domain import PLACEHOLDERS


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def thread_item(row: asyncpg.Record, *, viewer: uuid.UUID | None) -> dict[str, Any]:
    """One comment of a thread: a placeholder shows no text; a rejected one its reason and note."""
    own = viewer is not None and row["participant_id"] == viewer
    shown = row["status"] not in PLACEHOLDERS
    item: dict[str, Any] = {
        "id": str(row["comment_id"]),
        "status": row["status"],
        "body": row["body"] if shown else None,
        "display_name": row["display_name"] if shown else None,
        "submitted_at": _time(row["submitted_at"]),
        "published_at": _time(row["published_at"]),
        "own": own,
    }
    if row["status"] == "rejected":  # only its author sees a rejected comment (store.comments.SEEN)
        item |= {"reason_code": row["reason_code"], "note": row["moderator_note"]}
    return item


def nest(
    top: list[asyncpg.Record], replies: list[asyncpg.Record], *, viewer: uuid.UUID | None
) -> list[dict[str, Any]]:
    """Top-level comments in order, each with its replies in order."""
    under: dict[uuid.UUID, list[dict[str, Any]]] = {row["comment_id"]: [] for row in top}
    for row in replies:
        under[row["parent_id"]].append(thread_item(row, viewer=viewer))
    return [thread_item(row, viewer=viewer) | {"replies": under[row["comment_id"]]} for row in top]


def own_item(row: asyncpg.Record) -> dict[str, Any]:
    """One of the caller's own comments, with its measure and its fate."""
    return {
        "id": str(row["comment_id"]),
        "measure_id": str(row["measure_id"]),
        "measure_slug": row["slug"],
        "measure_title": row["title"],
        "parent_id": str(row["parent_id"]) if row["parent_id"] else None,
        "body": row["body"],
        "display_name": row["display_name"],
        "status": row["status"],
        "reason_code": row["reason_code"],
        "note": row["moderator_note"],
        "submitted_at": _time(row["submitted_at"]),
        "decided_at": _time(row["decided_at"]),
        "published_at": _time(row["published_at"]),
        "withdrawn_at": _time(row["withdrawn_at"]),
    }
