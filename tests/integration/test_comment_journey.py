"""The comment's journey between participation and moderation over real streams."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from radar_moderation.config import ModerationSettings
from radar_moderation.main import create_app as create_moderation
from radar_participation.config import ParticipationSettings
from radar_participation.main import create_app as create_participation
from tests.conftest import TOKEN_SECRET, moderator, participant, running_service, token_headers
from tests.integration.helpers import emit, eventually, measure_published

pytestmark = pytest.mark.integration


async def test_comment_appears_only_after_a_moderator_approves_it(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    part_app = create_participation(
        ParticipationSettings(
            database_url=new_database("participation"),
            redis_url=redis_url,
            internal_token_secret=TOKEN_SECRET,
        )
    )
    mod_app = create_moderation(
        ModerationSettings(
            database_url=new_database("moderation"), redis_url=redis_url, internal_token_secret=TOKEN_SECRET
        )
    )
    author, mod = participant(), moderator()
    async with running_service(part_app) as part, running_service(mod_app) as moder:
        slug = f"e-akte-{uuid.uuid4().hex[:6]}"
        await emit(part_app, measure_published(slug=slug))

        async def measure_known() -> bool:
            r = await part.get(f"/measures/{slug}/comments", headers=token_headers(author))
            return r.status_code == 200

        await eventually(measure_known)
        r = await part.post(
            f"/measures/{slug}/comments", json={"body": "Gute Idee!"}, headers=token_headers(author)
        )
        assert r.status_code == 202, r.text
        comment_id = r.json()["id"]
        assert r.json()["status"] == "pending"

        thread = await part.get(f"/measures/{slug}/comments", headers=token_headers(participant()))
        assert thread.json() == {"items": [], "total": 0}

        async def queued() -> list[dict[str, Any]]:
            q = await moder.get("/moderation/queue", headers=token_headers(mod))
            return [i for i in q.json()["items"] if i["comment_id"] == comment_id]

        [item] = await eventually(queued)
        assert item["body"] == "Gute Idee!"

        d = await moder.post(
            f"/moderation/comments/{comment_id}/decision",
            json={"decision": "approve"},
            headers=token_headers(mod),
        )
        assert d.status_code == 200, d.text

        async def published() -> list[dict[str, Any]]:
            t = await part.get(f"/measures/{slug}/comments", headers=token_headers(participant()))
            return list(t.json()["items"])

        [shown] = await eventually(published)
        assert shown["id"] == comment_id
        assert shown["body"] == "Gute Idee!"
