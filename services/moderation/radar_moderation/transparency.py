"""The public moderation figures: which months they cover and how each month's are put together.

Months are calendar months in the configured time zone. For each month:
- decisions: how many, by outcome (approve, reject, hide, dismiss), by netiquette reason, and
  how many of them the automatic policy took;
- time to decision: the median and the 90th percentile (linear interpolation between the
  closest ranks, PostgreSQL's percentile_cont) of the seconds from a comment's submission to
  a moderator's decision on it (approve or reject) taken that month. Automatic decisions are
  counted above but not timed: they take no one's time;
- queue: its length and the age of its oldest item at the end of the month (now, for the
  current month), counting every comment submitted and not yet decided or withdrawn.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from radar_moderation.domain import ModerationError

MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
DEFAULT_MONTHS = 12
MAX_MONTHS = 120
OUTCOMES = ("approve", "reject", "hide", "dismiss")


FIRST_YEAR, LAST_YEAR = 2000, 2999  # statistics before the first comment or after date's range mean nothing


def parse_month(value: str) -> date:
    found = MONTH.fullmatch(value)
    if not found or not FIRST_YEAR <= int(found[1]) <= LAST_YEAR:
        raise ModerationError(
            "MONTH_INVALID", f"A month is written YYYY-MM, {FIRST_YEAR} to {LAST_YEAR}, not {value[:20]!r}."
        )
    return date(int(found[1]), int(found[2]), 1)


def _shift(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: str | None, last: str | None, *, today: date) -> list[date]:
    """The months asked for (first and last included); by default the twelve up to this one."""
    current = today.replace(day=1)
    end = parse_month(last) if last is not None else current
    start = parse_month(first) if first is not None else _shift(end, 1 - DEFAULT_MONTHS)
    if end > current:
        raise ModerationError("PERIOD_IN_FUTURE", "The period ends after the current month.")
    if start > end:
        raise ModerationError("PERIOD_INVALID", "The period's first month comes after its last.")
    count = (end.year - start.year) * 12 + end.month - start.month + 1
    if count > MAX_MONTHS:
        raise ModerationError("PERIOD_TOO_LONG", f"A period covers at most {MAX_MONTHS} months.")
    return [_shift(start, i) for i in range(count)]


def month_start(month: date, zone: ZoneInfo) -> datetime:
    """The instant a month begins in the time zone."""
    return datetime(month.year, month.month, 1, tzinfo=zone)


def period_bounds(months: list[date], zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants the first month begins and the last one ends."""
    return month_start(months[0], zone), month_start(_shift(months[-1], 1), zone)


def snapshot_times(months: list[date], *, zone: ZoneInfo, now: datetime) -> list[datetime]:
    """When each month's queue is measured: at its end, or now for a month not over yet."""
    return [min(month_start(_shift(m, 1), zone), now) for m in months]


def label(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


@dataclass(frozen=True)
class DecisionCount:
    month: str
    decision: str
    reason_code: str | None
    automatic: bool
    count: int


@dataclass(frozen=True)
class Timing:
    month: str
    median: float
    p90: float
    count: int


@dataclass(frozen=True)
class QueueSnapshot:
    at: datetime
    length: int
    oldest: datetime | None


def figures(
    months: list[date],
    *,
    counts: Iterable[DecisionCount],
    timings: Iterable[Timing],
    snapshots: list[QueueSnapshot],
    zone: ZoneInfo,
) -> dict[str, Any]:
    """The document GET /transparency/moderation answers with."""
    by_month: dict[str, dict[str, Any]] = {}
    for month, snapshot in zip(months, snapshots, strict=True):
        age = round((snapshot.at - snapshot.oldest).total_seconds(), 3) if snapshot.oldest else None
        by_month[label(month)] = {
            "month": label(month),
            "decisions": {
                "total": 0,
                "by_outcome": dict.fromkeys(OUTCOMES, 0),
                "by_reason": {},
                "automatic": 0,
            },
            "time_to_decision_seconds": {"median": None, "p90": None, "decisions": 0},
            "queue": {"at": snapshot.at.isoformat(), "length": snapshot.length, "oldest_age_seconds": age},
        }
    for c in counts:
        decisions = by_month[c.month]["decisions"]
        decisions["total"] += c.count
        decisions["by_outcome"][c.decision] += c.count
        decisions["automatic"] += c.count if c.automatic else 0
        if c.reason_code is not None:
            decisions["by_reason"][c.reason_code] = decisions["by_reason"].get(c.reason_code, 0) + c.count
    for t in timings:
        by_month[t.month]["time_to_decision_seconds"] = {
            "median": round(t.median, 3),
            "p90": round(t.p90, 3),
            "decisions": t.count,
        }
    return {"time_zone": zone.key, "months": list(by_month.values())}
