"""Citizens and moderators through the gateway's public JSON API, every service on real servers.

A participant is a browser with the radar_pid cookie the gateway sets on its first change; a
moderator is a staff session logged in through POST /api/v1/auth/login. Every step goes
through /api/v1: comments and replies, what others see of them, the moderators' queue with
its flags, reports, ratings, archived measures, erasure and the public figures. What the
services hold afterwards is read from their databases and the streams directly.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

import httpx
import pytest
from redis.asyncio import Redis

from radar_lib.events import dlq_stream_for
from tests.integration.gateway_system import SMALL_CITY, System, start_system
from tests.integration.helpers import eventually

pytestmark = pytest.mark.integration
API = "/api/v1"


@pytest.fixture
async def system(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[System]:
    """Every service and the gateway, the catalog loaded with a small city; limits out of the way."""
    async with start_system(
        new_database, redis_url, city=SMALL_CITY, comments_per_window=50, reports_per_window=50
    ) as running:
        yield running


# --- what a browser does --------------------------------------------------------------------


async def post_comment(browser: httpx.AsyncClient, slug: str, body: str, **fields: Any) -> str:
    """A new comment's id; it is pending."""
    r = await browser.post(f"{API}/measures/{slug}/comments", json={"body": body, **fields})
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "pending"
    return str(r.json()["id"])


async def thread(browser: httpx.AsyncClient, slug: str) -> list[dict[str, Any]]:
    r = await browser.get(f"{API}/measures/{slug}/comments")
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


