"""The months of the public figures and how each month's figures are put together."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from radar_moderation.domain import ModerationError
from radar_moderation.transparency import (
    DecisionCount,
    QueueSnapshot,
    Timing,
    figures,
    months_between,
    period_bounds,
    snapshot_times,
)

pytestmark = pytest.mark.unit

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2025, 3, 15)


def code_of(call: Callable[[], object]) -> str:
    with pytest.raises(ModerationError) as info:
        call()
    return info.value.code


def test_by_default_the_twelve_months_up_to_this_one() -> None:
    months = months_between(None, None, today=TODAY)
    assert (months[0], months[-1], len(months)) == (date(2024, 4, 1), date(2025, 3, 1), 12)
    assert months_between("2024-11", "2025-02", today=TODAY) == [
        date(2024, 11, 1),
        date(2024, 12, 1),
        date(2025, 1, 1),
        date(2025, 2, 1),
    ]


def test_bad_periods_are_refused_with_their_codes() -> None:
    assert code_of(lambda: months_between("2025-13", None, today=TODAY)) == "MONTH_INVALID"
    assert code_of(lambda: months_between("March", None, today=TODAY)) == "MONTH_INVALID"
    assert code_of(lambda: months_between("2025-02", "2025-01", today=TODAY)) == "PERIOD_INVALID"
    assert code_of(lambda: months_between(None, "2025-04", today=TODAY)) == "PERIOD_IN_FUTURE"
    assert code_of(lambda: months_between("2010-01", "2025-03", today=TODAY)) == "PERIOD_TOO_LONG"


def test_months_are_local_and_the_current_one_is_measured_now() -> None:
    months = [date(2025, 2, 1), date(2025, 3, 1)]
    start, end = period_bounds(months, BERLIN)
    assert start == datetime(2025, 1, 31, 23, 0, tzinfo=UTC)  # midnight in Berlin, winter time
    assert end == datetime(2025, 3, 31, 22, 0, tzinfo=UTC)  # summer time from 30 March
    now = datetime(2025, 3, 15, 9, 0, tzinfo=UTC)
    assert snapshot_times(months, zone=BERLIN, now=now) == [datetime(2025, 2, 28, 23, 0, tzinfo=UTC), now]


def test_figures_sum_decisions_by_outcome_reason_and_automatic() -> None:
    months = [date(2025, 2, 1), date(2025, 3, 1)]
    at = datetime(2025, 3, 15, 9, 0, tzinfo=UTC)
    result = figures(
        months,
        counts=[
            DecisionCount("2025-03", "approve", None, False, 4),
            DecisionCount("2025-03", "reject", "SPAM", True, 2),
            DecisionCount("2025-03", "reject", "SPAM", False, 1),
            DecisionCount("2025-03", "hide", "INSULT", False, 1),
        ],
        timings=[Timing("2025-03", 60.0, 300.12345, 5)],
        snapshots=[
            QueueSnapshot(datetime(2025, 2, 28, 23, 0, tzinfo=UTC), 0, None),
            QueueSnapshot(at, 2, datetime(2025, 3, 15, 8, 0, tzinfo=UTC)),
        ],
        zone=BERLIN,
    )
    february, march = result["months"]
    assert february["decisions"]["total"] == 0 and february["queue"]["oldest_age_seconds"] is None
    assert march["decisions"] == {
        "total": 8,
        "by_outcome": {"approve": 4, "reject": 3, "hide": 1, "dismiss": 0},
        "by_reason": {"SPAM": 3, "INSULT": 1},
        "automatic": 2,
    }
    assert march["time_to_decision_seconds"] == {"median": 60.0, "p90": 300.123, "decisions": 5}
    assert march["queue"] == {"at": at.isoformat(), "length": 2, "oldest_age_seconds": 3600.0}
    assert result["time_zone"] == "Europe/Berlin"
