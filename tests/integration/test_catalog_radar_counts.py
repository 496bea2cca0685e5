"""GET /radar: the measures that pass a filter counted by field and status, agreeing with GET /measures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import token_headers
from tests.integration.test_catalog import READER, catalog

pytestmark = pytest.mark.integration

NewDatabase = Callable[[str], str]


async def listed(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    r = await client.get("/measures", params={"per_page": 100, **params}, headers=token_headers(READER))
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


async def counted(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    r = await client.get("/radar", params=params, headers=token_headers(READER))
    assert r.status_code == 200, r.text
    return dict(r.json())


def cells(answer: dict[str, Any]) -> Counter[tuple[str, str]]:
    return Counter({(c["field"], c["status"]): c["measures"] for c in answer["cells"]})


async def test_the_counts_are_those_of_the_list_with_and_without_filters(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        every = await listed(client)
        whole = await counted(client)
        assert whole["total"] == len(every) > 20
        assert cells(whole) == Counter((m["field"]["slug"], m["status"]) for m in every)
        starts = [m["start_year"] for m in every if m.get("start_year")]
        ends = [m["end_year"] for m in every if m.get("end_year")]
        assert (whole["first_year"], whole["last_year"]) == (min(starts), max(ends))

        for params in ({"status": "abgeschlossen"}, {"q": "Klima"}, {"year": 2020}):
            shown = await listed(client, **params)
            narrowed = await counted(client, **params)
            assert narrowed["total"] == len(shown) < len(every), params
            assert cells(narrowed) == Counter((m["field"]["slug"], m["status"]) for m in shown), params


async def test_a_filter_value_that_does_not_exist_is_refused(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        r = await client.get("/radar", params={"field": "no-such-field"}, headers=token_headers(READER))
        assert r.status_code == 422
        assert r.json()["error"] == "FIELD_NOT_FOUND", r.text
