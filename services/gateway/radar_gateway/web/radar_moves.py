"""Which blips moved in or out of their ring recently, from the catalog's change feed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from radar_gateway.web.radar_layout import RING_ORDER, ring_of

RECENT = timedelta(days=90)


def changed_at(change: Mapping[str, Any]) -> datetime:
    """When a change in the feed was made."""
    return datetime.fromisoformat(str(change["changed_at"]))


def moved_marks(
    changes: Iterable[Mapping[str, Any]], *, current: Mapping[str, str], since: datetime
) -> dict[str, str]:
    """ "out" or "in" per measure whose ring changed since `since`; `changes` come newest first.

    The status before the earliest status change in the window is compared with the current one:
    outwards is the way a measure moves (Geplant, In Umsetzung, Abgeschlossen, then the band apart).
    """
    before: dict[str, str] = {}
    for change in changes:
        if changed_at(change) < since:
            break
        for c in change.get("changes", []):
            if c.get("field") == "status" and c.get("old"):
                before[change["measure"]["slug"]] = str(c["old"])
    marks = {}
    for slug, old in before.items():
        if slug in current:
            step = RING_ORDER.index(ring_of(current[slug])) - RING_ORDER.index(ring_of(old))
            if step:
                marks[slug] = "out" if step > 0 else "in"
    return marks
