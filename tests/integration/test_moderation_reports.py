"""Reports, the audit log and who may do what, on real servers."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from redis.asyncio import Redis

from radar_lib.token import ANONYMOUS
from tests.conftest import editor, moderator, participant, token_headers
from tests.integration.helpers import eventually
from tests.integration.moderation_service import Moderation, admin, running_moderation
from tests.integration.participation_service import stream_events

pytestmark = pytest.mark.integration


async def published(mod: Moderation, body: str = "Die Ampelschaltung ist Unsinn.") -> uuid.UUID:
    comment_id = await mod.submit(body)
    assert (await mod.decide(comment_id, "approve")).status_code == 200
    return comment_id


async def decide_reports(mod: Moderation, comment_id: uuid.UUID, **body: object) -> tuple[int, str | None]:
    r = await mod.client.post(
        f"/moderation/reports/{comment_id}/decision", json=body, headers=token_headers(moderator())
    )
    return r.status_code, r.json().get("error")


async def report_queue(mod: Moderation) -> list[dict[str, object]]:
    r = await mod.client.get("/moderation/reports", headers=token_headers(moderator()))
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


async def test_a_reported_comment_is_hidden_and_comment_hidden_leaves_through_the_outbox(
    new_database: Callable[[str], str], redis_url: str, redis: Redis
) -> None:
    async with running_moderation(new_database, redis_url) as mod:
        comment_id = await published(mod)
        for reason in ("INSULT", "INSULT", "SPAM"):
            await mod.report(comment_id, reason=reason)
        [item] = await report_queue(mod)
        assert (item["comment_id"], item["reports"], item["reasons"]) == (
            str(comment_id),
            3,
            {"INSULT": 2, "SPAM": 1},
        )
        assert item["body"] == "Die Ampelschaltung ist Unsinn."

        assert await decide_reports(mod, comment_id, decision="hide") == (422, "REASON_REQUIRED")
        assert await decide_reports(mod, comment_id, decision="approve") == (422, "DECISION_UNKNOWN")
        assert await mod.outbox("radar.comment.hidden") == []
        assert await decide_reports(mod, comment_id, decision="hide", reason="INSULT") == (200, None)
        assert await mod.state(comment_id) == "hidden"
        [payload] = await mod.outbox("radar.comment.hidden")
        assert (payload["comment_id"], payload["reason_code"]) == (str(comment_id), "INSULT")

        async def sent() -> list[object]:
            return [e for _, e in await stream_events(redis, "radar.comment.hidden")]

        [event] = await eventually(sent)
        assert event["payload"]["comment_id"] == str(comment_id)
        assert await report_queue(mod) == []
        assert await decide_reports(mod, comment_id, decision="hide", reason="INSULT") == (
            409,
            "COMMENT_ALREADY_HIDDEN",
        )
        late = uuid.uuid4()
        await mod.report(comment_id, reason="INSULT", reporter_id=late)  # after the hide: closed at once
        assert await report_queue(mod) == []


async def test_dismissing_reports_sends_no_event_and_is_audited(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with running_moderation(new_database, redis_url) as mod:
        comment_id = await published(mod, "Ich finde das gut.")
        await mod.report(comment_id, reason="OFF_TOPIC")
        assert await decide_reports(mod, comment_id, decision="dismiss", reason="SPAM") == (
            422,
            "REASON_NOT_ALLOWED",
        )
        assert await decide_reports(mod, comment_id, decision="dismiss", note="Sachlich.") == (200, None)
        assert await mod.state(comment_id) == "approved"
        assert await mod.outbox("radar.comment.hidden") == []
        assert await report_queue(mod) == []
        assert await decide_reports(mod, comment_id, decision="dismiss") == (409, "NO_OPEN_REPORTS")
        pending = await mod.submit("Noch nicht veröffentlicht")
        assert await decide_reports(mod, pending, decision="dismiss") == (409, "COMMENT_NOT_PUBLISHED")
        assert await decide_reports(mod, uuid.uuid4(), decision="dismiss") == (404, "COMMENT_NOT_IN_QUEUE")

        r = await mod.client.get(
            "/moderation/audit", params={"comment_id": str(comment_id)}, headers=token_headers(admin())
        )
        assert r.status_code == 200, r.text
        newest = r.json()["items"][0]
        assert (newest["action"], newest["actor"]["kind"]) == ("dismiss", "staff")
        assert newest["details"] == {"reason_code": None, "note": "Sachlich.", "reports_closed": 1}


async def test_the_audit_log_records_who_what_when_why_and_is_for_admins_only(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with running_moderation(new_database, redis_url) as mod:
        comment_id = await mod.submit("Ein Beitrag ohne Bezug")
        who = moderator()
        r = await mod.decide(comment_id, "reject", who=who, reason="OFF_TOPIC", note="Falsche Maßnahme")
        assert r.status_code == 200, r.text
        refused = await mod.client.get("/moderation/audit", headers=token_headers(moderator()))
        assert (refused.status_code, refused.json()["error"]) == (403, "ROLE_REQUIRED")

        log = await mod.client.get("/moderation/audit", headers=token_headers(admin()))
        assert log.status_code == 200, log.text
        rejection, queued = log.json()["items"]
        assert rejection["actor"] == {"kind": "staff", "id": str(who.id)}
        assert (rejection["action"], rejection["comment_id"]) == ("reject", str(comment_id))
        assert rejection["details"] == {"reason_code": "OFF_TOPIC", "note": "Falsche Maßnahme"}
        assert rejection["at"] == r.json()["decided_at"]
        assert (queued["action"], queued["actor"]["kind"]) == ("queued", "system")


async def test_moderation_needs_a_moderator_while_netiquette_and_figures_are_public(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with running_moderation(new_database, redis_url) as mod:
        comment_id = await mod.submit("Ein Beitrag")
        staff_only = [
            ("GET", "/moderation/queue", None),
            ("GET", "/moderation/flags", None),
            ("GET", "/moderation/reports", None),
            ("GET", f"/moderation/comments/{comment_id}", None),
            ("POST", f"/moderation/comments/{comment_id}/claim", None),
            ("POST", f"/moderation/comments/{comment_id}/decision", {"decision": "approve"}),
            ("POST", "/moderation/comments/bulk-decision", {"ids": [str(comment_id)], "decision": "approve"}),
            ("POST", f"/moderation/reports/{comment_id}/decision", {"decision": "dismiss"}),
        ]
        for method, path, body in staff_only:
            for who, status, code in (
                (participant(), 401, "LOGIN_REQUIRED"),
                (ANONYMOUS, 401, "LOGIN_REQUIRED"),
                (editor(), 403, "ROLE_REQUIRED"),
            ):
                r = await mod.client.request(method, path, json=body, headers=token_headers(who))
                assert (r.status_code, r.json()["error"]) == (status, code), (method, path, who.kind)
        assert await mod.state(comment_id) == "pending"
        as_admin = await mod.client.get(f"/moderation/comments/{comment_id}", headers=token_headers(admin()))
        assert as_admin.status_code == 200 and as_admin.json()["state"] == "pending"

        for who in (ANONYMOUS, participant()):
            netiquette = await mod.client.get("/netiquette", headers=token_headers(who))
            assert netiquette.status_code == 200
            clause = netiquette.json()["clauses"][0]
            assert set(clause) == {"code", "title", "text"} and set(clause["text"]) == {"de", "en"}
            figures = await mod.client.get("/transparency/moderation", headers=token_headers(who))
            assert figures.status_code == 200 and len(figures.json()["months"]) == 12