async def mine(browser: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    """The browser's own comments (GET /api/v1/me/comments) by id."""
    r = await browser.get(f"{API}/me/comments")
    assert r.status_code == 200, r.text
    return {item["id"]: item for item in r.json()["items"]}


async def until_status(browser: httpx.AsyncClient, comment_id: str, status: str) -> dict[str, Any]:
    """The author's view of a comment once it has reached this status."""

    async def reached() -> dict[str, Any] | None:
        item = (await mine(browser)).get(comment_id)
        return item if item is not None and item["status"] == status else None

    return dict(await eventually(reached))


# --- what a moderator does ------------------------------------------------------------------


async def queue(moderator: httpx.AsyncClient, **query: str) -> dict[str, dict[str, Any]]:
    r = await moderator.get(f"{API}/moderation/queue", params=query)
    assert r.status_code == 200, r.text
    return {item["comment_id"]: item for item in r.json()["items"]}


async def queued(moderator: httpx.AsyncClient, comment_id: str) -> dict[str, Any]:
    """The queue item of a comment, once moderation has queued and checked it."""

    async def found() -> dict[str, Any] | None:
        return (await queue(moderator)).get(comment_id)

    return dict(await eventually(found))


async def decide(moderator: httpx.AsyncClient, comment_id: str, decision: str, **fields: str) -> None:
    await queued(moderator, comment_id)
    r = await moderator.post(
        f"{API}/moderation/comments/{comment_id}/decision", json={"decision": decision, **fields}
    )
    assert r.status_code == 200, r.text


async def published(system: System, author: httpx.AsyncClient, slug: str, body: str, **fields: Any) -> str:
    """A comment a moderator approved, once its author sees it published."""
    comment_id = await post_comment(author, slug, body, **fields)
    await decide(await system.moderator(), comment_id, "approve")
    await until_status(author, comment_id, "published")
    return comment_id


async def reported(moderator: httpx.AsyncClient, comment_id: str) -> dict[str, Any]:
    """A comment's entry in the report queue, once its reports have reached moderation."""

    async def found() -> dict[str, Any] | None:
        r = await moderator.get(f"{API}/moderation/reports")
        assert r.status_code == 200, r.text
        return next((i for i in r.json()["items"] if i["comment_id"] == comment_id), None)

    return dict(await eventually(found))


# --- the journey ----------------------------------------------------------------------------


async def test_a_comment_is_invisible_to_others_until_a_moderator_approves_it(system: System) -> None:
    slug = await system.measure(title="Digitale Bürgerdienste")
    author, other, anonymous = system.client(), system.client(), system.client()
    comment_id = await post_comment(author, slug, "Bitte auch in leichter Sprache.", display_name="Anna")
    assert "radar_pid" in author.cookies
    assert await thread(other, slug) == []  # a browser with a cookie of its own
    await post_comment(other, slug, "Ein anderer Beitrag")  # now `other` is a participant too
    assert comment_id not in ids(await thread(other, slug))
    assert await thread(anonymous, slug) == []
    assert "radar_pid" not in anonymous.cookies
    [own] = [c for c in await thread(author, slug) if c["id"] == comment_id]
    assert (own["status"], own["own"], own["body"], own["display_name"]) == (
        "pending",
        True,
        "Bitte auch in leichter Sprache.",
        "Anna",
    )
    assert (await mine(author))[comment_id]["status"] == "pending"
    assert comment_id not in await mine(other)

    moderator = await system.moderator()
    item = await queued(moderator, comment_id)
    assert (item["measure_slug"], item["measure_title"], item["flags"]) == (
        slug,
        "Digitale Bürgerdienste",
        [],
    )
    await decide(moderator, comment_id, "approve")

    async def shown_to_everyone() -> bool:
        return all([comment_id in ids(await thread(b, slug)) for b in (other, anonymous)])

    await eventually(shown_to_everyone)
    [seen] = [c for c in await thread(anonymous, slug) if c["id"] == comment_id]
    assert (seen["status"], seen["own"], seen["body"], seen["display_name"]) == (
        "published",
        False,
        "Bitte auch in leichter Sprache.",
        "Anna",
    )
    assert seen["published_at"] is not None
    assert comment_id not in await queue(moderator)
    assert (await mine(author))[comment_id]["status"] == "published"


async def test_a_rejected_comment_is_shown_to_its_author_alone_with_its_clause_and_note(
    system: System,
) -> None:
    slug = await system.measure()
    author, other = system.client(), system.client()
    comment_id = await post_comment(author, slug, "Das ist doch alles Quatsch hier.")
    await post_comment(other, slug, "Sachlich bitte.")
    moderator = await system.moderator()
    await decide(moderator, comment_id, "reject", reason="RESPECT", note="Bitte ohne Herabsetzung.")

    rejected = await until_status(author, comment_id, "rejected")
    assert (rejected["reason_code"], rejected["note"], rejected["decided_at"] is not None) == (
        "RESPECT",
        "Bitte ohne Herabsetzung.",
        True,
    )
    [in_thread] = [c for c in await thread(author, slug) if c["id"] == comment_id]
    assert (in_thread["status"], in_thread["reason_code"], in_thread["note"], in_thread["own"]) == (
        "rejected",
        "RESPECT",
        "Bitte ohne Herabsetzung.",
        True,
    )
    assert comment_id not in ids(await thread(other, slug))
    assert comment_id not in ids(await thread(system.client(), slug))
    assert comment_id not in await queue(moderator)

    r = await system.client().get(f"{API}/netiquette")
    assert r.status_code == 200, r.text
    clauses = {c["code"]: c for c in r.json()["clauses"]}
    assert clauses["RESPECT"]["text"]["de"].startswith("Bleiben Sie sachlich")
    assert clauses["RESPECT"]["text"]["en"].startswith("Keep to the point")


async def test_a_reply_is_threaded_under_its_comment_and_a_reply_to_a_reply_is_refused(
    system: System,
) -> None:
    slug = await system.measure()
    author, replier, reader = system.client(), system.client(), system.client()
    comment_id = await published(system, author, slug, "Wann kommt die App?")
    reply_id = await post_comment(replier, slug, "Laut Plan 2026.", parent_id=comment_id)
    [top] = await thread(replier, slug)
    assert [(r["id"], r["status"], r["own"]) for r in top["replies"]] == [(reply_id, "pending", True)]
    [top] = await thread(reader, slug)
    assert top["replies"] == []

    await decide(await system.moderator(), reply_id, "approve")
    await until_status(replier, reply_id, "published")
    [top] = await thread(reader, slug)
    assert (top["id"], [(r["id"], r["body"]) for r in top["replies"]]) == (
        comment_id,
        [(reply_id, "Laut Plan 2026.")],
    )
    assert (await mine(replier))[reply_id]["parent_id"] == comment_id

    before = await participation_rows(system)
    r = await reader.post(
        f"{API}/measures/{slug}/comments", json={"body": "Und dann?", "parent_id": reply_id}
    )
    assert (r.status_code, r.json()["error"]) == (422, "REPLY_TO_REPLY")
    assert await participation_rows(system) == before


async def participation_rows(system: System) -> dict[str, int]:
    """How many comments, ratings, reports and outbox rows participation holds."""
    pool = system.participation_app.state.runtime.pool
    return {
        table: int(await pool.fetchval(f"SELECT count(*) FROM {table}"))
        for table in ("comments", "ratings", "reports", "outbox", "erasure_requests")
    }


async def test_a_reported_comment_hidden_from_the_report_queue_leaves_the_public_thread(
    system: System,
) -> None:
    slug = await system.measure()
    author, reader = system.client(), system.client()
    comment_id = await published(system, author, slug, "Die sind doch alle unfähig im Rathaus.")
    kept_id = await published(system, author, slug, "Die Terminvergabe klappt gut.")
    reporters = [system.client() for _ in range(2)]
    for reporter, reason in zip(reporters, ("RESPECT", "INSULT"), strict=True):
        r = await reporter.post(f"{API}/comments/{comment_id}/reports", json={"reason": reason})
        assert r.status_code == 202, r.text
    moderator = await system.moderator()

    async def both_reports() -> dict[str, Any] | None:
        item = await reported(moderator, comment_id)
        return item if item["reports"] == 2 else None

    item = await eventually(both_reports)
    assert (item["reasons"], item["body"], item["measure_slug"]) == (
        {"RESPECT": 1, "INSULT": 1},
        "Die sind doch alle unfähig im Rathaus.",
        slug,
    )
    r = await moderator.post(
        f"{API}/moderation/reports/{comment_id}/decision", json={"decision": "hide", "reason": "RESPECT"}
    )
    assert r.status_code == 200, r.text

    async def gone_from_the_thread() -> bool:
        return ids(await thread(reader, slug)) == [kept_id]

    await eventually(gone_from_the_thread)
    assert (await until_status(author, comment_id, "hidden"))["reason_code"] == "RESPECT"
    r = await moderator.get(f"{API}/moderation/reports")
    assert comment_id not in [i["comment_id"] for i in r.json()["items"]]
    late = await system.client().post(f"{API}/comments/{comment_id}/reports", json={"reason": "SPAM"})
    assert (late.status_code, late.json()["error"]) == (409, "COMMENT_NOT_PUBLISHED")


def flags_of(item: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f["code"], f["reason_code"]) for f in item["flags"]}


