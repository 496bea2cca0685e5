"""Only a moderator decides on a comment. The gateway checks no roles, so the moderation
service's own check is the only guard: a decision by an editor, a participant or nobody,
through the gateway or sent to the service directly with a token, is refused and changes
nothing (the item stays pending, no decision, no audit row, no event in the outbox)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from radar_lib.token import ANONYMOUS
from tests.conftest import editor, participant, signing_for, token_headers
from tests.integration.gateway_system import System
from tests.integration.helpers import eventually

pytestmark = pytest.mark.integration
DECISION = {"decision": "approve"}


async def queued_comment(system: System) -> tuple[httpx.AsyncClient, uuid.UUID]:
    """A citizen's browser and its comment, once it waits in moderation's queue."""
    slug = await system.measure()
    citizen = system.client()
    r = await citizen.post(f"/api/v1/measures/{slug}/comments", json={"body": "Bitte auch offline."})
    assert r.status_code == 202, r.text
    comment_id = uuid.UUID(r.json()["id"])
    pool = system.moderation_app.state.runtime.pool

    async def queued() -> bool:
        return bool(await pool.fetchval("SELECT true FROM queue_items WHERE comment_id = $1", comment_id))

    await eventually(queued)
    return citizen, comment_id


async def what_moderation_holds(system: System, comment_id: uuid.UUID) -> dict[str, object]:
    async with system.moderation_app.state.runtime.pool.acquire() as conn:
        return {
            "state": await conn.fetchval("SELECT state FROM queue_items WHERE comment_id = $1", comment_id),
            "decisions": await conn.fetchval(
                "SELECT count(*) FROM decisions WHERE comment_id = $1", comment_id
            ),
            "audit": await conn.fetchval("SELECT count(*) FROM audit_log WHERE comment_id = $1", comment_id),
            "decision_events": await conn.fetchval(
                "SELECT count(*) FROM outbox"
                " WHERE stream IN ('radar.comment.approved', 'radar.comment.rejected')"
            ),
        }


async def test_a_decision_by_anyone_but_a_moderator_is_refused_and_changes_nothing(system: System) -> None:
    citizen, comment_id = await queued_comment(system)
    before = await what_moderation_holds(system, comment_id)
    assert before["state"] == "pending" and before["decisions"] == before["decision_events"] == 0
    path = f"/moderation/comments/{comment_id}/decision"
    staff_editor = await system.staff("editor")

    through_gateway = [
        (await staff_editor.post(f"/api/v1{path}", json=DECISION), 403, "ROLE_REQUIRED"),
        (await citizen.post(f"/api/v1{path}", json=DECISION), 401, "LOGIN_REQUIRED"),
        (await system.client().post(f"/api/v1{path}", json=DECISION), 401, "LOGIN_REQUIRED"),
    ]
    hooks = {"request": [signing_for("moderation")]}
    async with httpx.AsyncClient(base_url=system.moderation_url, event_hooks=hooks) as moderation:
        directly = [
            (await moderation.post(path, json=DECISION, headers=token_headers(who)), status, code)
            for who, status, code in (
                (editor(), 403, "ROLE_REQUIRED"),
                (participant(), 401, "LOGIN_REQUIRED"),
                (ANONYMOUS, 401, "LOGIN_REQUIRED"),
            )
        ]

    for response, status, code in through_gateway + directly:
        assert (response.status_code, response.json()["error"]) == (status, code), response.request.url
    assert await what_moderation_holds(system, comment_id) == before
    moderator = await system.staff("moderator")
    decided = await moderator.post(f"/api/v1{path}", json=DECISION)
    assert decided.status_code == 200, decided.text  # the same request by a moderator is taken
    after = await what_moderation_holds(system, comment_id)
    assert (after["state"], after["decisions"], after["decision_events"]) == ("approved", 1, 1)
