"""Ratings of measures and reports of comments in participation, on real servers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from radar_lib.events import CommentReported
from radar_lib.token import Principal
from tests.conftest import participant, token_headers
from tests.integration.helpers import eventually
from tests.integration.participation_service import Participation, running_participation, stream_events

pytestmark = pytest.mark.integration

NewDatabase = Callable[[str], str]
ANONYMOUS = Principal(kind="anonymous")


async def rate(p: Participation, slug: str, who: Principal, stars: Any) -> dict[str, Any]:
    r = await p.client.put(f"/measures/{slug}/rating", json={"stars": stars}, headers=token_headers(who))
    return {"status": r.status_code, **r.json()}


async def test_rating_summary_follows_changes_and_removals(new_database: NewDatabase, redis_url: str) -> None:
    async with running_participation(new_database, redis_url) as p:
        slug, a, b, c = await p.measure(), participant(), participant(), participant()
        await rate(p, slug, a, 5)
        await rate(p, slug, b, 3)
        summary = await rate(p, slug, c, 4)
        assert (summary["mean"], summary["count"], summary["own"]) == (4.0, 3, 4)
        assert summary["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1}

        changed = await rate(p, slug, b, 1)
        assert (changed["mean"], changed["count"], changed["own"]) == (3.33, 3, 1)
        assert changed["distribution"] == {"1": 1, "2": 0, "3": 0, "4": 1, "5": 1}

        r = await p.client.delete(f"/measures/{slug}/rating", headers=token_headers(a))
        assert (r.json()["mean"], r.json()["count"], r.json()["own"]) == (2.5, 2, None)
        again = await p.client.delete(f"/measures/{slug}/rating", headers=token_headers(a))
        assert again.status_code == 200
        public = (await p.client.get(f"/measures/{slug}/rating", headers=token_headers(ANONYMOUS))).json()
        assert (public["mean"], public["count"], public["own"]) == (2.5, 2, None)
        assert await p.count("ratings") == 2


async def test_rating_out_of_range_or_not_whole_stars_is_refused_and_stores_nothing(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with running_participation(new_database, redis_url) as p:
        slug, who = await p.measure(), participant()
        for stars, code in [
            (0, "RATING_OUT_OF_RANGE"),
            (6, "RATING_OUT_OF_RANGE"),
            (-1, "RATING_OUT_OF_RANGE"),
        ]:
            answer = await rate(p, slug, who, stars)
            assert (answer["status"], answer["error"]) == (422, code)
        for not_whole in ("5", 4.5, True, None):
            answer = await rate(p, slug, who, not_whole)
            assert (answer["status"], answer["error"]) == (422, "VALIDATION_FAILED"), not_whole
        unknown = await rate(p, "no-such-measure", who, 3)
        assert (unknown["status"], unknown["error"]) == (404, "MEASURE_NOT_FOUND")
        anonymous = await rate(p, slug, ANONYMOUS, 3)
        assert (anonymous["status"], anonymous["error"]) == (401, "PARTICIPANT_REQUIRED")
        assert await p.count("ratings") == 0


async def test_counts_give_comments_and_ratings_per_measure_in_one_call(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with running_participation(new_database, redis_url) as p:
        busy, quiet, unnamed = await p.measure(), await p.measure(), await p.measure()
        await p.published(participant(), busy)
        await p.comment(participant(), busy)  # pending: not counted
        await rate(p, busy, participant(), 5)
        await rate(p, busy, participant(), 2)
        headers = token_headers(ANONYMOUS)

        r = await p.client.get(f"/counts?measures={busy},{p.measure_ids[quiet]}", headers=headers)
        counts = {i["slug"]: (i["comments"], i["ratings"], i["mean"]) for i in r.json()["items"]}
        assert counts == {busy: (1, 2, 3.5), quiet: (0, 0, None)}
        every = (await p.client.get("/counts", headers=headers)).json()["items"]
        assert {i["slug"] for i in every} == {busy, quiet, unnamed}
        too_many = await p.client.get("/counts?measures=" + ",".join(["x"] * 101), headers=headers)
        assert (too_many.status_code, too_many.json()["error"]) == (422, "TOO_MANY_MEASURES")


async def test_report_travels_to_moderation_once_per_participant(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with running_participation(new_database, redis_url) as p:
        slug, author, reporter = await p.measure(), participant(), participant()
        comment_id = await p.published(author, slug, "Ein fragwürdiger Beitrag")
        url = f"/comments/{comment_id}/reports"

        r = await p.client.post(url, json={"reason": "INSULT"}, headers=token_headers(reporter))
        assert r.status_code == 202, r.text
        twice = await p.client.post(url, json={"reason": "SPAM"}, headers=token_headers(reporter))
        assert (twice.status_code, twice.json()["error"]) == (409, "ALREADY_REPORTED")
        another = await p.client.post(url, json={"reason": "SPAM"}, headers=token_headers(participant()))
        assert another.status_code == 202
        assert await p.count("reports") == 2

        async def reported() -> list[tuple[bytes, dict[str, Any]]]:
            return await stream_events(p.app.state.runtime.redis, CommentReported.stream())

        first = (await eventually(reported))[0][1]["payload"]
        assert (first["comment_id"], first["reason"], first["reporter_id"]) == (
            comment_id,
            "INSULT",
            str(reporter.id),
        )
        assert first["body"] == "Ein fragwürdiger Beitrag"


async def test_report_needs_a_netiquette_reason_and_a_published_comment_of_someone_else(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with running_participation(new_database, redis_url) as p:
        slug, author, reporter = await p.measure(), participant(), participant()
        published = await p.published(author, slug)
        pending = await p.comment(author, slug)
        own = await p.comment(reporter, slug)
        hidden = await p.published(author, slug, "Versteckt")
        await p.decide("hide", hidden)

        async def report(ref: str, reason: str = "SPAM", who: Principal = reporter) -> tuple[int, str]:
            r = await p.client.post(
                f"/comments/{ref}/reports", json={"reason": reason}, headers=token_headers(who)
            )
            return r.status_code, r.json().get("error", "")

        assert await report(published, "NOT_A_CLAUSE") == (422, "REPORT_REASON_UNKNOWN")
        assert await report(pending) == (404, "COMMENT_NOT_FOUND")
        assert await report(str(uuid.uuid4())) == (404, "COMMENT_NOT_FOUND")
        assert await report("not-a-uuid") == (404, "COMMENT_NOT_FOUND")
        assert await report(own) == (422, "OWN_COMMENT")
        assert await report(hidden) == (409, "COMMENT_NOT_PUBLISHED")
        assert await report(published, who=ANONYMOUS) == (401, "PARTICIPANT_REQUIRED")
        assert await p.count("reports") == 0
        assert await p.count("outbox", "stream = 'radar.comment.reported'") == 0
