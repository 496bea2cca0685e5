"""The public moderation figures match the decisions made, computed here from those decisions."""

from __future__ import annotations

import math
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from radar_lib.events import utcnow
from radar_lib.token import ANONYMOUS
from tests.conftest import moderator, token_headers
from tests.integration.moderation_service import Moderation, running_moderation

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Europe/Berlin")


@dataclass
class Made:
    """One comment and what became of it."""

    submitted_at: datetime
    decisions: list[tuple[datetime, str, str | None, bool]]  # (when, decision, reason, automatic)

    def closed_at(self) -> datetime | None:
        first = [when for when, decision, _, _ in self.decisions if decision in ("approve", "reject")]
        return first[0] if first else None


def percentile(values: list[float], share: float) -> float:
    """Linear interpolation between the closest ranks (PostgreSQL's percentile_cont)."""
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def month_of(when: datetime) -> str:
    return when.astimezone(ZONE).strftime("%Y-%m")


async def decided(mod: Moderation, comment_id: uuid.UUID, decision: str, **fields: object) -> datetime:
    r = await mod.decide(comment_id, decision, **fields)
    assert r.status_code == 200, r.text
    return datetime.fromisoformat(r.json()["decided_at"])


async def on_reports(mod: Moderation, comment_id: uuid.UUID, decision: str, **fields: object) -> datetime:
    await mod.report(comment_id, reason="INSULT")
    r = await mod.client.post(
        f"/moderation/reports/{comment_id}/decision",
        json={"decision": decision, **fields},
        headers=token_headers(moderator()),
    )
    assert r.status_code == 200, r.text
    return datetime.fromisoformat(r.json()["decided_at"])


async def test_transparency_figures_match_the_decisions_made(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with running_moderation(new_database, redis_url) as mod:
        t0 = utcnow()
        made: list[Made] = []

        async def comment(minutes_ago: int, body: str = "Ein Beitrag zur Maßnahme") -> tuple[uuid.UUID, Made]:
            submitted = t0 - timedelta(minutes=minutes_ago)
            comment_id = await mod.submit(f"{body} {uuid.uuid4().hex[:6]}", submitted_at=submitted)
            made.append(Made(submitted, []))
            return comment_id, made[-1]

        for minutes in (50, 20, 35):
            comment_id, m = await comment(minutes)
            m.decisions.append((await decided(mod, comment_id, "approve"), "approve", None, False))
        for minutes, reason in ((5, "INSULT"), (12, "OFF_TOPIC")):
            comment_id, m = await comment(minutes)
            m.decisions.append(
                (await decided(mod, comment_id, "reject", reason=reason), "reject", reason, False)
            )
        spam_id, spam = await comment(1, "Jetzt kaufen: https://a.example.com https://b.example.com")
        [auto] = [p for p in await mod.outbox("radar.comment.rejected") if p["comment_id"] == str(spam_id)]
        spam.decisions.append((datetime.fromisoformat(auto["decided_at"]), "reject", "SPAM", True))
        hidden_id, hidden = await comment(30)
        hidden.decisions.append((await decided(mod, hidden_id, "approve"), "approve", None, False))
        hidden.decisions.append(
            (await on_reports(mod, hidden_id, "hide", reason="INSULT"), "hide", "INSULT", False)
        )
        kept_id, kept = await comment(25)
        kept.decisions.append((await decided(mod, kept_id, "approve"), "approve", None, False))
        kept.decisions.append((await on_reports(mod, kept_id, "dismiss"), "dismiss", None, False))
        for minutes in (40, 2):
            await comment(minutes)  # still waiting

        first = month_of(min(m.submitted_at for m in made))
        before = utcnow()
        r = await mod.client.get(
            "/transparency/moderation",
            params={"from": first, "to": month_of(before)},
            headers=token_headers(ANONYMOUS),
        )
        after = utcnow()
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["time_zone"] == "Europe/Berlin"

    all_decisions = [d for m in made for d in m.decisions]
    for month in body["months"]:
        mine = [d for d in all_decisions if month_of(d[0]) == month["month"]]
        assert month["decisions"]["total"] == len(mine)
        outcomes = Counter(decision for _, decision, _, _ in mine)
        assert month["decisions"]["by_outcome"] == {
            o: outcomes[o] for o in ("approve", "reject", "hide", "dismiss")
        }
        assert month["decisions"]["by_reason"] == dict(Counter(reason for _, _, reason, _ in mine if reason))
        assert month["decisions"]["automatic"] == sum(1 for d in mine if d[3])

        timed = [
            (when - m.submitted_at).total_seconds()
            for m in made
            for when, decision, _, automatic in m.decisions
            if decision in ("approve", "reject") and not automatic and month_of(when) == month["month"]
        ]
        timing = month["time_to_decision_seconds"]
        assert timing["decisions"] == len(timed)
        if timed:
            assert timing["median"] == pytest.approx(percentile(timed, 0.5), abs=0.001)
            assert timing["p90"] == pytest.approx(percentile(timed, 0.9), abs=0.001)

        at = datetime.fromisoformat(month["queue"]["at"])
        waiting = [m for m in made if m.submitted_at <= at and ((c := m.closed_at()) is None or c > at)]
        assert month["queue"]["length"] == len(waiting)
        if waiting:
            oldest = min(m.submitted_at for m in waiting)
            assert month["queue"]["oldest_age_seconds"] == pytest.approx(
                (at - oldest).total_seconds(), abs=0.001
            )
    current = body["months"][-1]
    assert before <= datetime.fromisoformat(current["queue"]["at"]) <= after  # the current month: now
    assert current["queue"]["length"] == 2
    assert sum(m["decisions"]["total"] for m in body["months"]) == len(all_decisions) == 10


async def test_a_bad_period_is_refused_with_its_code(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with running_moderation(new_database, redis_url) as mod:
        next_year = f"{utcnow().year + 1}-01"
        for params, code in (
            ({"from": "2025-13"}, "MONTH_INVALID"),
            ({"to": next_year}, "PERIOD_IN_FUTURE"),
            ({"from": "2024-05", "to": "2024-04"}, "PERIOD_INVALID"),
            ({"from": "2000-01", "to": "2024-04"}, "PERIOD_TOO_LONG"),
        ):
            r = await mod.client.get(
                "/transparency/moderation", params=params, headers=token_headers(ANONYMOUS)
            )
            assert (r.status_code, r.json()["error"]) == (422, code)