async def test_insults_in_german_and_english_and_an_e_mail_address_carry_their_flags_in_the_queue(
    system: System,
) -> None:
    slug = await system.measure()
    citizen = system.client()
    german = await post_comment(citizen, slug, "Der Sachbearbeiter ist ein Vollidiot.")
    english = await post_comment(citizen, slug, "Whoever planned this is a moron.")
    email = await post_comment(citizen, slug, "Fragen gern an erika.muster@example.org schicken.")
    plain = await post_comment(citizen, slug, "Eine gute Maßnahme, weiter so.")
    moderator = await system.moderator()
    items = {c: await queued(moderator, c) for c in (german, english, email, plain)}

    assert flags_of(items[german]) == {("PROFANITY", "INSULT")}
    assert [f["detail"] for f in items[german]["flags"]] == ["idiot"]
    assert flags_of(items[english]) == {("PROFANITY", "INSULT")}
    assert [f["detail"] for f in items[english]["flags"]] == ["moron"]
    assert flags_of(items[email]) == {("EMAIL_ADDRESS", "PERSONAL_DATA")}
    assert flags_of(items[plain]) == set()
    assert items[plain]["participant_recent"] == {"last_24h": 4, "last_7d": 4}
    assert set(await queue(moderator, flag="PROFANITY")) == {german, english}
    assert set(await queue(moderator, flag="EMAIL_ADDRESS")) == {email}
    r = await moderator.get(f"{API}/moderation/queue", params={"flag": "NONSENSE"})
    assert (r.status_code, r.json()["error"]) == (422, "FLAG_UNKNOWN")


SPAM = "Jetzt kaufen: https://billig.example.com und www.angebot.example.net, hier klicken!"


async def test_clear_spam_is_rejected_automatically_and_never_reaches_the_queue(system: System) -> None:
    slug = await system.measure()
    spammer = system.client()
    comment_id = await post_comment(spammer, slug, SPAM)
    rejected = await until_status(spammer, comment_id, "rejected")
    assert (rejected["reason_code"], rejected["note"]) == ("SPAM", None)
    [in_thread] = await thread(spammer, slug)
    assert (in_thread["status"], in_thread["reason_code"]) == ("rejected", "SPAM")
    assert await thread(system.client(), slug) == []

    moderator = await system.moderator()
    assert comment_id not in await queue(moderator)
    r = await moderator.get(f"{API}/moderation/comments/{comment_id}")
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "rejected"
    assert [(d["decision"], d["reason_code"], d["actor"]["kind"]) for d in r.json()["decisions"]] == [
        ("reject", "SPAM", "auto")
    ]
    assert {"LINKS", "PROMOTION"} <= {f["code"] for f in r.json()["flags"]}


