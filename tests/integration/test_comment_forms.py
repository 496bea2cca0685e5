"""What a comment form carries besides its text, and bad input: a code, and no row left behind."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from radar_lib.text import BIDI
from radar_lib.token import Principal
from tests.conftest import participant, token_headers
from tests.integration.participation_service import running_participation

pytestmark = pytest.mark.integration

NewDatabase = Callable[[str], str]


async def test_same_form_key_stores_one_comment_and_answers_the_same(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with running_participation(new_database, redis_url) as p:
        slug, who = await p.measure(), participant()
        key = {"Idempotency-Key": "form-4f1c2a9e"}
        first = await p.post(who, slug, "Einmal bitte", headers=key)
        again = await p.post(who, slug, "Einmal bitte", headers=key)
        as_field = await p.post(who, slug, "Einmal bitte", idempotency_key="form-4f1c2a9e")
        assert first.status_code == again.status_code == as_field.status_code == 202
        assert first.json() == again.json() == as_field.json()
        assert again.headers["Idempotent-Replayed"] == "true"
        assert await p.count("comments") == 1
        assert await p.count("outbox", "stream = 'radar.comment.submitted'") == 1

        edited = await p.post(who, slug, "Einmal bitte, geändert", headers=key)
        assert (edited.status_code, edited.json()["error"]) == (409, "IDEMPOTENCY_KEY_REUSED")
        assert edited.json()["comment_id"] == first.json()["id"]
        someone_else = await p.post(participant(), slug, "Einmal bitte", headers=key)
        assert someone_else.status_code == 202
        assert someone_else.json()["id"] != first.json()["id"]

        for bad in ({"headers": {"Idempotency-Key": "short"}}, {"idempotency_key": "has space in it"}):
            r = await p.post(who, slug, "Noch einer", **bad)
            assert (r.status_code, r.json()["error"]) == (422, "IDEMPOTENCY_KEY_INVALID")
        r = await p.post(who, slug, "Noch einer", headers=key, idempotency_key="form-other-key")
        assert (r.status_code, r.json()["error"]) == (422, "IDEMPOTENCY_KEY_INVALID")
        assert await p.count("comments") == 2


async def test_display_name_is_cleaned_bounded_and_shown_with_the_comment(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with running_participation(new_database, redis_url) as p:
        slug, who = await p.measure(), participant()
        named = await p.published(who, slug, "Mit Namen", display_name="  Anna aus Pasing ")
        await p.published(who, slug, "Ohne Namen", display_name="   ")
        names = [(c["id"], c["display_name"]) for c in (await p.thread(slug))["items"]]
        assert names[0] == (named, "Anna aus Pasing")
        assert names[1][1] is None

        too_long = await p.post(who, slug, "Hallo", display_name="x" * 61)
        assert (too_long.status_code, too_long.json()["error"]) == (422, "DISPLAY_NAME_TOO_LONG")
        hidden = await p.post(who, slug, "Hallo", display_name="Anna\u202e")
        assert (hidden.status_code, hidden.json()["error"], hidden.json()["reason"]) == (
            422,
            "DISPLAY_NAME_INVALID_CHARACTERS",
            BIDI,
        )
        two_lines = await p.post(who, slug, "Hallo", display_name="Anna\nBerta")
        assert two_lines.json()["error"] == "DISPLAY_NAME_INVALID_CHARACTERS"
        assert await p.count("comments") == 2


async def test_archived_measure_takes_no_comments_and_no_ratings(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with running_participation(new_database, redis_url) as p:
        slug, who = await p.measure(archived=True), participant()
        r = await p.post(who, slug, "Zu spät")
        assert (r.status_code, r.json()["error"]) == (409, "MEASURE_CLOSED")
        r = await p.client.put(f"/measures/{slug}/rating", json={"stars": 4}, headers=token_headers(who))
        assert (r.status_code, r.json()["error"]) == (409, "MEASURE_CLOSED")
        assert (await p.count("comments"), await p.count("ratings")) == (0, 0)


async def test_bad_comment_input_gets_a_code_and_leaves_no_row(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with running_participation(new_database, redis_url) as p:
        slug, who = await p.measure(), participant()
        refused = [
            (await p.post(who, slug, "   "), 422, "COMMENT_EMPTY"),
            (await p.post(who, slug, "x" * 2001), 422, "COMMENT_TOO_LONG"),
            (await p.post(who, slug, "a\x00b"), 422, "COMMENT_INVALID_CHARACTERS"),
            (await p.post(who, "no-such-measure", "Hallo"), 404, "MEASURE_NOT_FOUND"),
            (await p.post(who, slug, "Hallo", extra="field"), 422, "VALIDATION_FAILED"),
            (await p.post(Principal(kind="anonymous"), slug, "Hallo"), 401, "PARTICIPANT_REQUIRED"),
        ]
        for r, status, code in refused:
            assert (r.status_code, r.json()["error"]) == (status, code), r.text
        assert await p.count("comments") == 0
        assert await p.count("outbox", "stream LIKE 'radar.comment.%'") == 0
        assert (await p.post(who, slug, "x" * 2000)).status_code == 202
