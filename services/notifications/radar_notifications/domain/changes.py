"""What a measure event says to its followers: which measure, and what changed in it."""

from __future__ import annotations

from typing import Any

from radar_lib.events import MeasureSnapshot, MeasureUpdatedPayload

# attributes a notification names with their old and new value, in this order
SHOWN = ("status", "progress", "start_year", "end_year")
NOTE_MAX = 2000  # the catalog keeps notes shorter; a payload never carries more


def _note(snapshot: MeasureSnapshot) -> str | None:
    extra = snapshot.model_extra or {}
    note = getattr(snapshot, "change_note", None) or extra.get("change_note")
    return str(note)[:NOTE_MAX] if note else None


def _wire(value: Any) -> Any:
    """A changed value as JSON keeps it: numbers and text as they are, anything else as text."""
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


def measure_change(kind: str, snapshot: MeasureSnapshot) -> dict[str, Any]:
    """The payload of a notification about a measure event (kind: published, updated, archived)."""
    shown: dict[str, dict[str, Any]] = {}
    other: list[str] = []
    if isinstance(snapshot, MeasureUpdatedPayload):
        for change in snapshot.changes:
            if change.field in SHOWN:
                shown[change.field] = {"old": _wire(change.old), "new": _wire(change.new)}
            else:
                other.append(change.field)
    elif kind == "published":
        shown["status"] = {"old": None, "new": snapshot.status}
    return {
        "event": kind,
        "measure": {
            "id": str(snapshot.measure_id),
            "slug": snapshot.slug,
            "title": snapshot.title,
            "field": snapshot.field_slug,
            "status": snapshot.status,
            "version": snapshot.version,
        },
        "changes": {name: shown[name] for name in SHOWN if name in shown},
        "other_changes": other,
        "change_note": _note(snapshot),
    }


def moved_from(snapshot: MeasureSnapshot) -> str | None:
    """The field a measure left with this update, if it moved: that field's followers hear of it too."""
    if isinstance(snapshot, MeasureUpdatedPayload):
        for change in snapshot.changes:
            if change.field == "field" and isinstance(change.old, str):
                return change.old
    return None