async def test_ratings_are_put_read_changed_and_removed_and_counted(system: System) -> None:
    slug = await system.measure()
    raters = [system.client() for _ in range(3)]
    for rater, stars in zip(raters, (5, 4, 4), strict=True):
        r = await rater.put(f"{API}/measures/{slug}/rating", json={"stars": stars})
        assert r.status_code == 200, r.text
    r = await raters[0].get(f"{API}/measures/{slug}/rating")
    assert r.status_code == 200, r.text
    summary = r.json()
    assert (summary["mean"], summary["count"], summary["own"]) == (4.33, 3, 5)
    assert summary["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1}
    anonymous = (await system.client().get(f"{API}/measures/{slug}/rating")).json()
    assert (anonymous["count"], anonymous["own"]) == (3, None)

    r = await raters[0].put(f"{API}/measures/{slug}/rating", json={"stars": 1})  # changed, not added
    assert (r.json()["mean"], r.json()["count"], r.json()["own"]) == (3.0, 3, 1)
    r = await raters[1].delete(f"{API}/measures/{slug}/rating")
    assert r.status_code == 200, r.text
    assert (r.json()["mean"], r.json()["count"], r.json()["own"]) == (2.5, 2, None)
    assert r.json()["distribution"] == {"1": 1, "2": 0, "3": 0, "4": 1, "5": 0}

    await published(system, raters[0], slug, "Gut gemacht.")
    await post_comment(raters[1], slug, "Noch nicht freigegeben.")
    other = await system.measure()
    r = await system.client().get(f"{API}/counts", params={"measures": f"{slug},{other}"})
    assert r.status_code == 200, r.text
    counts = {i["slug"]: (i["comments"], i["ratings"], i["mean"]) for i in r.json()["items"]}
    assert counts == {slug: (1, 2, 2.5), other: (0, 0, None)}


async def test_an_archived_measure_takes_no_comments_and_no_ratings(system: System) -> None:
    slug = await system.measure()
    citizen = system.client()
    comment_id = await published(system, citizen, slug, "Vor dem Archivieren geschrieben.")
    editor = await system.staff("editor")
    r = await editor.post(f"{API}/measures/{slug}/archive", json={"change_note": "Beendet."})
    assert r.status_code == 200, r.text
    pool = system.participation_app.state.runtime.pool

    async def archived() -> bool:
        return bool(await pool.fetchval("SELECT archived FROM measures WHERE slug = $1", slug))

    await eventually(archived)
    before = await participation_rows(system)
    r = await citizen.post(f"{API}/measures/{slug}/comments", json={"body": "Zu spät."})
    assert (r.status_code, r.json()["error"]) == (409, "MEASURE_CLOSED")
    r = await citizen.post(
        f"{API}/measures/{slug}/comments", json={"body": "Auch zu spät.", "parent_id": comment_id}
    )
    assert (r.status_code, r.json()["error"]) == (409, "MEASURE_CLOSED")
    r = await citizen.put(f"{API}/measures/{slug}/rating", json={"stars": 3})
    assert (r.status_code, r.json()["error"]) == (409, "MEASURE_CLOSED")
    assert await participation_rows(system) == before
    assert ids(await thread(system.client(), slug)) == [comment_id]  # what was said stays readable


# --- the public figures ---------------------------------------------------------------------


def this_month() -> str:
    return datetime.now(UTC).astimezone(ZoneInfo("Europe/Berlin")).strftime("%Y-%m")


async def figures(system: System, first: str) -> dict[str, Any]:
    """The moderation figures from `first` to this month, summed over the months."""
    r = await system.client().get(f"{API}/transparency/moderation", params={"from": first})
    assert r.status_code == 200, r.text
    months = r.json()["months"]
    by_outcome: dict[str, int] = {}
    by_reason: dict[str, int] = {}
    for month in months:
        for outcome, n in month["decisions"]["by_outcome"].items():
            by_outcome[outcome] = by_outcome.get(outcome, 0) + n
        for reason, n in month["decisions"]["by_reason"].items():
            by_reason[reason] = by_reason.get(reason, 0) + n
    return {
        "total": sum(m["decisions"]["total"] for m in months),
        "by_outcome": by_outcome,
        "by_reason": by_reason,
        "automatic": sum(m["decisions"]["automatic"] for m in months),
        "timed": sum(m["time_to_decision_seconds"]["decisions"] for m in months),
        "queue": months[-1]["queue"]["length"],
    }


async def test_the_transparency_figures_count_the_decisions_made(system: System) -> None:
    first = this_month()  # a month may end during the test: the figures are summed from here
    slug = await system.measure()
    citizen, reporter = system.client(), system.client()
    moderator = await system.moderator()
    approved = await published(system, citizen, slug, "Endlich online.")
    dismissed = await published(system, citizen, slug, "Klappt bei mir.")
    rejected = await post_comment(citizen, slug, "Ihr Trottel.")
    await decide(moderator, rejected, "reject", reason="INSULT")
    spam = await post_comment(citizen, slug, SPAM)
    await until_status(citizen, spam, "rejected")
    waiting = await post_comment(citizen, slug, "Wartet noch.")
    await queued(moderator, waiting)
    for comment_id, decision, reason in ((approved, "hide", "OFF_TOPIC"), (dismissed, "dismiss", None)):
        r = await reporter.post(f"{API}/comments/{comment_id}/reports", json={"reason": "OFF_TOPIC"})
        assert r.status_code == 202, r.text
        await reported(moderator, comment_id)
        body = {"decision": decision} | ({"reason": reason} if reason else {})
        r = await moderator.post(f"{API}/moderation/reports/{comment_id}/decision", json=body)
        assert r.status_code == 200, r.text

    assert await figures(system, first) == {
        "total": 6,
        "by_outcome": {"approve": 2, "reject": 2, "hide": 1, "dismiss": 1},
        "by_reason": {"INSULT": 1, "SPAM": 1, "OFF_TOPIC": 1},
        "automatic": 1,
        "timed": 3,  # a moderator's approvals and rejections; the automatic one took no one's time
        "queue": 1,
    }


# --- erasure --------------------------------------------------------------------------------


async def participant_id_of(system: System, comment_id: str) -> uuid.UUID:
    pool = system.participation_app.state.runtime.pool
    found = await pool.fetchval(
        "SELECT participant_id FROM comments WHERE comment_id = $1", uuid.UUID(comment_id)
    )
    assert isinstance(found, uuid.UUID)
    return found


def holding(rows: dict[str, list[str]], needle: str) -> dict[str, int]:
    """The tables with rows that contain the needle, and how many."""
    return {table: n for table, found in rows.items() if (n := sum(needle in row for row in found))}


def carries(fields: dict[bytes, bytes], needle: str) -> bool:
    """True when a stream entry holds the needle in a field's name or value."""
    return any(needle.encode() in part for kv in fields.items() for part in kv)


def streams_holding(streams: dict[str, Any], needle: str) -> dict[str, int]:
    """The streams with entries that hold the needle, and how many."""
    found = {stream: sum(carries(f, needle) for _, f in entries) for stream, entries in streams.items()}
    return {stream: n for stream, n in found.items() if n}


async def erasure_finished(system: System) -> bool:
    """Participation applied the erasure and deleted the stream entries it queued; moderation applied it."""
    part = system.participation_app.state.runtime.pool
    mod = system.moderation_app.state.runtime.pool
    return (
        await part.fetchval("SELECT count(*) FROM erasure_requests WHERE erased_at IS NULL") == 0
        and await part.fetchval("SELECT count(*) FROM stream_erasures") == 0
        and await mod.fetchval("SELECT count(*) FROM erased_participants") == 1
        and await mod.fetchval("SELECT count(*) FROM stream_erasures") == 0
        and await part.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
        and await mod.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
    )


async def test_erasure_leaves_nothing_of_the_participant_in_any_database_or_stream(system: System) -> None:
    first = this_month()  # a month may end during the test: the figures are summed from here
    slug = await system.measure()
    gone, stays = system.client(), system.client()
    secret = f"geheim{uuid.uuid4().hex[:10]}"  # in everything the erased participant wrote, only there
    moderator = await system.moderator()

    answered = await published(system, gone, slug, f"Erster {secret}", display_name=f"Anna {secret}")
    others = await published(system, stays, slug, "Ein Beitrag, der bleibt")
    kept_reply = await published(system, stays, slug, "Eine Antwort, die bleibt", parent_id=answered)
    reply = await post_comment(gone, slug, f"Antwort {secret}", parent_id=others, display_name=secret)
    rejected = await post_comment(gone, slug, f"Du Idiot {secret}")
    await decide(moderator, rejected, "reject", reason="INSULT", note=f"Zitat: Du Idiot {secret}")
    spam = await post_comment(gone, slug, f"{SPAM} {secret}")
    waiting = await post_comment(gone, slug, f"Wartet {secret} erika@example.org")
    await queued(moderator, waiting)
    for comment_id, reporter in ((others, gone), (answered, stays)):  # each reports the other
        r = await reporter.post(f"{API}/comments/{comment_id}/reports", json={"reason": "OFF_TOPIC"})
        assert r.status_code == 202, r.text
        await reported(moderator, comment_id)
    r = await gone.put(f"{API}/measures/{slug}/rating", json={"stars": 2})
    assert r.status_code == 200, r.text
    await until_status(gone, rejected, "rejected")
    await until_status(gone, spam, "rejected")
    participant_id = str(await participant_id_of(system, answered))
    mod_pool = system.moderation_app.state.runtime.pool
    decisions_before = await mod_pool.fetch(
        "SELECT comment_id, decision, reason_code, actor_kind FROM decisions ORDER BY decided_at"
    )
    figures_before = await figures(system, first)
    # a consumer dead-lettered the rejection with its note: the dead letter quotes the text too
    rejections = (await system.every_stream())["radar.comment.rejected"]
    [(entry_id, fields)] = [(i, f) for i, f in rejections if carries(f, secret)]
    dead_letter: dict[Any, Any] = {**fields, b"entry_id": entry_id}
    async with Redis.from_url(system.redis_url) as redis:
        await redis.xadd(dlq_stream_for("radar.comment.rejected"), dead_letter)
    rows, streams = await system.every_row(), await system.every_stream()
    assert set(holding(rows, secret)) >= {"participation.comments", "moderation.queue_items"}
    assert streams_holding(streams, secret)  # the test sees what it looks for
    assert holding(rows, participant_id) and streams_holding(streams, participant_id)

    old_identity = gone.cookies["radar_pid"]
    r = await gone.post(f"{API}/me/erasure")
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "requested"
    assert "radar_pid" not in gone.cookies  # the gateway forgets the identity with the data
    await eventually(lambda: erasure_finished(system))

    rows, streams = await system.every_row(), await system.every_stream()
    assert holding(rows, secret) == {}
    assert holding(rows, "erika@example.org") == {}
    assert holding(rows, participant_id) == {}
    assert streams_holding(streams, secret) == {}
    assert streams_holding(streams, "erika@example.org") == {}
    assert streams_holding(streams, participant_id) == {}
    assert [key for key in await system.every_key() if participant_id in key] == []
    assert holding(rows, "Ein Beitrag, der bleibt")  # the others' texts stay
    part_pool = system.participation_app.state.runtime.pool
    assert await part_pool.fetchval("SELECT count(*) FROM ratings") == 0
    reports = await part_pool.fetch("SELECT comment_id, reason FROM reports")
    assert [(str(r["comment_id"]), r["reason"]) for r in reports] == [(answered, "OFF_TOPIC")]  # by `stays`
    their_report = "SELECT count(*) FROM reports WHERE comment_id = $1"
    assert await mod_pool.fetchval(their_report, uuid.UUID(others)) == 0
    decisions_after = await mod_pool.fetch(
        "SELECT comment_id, decision, reason_code, actor_kind FROM decisions ORDER BY decided_at"
    )
    assert decisions_after == decisions_before  # the counts stay, and so do the figures
    assert figures_before["queue"] == 2  # the reply and the comment still waiting
    assert await figures(system, first) == figures_before | {"queue": 0}

    assert await mine(gone) == {}
    [placeholder, kept] = await thread(system.client(), slug)
    assert (placeholder["id"], placeholder["status"], placeholder["body"], placeholder["display_name"]) == (
        answered,
        "erased",
        None,
        None,
    )
    assert ids(placeholder["replies"]) == [kept_reply]
    assert (kept["id"], kept["replies"]) == (others, [])
    assert waiting not in await queue(moderator)
    assert reply not in await queue(moderator)

    # the old identity is dead: what is sent with it is refused and stores nothing
    stale = system.client()
    stale.cookies.set("radar_pid", old_identity)
    before = await participation_rows(system)
    for method, path, body in (
        ("POST", f"/measures/{slug}/comments", {"body": "Noch einmal"}),
        ("PUT", f"/measures/{slug}/rating", {"stars": 5}),
        ("POST", f"/comments/{others}/reports", {"reason": "SPAM"}),
    ):
        r = await stale.request(method, f"{API}{path}", json=body)
        assert (r.status_code, r.json()["error"]) == (403, "PARTICIPANT_ERASED"), path
    assert await participation_rows(system) == before
    # and the same browser takes part again as someone new, moderated as anyone else
    again = await post_comment(gone, slug, "Ich bin neu hier.")
    assert str(await participant_id_of(system, again)) != participant_id
    assert (await queued(moderator, again))["body"] == "Ich bin neu hier."


# --- bad input ------------------------------------------------------------------------------


async def every_count(system: System) -> dict[str, int]:
    """How many rows participation and moderation hold in the tables bad input could touch."""
    counts = await participation_rows(system)
    mod = system.moderation_app.state.runtime.pool
    for table in ("queue_items", "decisions", "audit_log", "outbox", "reports", "flags"):
        counts[f"moderation.{table}"] = int(await mod.fetchval(f"SELECT count(*) FROM {table}"))
    return counts


Refusal = tuple[str, str, Any, int, str]  # method, path below /api/v1, JSON body, status, error code


async def refused_all(browser: httpx.AsyncClient, cases: list[Refusal]) -> None:
    for method, path, body, status, code in cases:
        r = await browser.request(method, f"{API}{path}", json=body)
        assert (r.status_code, r.json().get("error")) == (status, code), (method, path, body, r.text)


async def test_bad_comments_replies_and_withdrawals_get_a_4xx_with_a_code_and_store_nothing(
    system: System,
) -> None:
    slug = await system.measure()
    author, other = system.client(), system.client()
    top = await published(system, author, slug, "Oben")
    reply = await published(system, other, slug, "Darunter", parent_id=top)
    waiting = await post_comment(author, slug, "Noch nicht freigegeben")
    await queued(await system.moderator(), waiting)
    url = f"/measures/{slug}/comments"
    before = await every_count(system)
    await refused_all(
        other,
        [
            ("POST", url, {"body": ""}, 422, "COMMENT_EMPTY"),
            ("POST", url, {"body": " \n\t "}, 422, "COMMENT_EMPTY"),
            ("POST", url, {"body": "x" * 2001}, 422, "COMMENT_TOO_LONG"),
            ("POST", url, {"body": "a\x00b"}, 422, "COMMENT_INVALID_CHARACTERS"),
            ("POST", url, {"body": "abc\u202edef"}, 422, "COMMENT_INVALID_CHARACTERS"),
            ("POST", url, {"body": "a\u200bb"}, 422, "COMMENT_INVALID_CHARACTERS"),
            ("POST", url, {"body": 42}, 422, "VALIDATION_FAILED"),
            ("POST", url, {}, 422, "VALIDATION_FAILED"),
            ("POST", url, {"body": "Hallo", "extra": 1}, 422, "VALIDATION_FAILED"),
            ("POST", url, {"body": "Hallo", "display_name": "N" * 61}, 422, "DISPLAY_NAME_TOO_LONG"),
            ("POST", url, {"body": "Hallo", "display_name": "A\nB"}, 422, "DISPLAY_NAME_INVALID_CHARACTERS"),
            ("POST", url, {"body": "Hallo", "idempotency_key": "kurz"}, 422, "IDEMPOTENCY_KEY_INVALID"),
            ("POST", "/measures/unbekannt/comments", {"body": "Hallo"}, 404, "MEASURE_NOT_FOUND"),
            ("POST", url, {"body": "Hallo", "parent_id": str(uuid.uuid4())}, 404, "PARENT_NOT_FOUND"),
            ("POST", url, {"body": "Hallo", "parent_id": "kein-uuid"}, 422, "VALIDATION_FAILED"),
            ("POST", url, {"body": "Hallo", "parent_id": waiting}, 404, "PARENT_NOT_FOUND"),  # not shown
            ("POST", url, {"body": "Hallo", "parent_id": reply}, 422, "REPLY_TO_REPLY"),
            ("POST", f"/comments/{uuid.uuid4()}/withdraw", None, 404, "COMMENT_NOT_FOUND"),
            ("POST", "/comments/kein-uuid/withdraw", None, 404, "COMMENT_NOT_FOUND"),
            ("POST", f"/comments/{waiting}/withdraw", None, 404, "COMMENT_NOT_FOUND"),  # another's, unseen
            ("POST", f"/comments/{top}/withdraw", None, 403, "NOT_AUTHOR"),
        ],
    )
    await refused_all(
        author,
        [("POST", url, {"body": "Hallo", "parent_id": waiting}, 409, "PARENT_NOT_PUBLISHED")],
    )
    assert await every_count(system) == before
    assert ids(await thread(system.client(), slug)) == [top]


async def test_bad_reports_and_ratings_get_a_4xx_with_a_code_and_store_nothing(system: System) -> None:
    slug = await system.measure()
    author, reporter = system.client(), system.client()
    shown = await published(system, author, slug, "Veröffentlicht")
    waiting = await post_comment(author, slug, "Wartet")
    await queued(await system.moderator(), waiting)
    r = await reporter.post(f"{API}/comments/{shown}/reports", json={"reason": "SPAM"})
    assert r.status_code == 202, r.text
    await reported(await system.moderator(), shown)
    rating = f"/measures/{slug}/rating"
    before = await every_count(system)
    await refused_all(
        reporter,
        [
            ("POST", f"/comments/{shown}/reports", {"reason": ""}, 422, "REPORT_REASON_UNKNOWN"),
            ("POST", f"/comments/{shown}/reports", {"reason": "R" * 5000}, 422, "REPORT_REASON_UNKNOWN"),
            ("POST", f"/comments/{shown}/reports", {"reason": "SP\x00AM"}, 422, "REPORT_REASON_UNKNOWN"),
            ("POST", f"/comments/{shown}/reports", {"reason": "NONSENSE"}, 422, "REPORT_REASON_UNKNOWN"),
            ("POST", f"/comments/{shown}/reports", {}, 422, "VALIDATION_FAILED"),
            ("POST", f"/comments/{shown}/reports", {"reason": 3}, 422, "VALIDATION_FAILED"),
            ("POST", f"/comments/{shown}/reports", {"reason": "INSULT"}, 409, "ALREADY_REPORTED"),
            ("POST", f"/comments/{uuid.uuid4()}/reports", {"reason": "SPAM"}, 404, "COMMENT_NOT_FOUND"),
            ("POST", "/comments/kein-uuid/reports", {"reason": "SPAM"}, 404, "COMMENT_NOT_FOUND"),
            ("POST", f"/comments/{waiting}/reports", {"reason": "SPAM"}, 404, "COMMENT_NOT_FOUND"),
            ("PUT", rating, {"stars": 0}, 422, "RATING_OUT_OF_RANGE"),
            ("PUT", rating, {"stars": 6}, 422, "RATING_OUT_OF_RANGE"),
            ("PUT", rating, {"stars": -1}, 422, "RATING_OUT_OF_RANGE"),
            ("PUT", rating, {"stars": 10**30}, 422, "RATING_OUT_OF_RANGE"),
            ("PUT", rating, {"stars": 3.5}, 422, "VALIDATION_FAILED"),
            ("PUT", rating, {"stars": "3"}, 422, "VALIDATION_FAILED"),
            ("PUT", rating, {"stars": True}, 422, "VALIDATION_FAILED"),
            ("PUT", rating, {"stars": None}, 422, "VALIDATION_FAILED"),
            ("PUT", rating, {}, 422, "VALIDATION_FAILED"),
            ("PUT", rating, {"stars": 3, "weight": 2}, 422, "VALIDATION_FAILED"),
            ("PUT", "/measures/unbekannt/rating", {"stars": 3}, 404, "MEASURE_NOT_FOUND"),
            ("DELETE", "/measures/unbekannt/rating", None, 404, "MEASURE_NOT_FOUND"),
            ("GET", "/measures/unbekannt/rating", None, 404, "MEASURE_NOT_FOUND"),
            ("GET", "/counts?measures=" + ",".join(["m"] * 101), None, 422, "TOO_MANY_MEASURES"),
            ("GET", "/counts?measures=" + "m" * 301, None, 422, "VALIDATION_FAILED"),
            ("GET", "/me/comments?page=0", None, 422, "VALIDATION_FAILED"),
        ],
    )
    await refused_all(
        author,
        [
            ("POST", f"/comments/{waiting}/reports", {"reason": "SPAM"}, 422, "OWN_COMMENT"),
            ("POST", f"/comments/{shown}/reports", {"reason": "SPAM"}, 422, "OWN_COMMENT"),
        ],
    )
    assert await every_count(system) == before


async def test_erasure_without_an_identity_erases_nothing_and_is_refused(system: System) -> None:
    before = await every_count(system)
    nobody = system.client()
    r = await nobody.post(f"{API}/me/erasure")
    assert (r.status_code, r.json()["error"]) == (401, "PARTICIPANT_REQUIRED")
    assert "radar_pid" not in nobody.cookies
    r = await nobody.post(f"{API}/me/erasure", content=b"x=1", headers={"content-type": "text/plain"})
    assert (r.status_code, r.json()["error"]) == (415, "UNSUPPORTED_MEDIA_TYPE")
    r = await nobody.get(f"{API}/me/erasure")
    assert (r.status_code, r.json()["error"]) == (405, "METHOD_NOT_ALLOWED")
    assert await every_count(system) == before
    document = (await nobody.get(f"{API}/openapi.json")).json()
    assert (
        "PARTICIPANT_REQUIRED"
        in document["paths"][f"{API}/me/erasure"]["post"]["responses"]["401"]["description"]
    )


async def test_bad_moderation_decisions_get_a_4xx_with_a_code_and_change_nothing(system: System) -> None:
    slug = await system.measure()
    citizen = system.client()
    moderator = await system.moderator()
    shown = await published(system, citizen, slug, "Veröffentlicht")
    waiting = await post_comment(citizen, slug, "Wartet")
    await queued(moderator, waiting)
    decision = f"/moderation/comments/{waiting}/decision"
    before = await every_count(system)
    await refused_all(
        moderator,
        [
            ("POST", decision, {"decision": "publish"}, 422, "DECISION_UNKNOWN"),
            ("POST", decision, {"decision": ""}, 422, "DECISION_UNKNOWN"),
            ("POST", decision, {"decision": "reject"}, 422, "REASON_REQUIRED"),
            ("POST", decision, {"decision": "reject", "reason": "RUDE"}, 422, "REASON_UNKNOWN"),
            ("POST", decision, {"decision": "approve", "reason": "SPAM"}, 422, "REASON_NOT_ALLOWED"),
            (
                "POST",
                decision,
                {"decision": "reject", "reason": "SPAM", "note": "n" * 1001},
                422,
                "NOTE_TOO_LONG",
            ),
            (
                "POST",
                decision,
                {"decision": "reject", "reason": "SPAM", "note": "a\x07b"},
                422,
                "NOTE_INVALID_CHARACTERS",
            ),
            ("POST", decision, {}, 422, "VALIDATION_FAILED"),
            ("POST", decision, {"decision": "approve", "by": "me"}, 422, "VALIDATION_FAILED"),
            ("POST", decision, {"decision": "hide", "reason": "SPAM"}, 409, "COMMENT_NOT_PUBLISHED"),
            (
                "POST",
                f"/moderation/comments/{shown}/decision",
                {"decision": "approve"},
                409,
                "COMMENT_ALREADY_DECIDED",
            ),
            (
                "POST",
                f"/moderation/comments/{uuid.uuid4()}/decision",
                {"decision": "approve"},
                404,
                "COMMENT_NOT_IN_QUEUE",
            ),
            (
                "POST",
                "/moderation/comments/kein-uuid/decision",
                {"decision": "approve"},
                422,
                "VALIDATION_FAILED",
            ),
            (
                "POST",
                f"/moderation/reports/{shown}/decision",
                {"decision": "hide", "reason": "SPAM"},
                409,
                "NO_OPEN_REPORTS",
            ),
            (
                "POST",
                f"/moderation/reports/{shown}/decision",
                {"decision": "approve"},
                422,
                "DECISION_UNKNOWN",
            ),
            (
                "POST",
                "/moderation/comments/bulk-decision",
                {"ids": [], "decision": "approve"},
                422,
                "BULK_SIZE",
            ),
            (
                "POST",
                "/moderation/comments/bulk-decision",
                {"ids": [waiting, str(uuid.uuid4())], "decision": "approve"},
                409,
                "BULK_REFUSED",
            ),
            ("POST", f"/moderation/comments/{uuid.uuid4()}/claim", None, 404, "COMMENT_NOT_IN_QUEUE"),
        ],
    )
    assert await every_count(system) == before
    assert waiting in await queue(moderator)


async def test_the_announcement_of_an_erasure_waits_for_a_service_that_has_not_read_it(
    system: System,
) -> None:
    """Its entry carries the participant id, so it goes, but only once every group has read it."""
    announcements = "radar.participant.erasure_requested"
    redis = Redis.from_url(system.redis_url)
    await redis.xgroup_create(announcements, "away", id="0", mkstream=True)  # a service not running now
    slug = await system.measure()
    gone = system.client()
    comment_id = await post_comment(gone, slug, "Bitte vergessen")
    await queued(await system.moderator(), comment_id)
    participant_id = str(await participant_id_of(system, comment_id))
    assert (await gone.post(f"{API}/me/erasure")).status_code == 202

    async def comment_entry_deleted() -> bool:  # deleted by the same run that skips the announcement
        streams = await system.every_stream()
        return bool(streams[announcements]) and not streams_holding(streams, "Bitte vergessen")

    await eventually(comment_entry_deleted)
    assert streams_holding(await system.every_stream(), participant_id) == {announcements: 1}
    assert holding(await system.every_row(), participant_id) == {}

    read = await redis.xreadgroup("away", "away-1", {announcements: ">"})  # the service is back
    [(_, [(entry_id, _)])] = cast(list[Any], read)
    await redis.xack(announcements, "away", entry_id)
    await redis.aclose()
    await eventually(lambda: erasure_finished(system))
    assert streams_holding(await system.every_stream(), participant_id) == {}
