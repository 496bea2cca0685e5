"""The text policy through the services on real servers: refused text leaves no row and no event."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest

from radar_lib.text import BIDI, INVISIBLE, TOO_MANY_MARKS
from tests.conftest import editor, token_headers
from tests.integration.gateway_system import start_system
from tests.integration.test_catalog import TINY_CITY, catalog, counts, new_measure

pytestmark = pytest.mark.integration

NewDatabase = Callable[[str], str]


async def test_comment_with_bidi_or_invisible_characters_is_refused_and_stores_nothing(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with start_system(new_database, redis_url, comments_per_window=20) as system:
        slug = await system.measure()
        url = f"/api/v1/measures/{slug}/comments"
        citizen = system.client()
        refused = [
            ("Gute Idee \u202eetwas anderes\u202c", "COMMENT_INVALID_CHARACTERS", BIDI),
            ("\u2067Hallo\u2069", "COMMENT_INVALID_CHARACTERS", BIDI),
            ("\u200b" * 30, "COMMENT_INVALID_CHARACTERS", INVISIBLE),
            ("\ufeffHallo", "COMMENT_INVALID_CHARACTERS", INVISIBLE),
            ("Z" + "\u0336" * 1990, "COMMENT_INVALID_CHARACTERS", TOO_MANY_MARKS),
        ]
        for body, code, reason in refused:
            r = await citizen.post(url, json={"body": body})
            assert (r.status_code, r.json()["error"], r.json()["reason"]) == (422, code, reason), r.text
        async with system.participation_app.state.runtime.pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM comments") == 0
            submitted = "SELECT count(*) FROM outbox WHERE stream = 'radar.comment.submitted'"
            assert await conn.fetchval(submitted) == 0

            decomposed = unicodedata.normalize("NFD", "Schön 👩\u200d💻 مرحبا")
            accepted = await citizen.post(url, json={"body": decomposed})
            assert accepted.status_code == 202, accepted.text
            assert await conn.fetchval("SELECT body FROM comments") == "Schön 👩\u200d💻 مرحبا"
            assert await conn.fetchval(submitted) == 1


async def test_measure_texts_with_invisible_or_bidi_characters_are_refused_and_store_nothing(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, dsn):
        headers = token_headers(editor())
        loaded = await counts(dsn)  # no measure yet; the data set's fields and core areas announced
        assert loaded[:2] == (0, 0)
        r = await client.post("/measures", json=new_measure(title="E-Akte\u200b"), headers=headers)
        assert (r.status_code, r.json()["error"], r.json()["reason"]) == (
            422,
            "TEXT_INVALID_CHARACTERS",
            INVISIBLE,
        ), r.text
        assert await counts(dsn) == loaded

        title = unicodedata.normalize("NFD", "Öffentliches WLAN für Bürgerbüros")
        created = await client.post("/measures", json=new_measure(title=title), headers=headers)
        assert created.status_code == 201, created.text
        assert created.json()["title"] == "Öffentliches WLAN für Bürgerbüros"
        path = f"/measures/{created.json()['slug']}"
        before = await counts(dsn)
        patches = [
            ({"summary": "Kurz\u2066fassung", "change_note": "Neu"}, BIDI),
            ({"description": "Text\u2060mit Wortverbinder", "change_note": "Neu"}, INVISIBLE),
            ({"links": [{"title": "\u202eLink", "url": "https://example.org"}], "change_note": "x"}, BIDI),
            ({"summary": "Neu", "change_note": "Korrektur\u00ad"}, INVISIBLE),
        ]
        for patch, reason in patches:
            r = await client.patch(path, json=patch, headers=headers)
            assert (r.status_code, r.json()["error"], r.json()["reason"]) == (
                422,
                "TEXT_INVALID_CHARACTERS",
                reason,
            ), (patch, r.text)
        assert await counts(dsn) == before
        assert (await client.get(path, headers=headers)).json()["version"] == 1
