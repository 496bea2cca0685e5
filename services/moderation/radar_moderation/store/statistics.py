"""The queries behind the public moderation figures (see transparency.py for what they mean)."""

from __future__ import annotations

from datetime import datetime

from radar_moderation.store import Db
from radar_moderation.transparency import DecisionCount, QueueSnapshot, Timing

MONTH_OF = "to_char(date_trunc('month', d.decided_at AT TIME ZONE $1), 'YYYY-MM')"


async def decision_counts(db: Db, *, zone: str, start: datetime, end: datetime) -> list[DecisionCount]:
    rows = await db.fetch(
        f"SELECT {MONTH_OF} AS month, d.decision, d.reason_code, d.actor_kind = 'auto' AS automatic,"
        " count(*) AS n FROM decisions d WHERE d.decided_at >= $2 AND d.decided_at < $3"
        " GROUP BY 1, 2, 3, 4",
        zone,
        start,
        end,
    )
    return [DecisionCount(r["month"], r["decision"], r["reason_code"], r["automatic"], r["n"]) for r in rows]


async def decision_timings(db: Db, *, zone: str, start: datetime, end: datetime) -> list[Timing]:
    """Seconds from submission to a moderator's approval or rejection, per month of the decision."""
    rows = await db.fetch(
        f"SELECT {MONTH_OF} AS month,"
        " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.decided_at - q.submitted_at))"
        "  AS median,"
        " percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM d.decided_at - q.submitted_at))"
        "  AS p90,"
        " count(*) AS n"
        " FROM decisions d JOIN queue_items q USING (comment_id)"
        " WHERE d.decision IN ('approve', 'reject') AND d.actor_kind = 'staff'"
        "  AND d.decided_at >= $2 AND d.decided_at < $3 GROUP BY 1",
        zone,
        start,
        end,
    )
    return [Timing(r["month"], float(r["median"]), float(r["p90"]), r["n"]) for r in rows]


async def queue_snapshots(db: Db, times: list[datetime]) -> list[QueueSnapshot]:
    """The queue's length and oldest submission at each of these instants, in their order."""
    rows = await db.fetch(
        "SELECT s.at, count(q.comment_id) AS length, min(q.submitted_at) AS oldest"
        " FROM unnest($1::timestamptz[]) WITH ORDINALITY AS s(at, i)"
        " LEFT JOIN queue_items q ON q.submitted_at <= s.at AND (q.closed_at IS NULL OR q.closed_at > s.at)"
        " GROUP BY s.at, s.i ORDER BY s.i",
        times,
    )
    return [QueueSnapshot(r["at"], r["length"], r["oldest"]) for r in rows]
