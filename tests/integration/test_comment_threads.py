"""Comments and replies in participation's thread on real servers: who sees what, in which status."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from radar_lib.token import Principal
from tests.conftest import participant, token_headers
from tests.integration.participation_service import running_participation

pytestmark = pytest.mark.integration

NewDatabase = Callable[[str], str]


async def test_pending_comment_is_shown_in_place_to_its_author_alone(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with running_participation(new_database, redis_url) as p:
        slug, author, other = await p.measure(), participant(), participant()
        comment_id = await p.comment(author, slug, "Bitte auch offline anbieten.")

        assert await p.thread(slug) == {"items": [], "total": 0}
        assert await p.thread(slug, other) == {"items": [], "total": 0}
        [own] = (await p.thread(slug, author))["items"]
        assert (own["id"], own["status"], own["own"], own["body"]) == (
            comment_id,
            "pending",
            True,
            "Bitte auch offline anbieten.",
        )
        mine = (await p.client.get("/me/comments", headers=token_headers(author))).json()
        [item] = mine["items"]
        assert (item["status"], item["measure_slug"], item["measure_title"]) == ("pending", slug, "E-Akte")
        alias = (await p.client.get("/comments/mine", headers=token_headers(author))).json()
        assert alias == mine

        await p.decide("approve", comment_id)
        [shown] = (await p.thread(slug, other))["items"]
        assert (shown["id"], shown["status"], shown["own"]) == (comment_id, "published", False)


async def test_rejected_comment_stays_with_its_author_with_its_reason_and_note(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with running_participation(new_database, redis_url) as p:
        slug, author = await p.measure(), participant()
        comment_id = await p.comment(author, slug, "Alles Idioten hier.")
        await p.decide("reject", comment_id, reason="INSULT", note="Bitte sachlich bleiben.")

        assert await p.thread(slug) == {"items": [], "total": 0}
        assert await p.thread(slug, participant()) == {"items": [], "total": 0}
        [own] = (await p.thread(slug, author))["items"]
        assert (own["status"], own["reason_code"], own["note"]) == (
            "rejected",
            "INSULT",
            "Bitte sachlich bleiben.",
        )
        [mine] = (await p.client.get("/me/comments", headers=token_headers(author))).json()["items"]
        assert (mine["status"], mine["reason_code"], mine["note"]) == (
            "rejected",
            "INSULT",
            "Bitte sachlich bleiben.",
        )


async def test_reply_is_threaded_under_its_comment(new_database: NewDatabase, redis_url: str) -> None:
    async with running_participation(new_database, redis_url) as p:
        slug, first, second = await p.measure(), participant(), participant()
        top = await p.published(first, slug, "Gute Idee!")
        reply = await p.comment(second, slug, "Finde ich auch.", parent_id=top)

        [item] = (await p.thread(slug, second))["items"]
        assert [(r["id"], r["status"]) for r in item["replies"]] == [(reply, "pending")]
        [item] = (await p.thread(slug, first))["items"]
        assert item["replies"] == []

        await p.decide("approve", reply)
        thread = await p.thread(slug)
        assert thread["total"] == 1
        [item] = thread["items"]
        assert (item["id"], [r["id"] for r in item["replies"]]) == (top, [reply])
        mine = (await p.client.get("/me/comments", headers=token_headers(second))).json()["items"]
        assert mine[0]["parent_id"] == top


async def test_reply_to_a_reply_is_refused_and_stores_nothing(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with running_participation(new_database, redis_url) as p:
        slug, who = await p.measure(), participant()
        top = await p.published(who, slug)
        reply = await p.published(participant(), slug, "Antwort", parent_id=top)
        before = (await p.count("comments"), await p.count("outbox"))

        r = await p.post(who, slug, "Antwort auf die Antwort", parent_id=reply)
        assert (r.status_code, r.json()["error"]) == (422, "REPLY_TO_REPLY")
        assert (await p.count("comments"), await p.count("outbox")) == before


async def test_reply_needs_a_published_comment_on_the_same_measure(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with running_participation(new_database, redis_url) as p:
        slug, elsewhere, who, other = await p.measure(), await p.measure(), participant(), participant()
        others_pending = await p.comment(other, slug)
        own_pending = await p.comment(who, slug)
        on_other_measure = await p.published(other, elsewhere)
        before = await p.count("comments")

        refused = [
            (others_pending, 404, "PARENT_NOT_FOUND"),  # not even its existence shows
            (str(uuid.uuid4()), 404, "PARENT_NOT_FOUND"),
            (on_other_measure, 404, "PARENT_NOT_FOUND"),
            (own_pending, 409, "PARENT_NOT_PUBLISHED"),
            ("not-a-uuid", 422, "VALIDATION_FAILED"),
        ]
        for parent, status, code in refused:
            r = await p.post(who, slug, "Antwort", parent_id=parent)
            assert (r.status_code, r.json()["error"]) == (status, code), parent
        assert await p.count("comments") == before


async def test_hidden_comment_leaves_the_public_thread_and_its_replies_stay_under_a_placeholder(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with running_participation(new_database, redis_url) as p:
        slug, who = await p.measure(), participant()
        alone = await p.published(who, slug, "Allein")
        answered = await p.published(who, slug, "Mit Antwort")
        reply = await p.published(participant(), slug, "Antwort", parent_id=answered)

        await p.decide("hide", alone)
        await p.decide("hide", answered)
        thread = await p.thread(slug)
        [placeholder] = thread["items"]
        assert (placeholder["id"], placeholder["status"], placeholder["body"]) == (answered, "hidden", None)
        assert placeholder["display_name"] is None
        assert [r["id"] for r in placeholder["replies"]] == [reply]
        assert "Allein" not in str(await p.thread(slug, who))


async def test_withdrawn_comment_leaves_the_thread_and_a_later_decision_is_ignored(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with running_participation(new_database, redis_url) as p:
        slug, author, other = await p.measure(), participant(), participant()
        pending = await p.comment(author, slug, "Doch nicht")
        published = await p.published(author, slug, "Auch zurück")

        r = await p.client.delete(f"/comments/{published}", headers=token_headers(other))
        assert (r.status_code, r.json()["error"]) == (403, "NOT_AUTHOR")
        r = await p.client.delete(f"/comments/{pending}", headers=token_headers(other))
        assert (r.status_code, r.json()["error"]) == (404, "COMMENT_NOT_FOUND")
        r = await p.client.delete(f"/comments/{pending}", headers=token_headers(author))
        assert r.json() == {"id": pending, "status": "withdrawn"}
        r = await p.client.post(f"/comments/{published}/withdraw", headers=token_headers(author))
        assert r.status_code == 200, r.text
        again = await p.client.delete(f"/comments/{pending}", headers=token_headers(author))
        assert again.status_code == 200
        assert await p.count("outbox", "stream = 'radar.comment.withdrawn'") == 2

        await p.decide("approve", pending)
        assert await p.thread(slug) == {"items": [], "total": 0}
        assert await p.thread(slug, author) == {"items": [], "total": 0}
        mine = (await p.client.get("/me/comments", headers=token_headers(author))).json()["items"]
        assert sorted(c["status"] for c in mine) == ["withdrawn", "withdrawn"]
        assert await p.count("outbox", "stream = 'radar.comment.published'") == 1  # the first approval only


async def test_a_comment_s_place_is_where_the_viewer_finds_it_in_the_thread(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with running_participation(new_database, redis_url) as p:
        slug, author, other = await p.measure(), participant(), participant()
        late = await p.comment(other, slug, "Zuerst geschrieben, zuletzt freigegeben")
        first = await p.published(other, slug, "Erster")
        answered = await p.published(other, slug, "Mit Antwort")
        reply = await p.published(author, slug, "Antwort", parent_id=answered)
        pending = await p.comment(author, slug, "Noch in Prüfung")
        pending_reply = await p.comment(author, slug, "Antwort in Prüfung", parent_id=first)
        hidden = await p.published(other, slug, "Verborgen")
        await p.decide("hide", hidden)
        await p.decide("approve", late)  # the thread orders by publication: it comes last
        same_time = (
            "UPDATE comments SET published_at = (SELECT published_at FROM comments WHERE comment_id = $1)"
        )
        await p.pool.execute(f"{same_time} WHERE comment_id = $2", uuid.UUID(first), uuid.UUID(answered))

        async def place(ref: str, viewer: Principal | None = None) -> tuple[int, dict[str, Any]]:
            headers = token_headers(viewer or Principal(kind="anonymous"))
            r = await p.client.get(f"/comments/{ref}/place", headers=headers)
            return r.status_code, r.json()

        for viewer in (None, author):
            order = [item["id"] for item in (await p.thread(slug, viewer))["items"]]
            for n, top in enumerate(order, start=1):
                found = {"id": top, "measure": slug, "top_level_id": top, "position": n}
                assert await place(top, viewer) == (200, found)
        assert order == [*sorted([first, answered]), pending, late]  # at the same time: by id, as listed
        under = {
            "id": reply,
            "measure": slug,
            "top_level_id": answered,
            "position": order.index(answered) + 1,
        }
        assert (await place(reply))[1] == under
        assert (await place(pending_reply, author))[1]["top_level_id"] == first

        await p.decide("hide", answered)  # a placeholder while its published reply hangs from it
        assert (await place(answered))[1]["position"] == (await place(reply))[1]["position"]

        unseen = [(pending, None), (pending, other), (pending_reply, None), (hidden, None), (hidden, other)]
        unseen += [(str(uuid.uuid4()), None), ("kein-kommentar", author)]
        for ref, viewer in unseen:
            refused = await place(ref, viewer)
            assert refused == (404, {"error": "COMMENT_NOT_FOUND", "message": "There is no such comment."}), (
                ref
            )
