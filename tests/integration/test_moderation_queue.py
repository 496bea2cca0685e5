"""The moderation queue on real servers: automatic flags and decisions, claims, decisions, bulk approval."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from redis.asyncio import Redis

from radar_lib.events import MeasurePublished, MeasureSnapshot, utcnow
from tests.conftest import moderator, token_headers
from tests.integration.helpers import eventually
from tests.integration.moderation_service import Moderation, running_moderation
from tests.integration.participation_service import stream_events

pytestmark = pytest.mark.integration

SPAM = "Jetzt kaufen: https://shop.example.com www.example.net und bit.ly/angebot"


def flags_of(queue: dict[str, object], comment_id: uuid.UUID) -> list[tuple[str, str]]:
    [item] = [i for i in queue["items"] if i["comment_id"] == str(comment_id)]  # type: ignore[attr-defined]
    return [(f["code"], f["reason_code"]) for f in item["flags"]]


async def count(mod: Moderation, sql: str, *args: object) -> int:
    return int(await mod.pool.fetchval(sql, *args))


async def test_an_insult_and_an_email_address_carry_their_flags_and_the_queue_filters_by_flag(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with running_moderation(new_database, redis_url) as mod:
        insult = await mod.submit("Der Stadtrat ist ein Haufen Vollidioten!")
        email = await mod.submit("Fragen an max.mustermann@example.org")
        clean = await mod.submit("Wann kommt die digitale Akte in die Bezirke?")
        queue = await mod.queue()
        assert flags_of(queue, insult) == [("PROFANITY", "INSULT")]
        assert flags_of(queue, email) == [("EMAIL_ADDRESS", "PERSONAL_DATA")]
        assert flags_of(queue, clean) == []
        assert await mod.state(clean) == "pending"  # unflagged comments wait for a human by default

        only = await mod.queue(flag="PROFANITY")
        assert [i["comment_id"] for i in only["items"]] == [str(insult)] and only["total"] == 1
        assert [i["comment_id"] for i in (await mod.queue(flag="EMAIL_ADDRESS"))["items"]] == [str(email)]
        r = await mod.client.get("/moderation/queue?flag=NOPE", headers=token_headers(moderator()))
        assert (r.status_code, r.json()["error"]) == (422, "FLAG_UNKNOWN")
        kinds = await mod.client.get("/moderation/flags", headers=token_headers(moderator()))
        assert {"code": "PROFANITY", "reason_code": "INSULT"}.items() <= kinds.json()["flags"][0].items()


async def test_clear_spam_is_rejected_automatically_like_a_human_decision(
    new_database: Callable[[str], str], redis_url: str, redis: Redis
) -> None:
    async with running_moderation(new_database, redis_url) as mod:
        comment_id = await mod.submit(SPAM)
        assert await mod.state(comment_id) == "rejected"
        assert (await mod.queue())["total"] == 0
        [payload] = await mod.outbox("radar.comment.rejected")
        assert payload["comment_id"] == str(comment_id)
        assert (payload["reason_code"], payload["automatic"], payload["moderator_id"]) == ("SPAM", True, None)

        async def sent() -> list[object]:
            return [e for _, e in await stream_events(redis, "radar.comment.rejected")]

        [event] = await eventually(sent)
        assert event["payload"]["comment_id"] == str(comment_id) and event["payload"]["reason_code"] == "SPAM"
        actions = await mod.pool.fetch(
            "SELECT actor_kind, actor_id, action, details::jsonb ->> 'reason_code' AS reason"
            " FROM audit_log WHERE comment_id = $1 ORDER BY seq",
            comment_id,
        )
        assert [tuple(a) for a in actions] == [
            ("system", None, "queued", None),
            ("auto", None, "reject", "SPAM"),
        ]
        assert await count(mod, "SELECT count(*) FROM decisions WHERE actor_kind = 'auto'") == 1


async def test_spam_waits_for_a_human_when_automatic_rejection_is_off(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with running_moderation(new_database, redis_url, auto_reject_spam=False) as mod:
        comment_id = await mod.submit(SPAM)
        assert await mod.state(comment_id) == "pending"
        assert flags_of(await mod.queue(), comment_id) == [("LINKS", "SPAM"), ("PROMOTION", "SPAM")]
        assert await mod.outbox("radar.comment.rejected") == []


async def test_unflagged_comments_are_approved_automatically_only_where_the_policy_says_so(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with running_moderation(new_database, redis_url, auto_approve_unflagged=True) as mod:
        clean = await mod.submit("Gute Idee, bitte auch in Pasing.")
        shouting = await mod.submit("DAS IST DOCH ALLES VIEL ZU SPÄT, WIE IMMER")
        assert (await mod.state(clean), await mod.state(shouting)) == ("approved", "pending")
        [approval] = await mod.outbox("radar.comment.approved")
        assert (approval["comment_id"], approval["automatic"]) == (str(clean), True)


async def test_a_claim_excludes_a_second_moderator_until_it_is_released_or_expires(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with running_moderation(new_database, redis_url, claim_minutes=5) as mod:
        comment_id = await mod.submit("Bitte mehr Bänke am Marienplatz.")
        first, second = moderator(), moderator()
        claim_path = f"/moderation/comments/{comment_id}/claim"
        mine = await mod.client.post(claim_path, headers=token_headers(first))
        assert mine.status_code == 200, mine.text
        assert mine.json()["claimed_by"] == str(first.id)
        [item] = (await mod.queue())["items"]
        assert item["claim"]["moderator_id"] == str(first.id)

        for refused in (
            await mod.client.post(claim_path, headers=token_headers(second)),
            await mod.decide(comment_id, "approve", who=second),
            await mod.client.delete(claim_path, headers=token_headers(second)),
        ):
            assert (refused.status_code, refused.json()["error"]) == (409, "CLAIMED_BY_OTHER"), refused.text
        assert await mod.state(comment_id) == "pending"
        assert await mod.outbox("radar.comment.approved") == []

        assert (await mod.client.delete(claim_path, headers=token_headers(first))).status_code == 200
        assert (await mod.client.post(claim_path, headers=token_headers(second))).status_code == 200
        await mod.pool.execute(  # the second moderator's lease runs out
            "UPDATE queue_items SET claim_expires_at = now() - interval '1 second' WHERE comment_id = $1",
            comment_id,
        )
        decided = await mod.decide(comment_id, "approve", who=first)
        assert decided.status_code == 200, decided.text
        assert await mod.state(comment_id) == "approved"


async def test_a_rejection_without_a_valid_reason_is_refused_and_writes_nothing(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with running_moderation(new_database, redis_url) as mod:
        comment_id = await mod.submit("Das ist am Thema vorbei, aber egal.")
        for fields, status, code in (
            ({}, 422, "REASON_REQUIRED"),
            ({"reason": "RUDE"}, 422, "REASON_UNKNOWN"),
            ({"reason": "OFF_TOPIC", "note": "x" * 1001}, 422, "NOTE_TOO_LONG"),
            ({"reason": "OFF_TOPIC", "note": "bad\x07bell"}, 422, "NOTE_INVALID_CHARACTERS"),
            ({"reason": "OFF_TOPIC", "extra": 1}, 422, "VALIDATION_FAILED"),
        ):
            r = await mod.decide(comment_id, "reject", **fields)
            assert (r.status_code, r.json()["error"]) == (status, code), r.text
        unknown = await mod.decide(uuid.uuid4(), "reject", reason="SPAM")
        assert (unknown.status_code, unknown.json()["error"]) == (404, "COMMENT_NOT_IN_QUEUE")
        assert await mod.state(comment_id) == "pending"
        assert await count(mod, "SELECT count(*) FROM decisions") == 0
        assert await count(mod, "SELECT count(*) FROM audit_log WHERE action <> 'queued'") == 0
        assert await count(mod, "SELECT count(*) FROM outbox") == 0

        r = await mod.decide(
            comment_id, "reject", reason="OFF_TOPIC", note="Bitte unter der passenden Maßnahme."
        )
        assert r.status_code == 200, r.text
        [payload] = await mod.outbox("radar.comment.rejected")
        assert (payload["reason_code"], payload["note"]) == (
            "OFF_TOPIC",
            "Bitte unter der passenden Maßnahme.",
        )
        again = await mod.decide(comment_id, "approve")
        assert (again.status_code, again.json()["error"]) == (409, "COMMENT_ALREADY_DECIDED")


async def test_bulk_approval_is_all_or_nothing(new_database: Callable[[str], str], redis_url: str) -> None:
    async with running_moderation(new_database, redis_url) as mod:
        pending = [await mod.submit(f"Vorschlag Nummer {n}: mehr Radwege.") for n in range(3)]
        rejected = await mod.submit("Noch ein Vorschlag ohne Bezug.")
        assert (await mod.decide(rejected, "reject", reason="OFF_TOPIC")).status_code == 200
        path, headers = "/moderation/comments/bulk-decision", token_headers(moderator())

        ids = [str(i) for i in [*pending, rejected]]
        refused = await mod.client.post(path, json={"ids": ids, "decision": "approve"}, headers=headers)
        assert (refused.status_code, refused.json()["error"]) == (409, "BULK_REFUSED")
        assert refused.json()["refused"] == [
            {
                "comment_id": str(rejected),
                "error": "COMMENT_ALREADY_DECIDED",
                "message": "This comment has already been decided.",
            }
        ]
        assert [await mod.state(i) for i in pending] == ["pending"] * 3
        assert await mod.outbox("radar.comment.approved") == []
        wrong = await mod.client.post(path, json={"ids": ids[:1], "decision": "reject"}, headers=headers)
        assert (wrong.status_code, wrong.json()["error"]) == (422, "DECISION_UNKNOWN")
        empty = await mod.client.post(path, json={"ids": [], "decision": "approve"}, headers=headers)
        assert (empty.status_code, empty.json()["error"]) == (422, "BULK_SIZE")

        ok = await mod.client.post(
            path, json={"ids": ids[:3] + ids[:1], "decision": "approve"}, headers=headers
        )
        assert ok.status_code == 200, ok.text
        assert ok.json()["decided"] == ids[:3]
        assert [await mod.state(i) for i in pending] == ["approved"] * 3
        assert sorted(p["comment_id"] for p in await mod.outbox("radar.comment.approved")) == sorted(ids[:3])


async def test_queue_items_name_their_measure_and_count_the_authors_recent_comments(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with running_moderation(new_database, redis_url) as mod:
        measure_id, author = uuid.uuid4(), uuid.uuid4()
        for version, title in ((2, "Digitale Akte"), (1, "Alter Titel")):  # the older version comes late
            snapshot = MeasureSnapshot(
                measure_id=measure_id,
                version=version,
                slug=f"e-akte-{version}",
                title=title,
                field_slug="verwaltung",
                status="in_umsetzung",
            )
            await mod.applied(MeasurePublished.create(producer="catalog", payload=snapshot))
        now = utcnow()
        old = await mod.submit(
            "Vor drei Tagen",
            participant_id=author,
            measure_id=measure_id,
            submitted_at=now - timedelta(days=3),
        )
        await mod.submit("Vor acht Tagen", participant_id=author, submitted_at=now - timedelta(days=8))
        recent = await mod.submit("Gerade eben", participant_id=author, measure_id=measure_id)
        other = await mod.submit("Jemand anderes", measure_id=uuid.uuid4())
        items = (await mod.queue())["items"]
        assert [i["body"] for i in items] == [
            "Vor acht Tagen",
            "Vor drei Tagen",
            "Gerade eben",
            "Jemand anderes",
        ]
        by_id = {i["comment_id"]: i for i in items}
        assert (by_id[str(old)]["measure_title"], by_id[str(old)]["measure_slug"]) == (
            "Digitale Akte",
            "e-akte-2",
        )
        assert by_id[str(recent)]["participant_recent"] == {"last_24h": 1, "last_7d": 2}
        assert by_id[str(other)]["measure_title"] is None  # a measure moderation has not heard of yet
        assert by_id[str(other)]["participant_recent"] == {"last_24h": 1, "last_7d": 1}


async def test_the_same_text_again_is_flagged_as_a_repeat(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with running_moderation(new_database, redis_url) as mod:
        author = uuid.uuid4()
        first = await mod.submit("Gute Idee!", participant_id=author)
        again = await mod.submit("gute idee", participant_id=author)
        someone_else = await mod.submit("Gute Idee!")
        queue = await mod.queue()
        assert flags_of(queue, first) == []
        assert flags_of(queue, again) == [("DUPLICATE", "SPAM")]
        assert flags_of(queue, someone_else) == []  # a short text many people write
