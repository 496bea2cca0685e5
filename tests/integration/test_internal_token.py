"""A service's gate lets a token open only the request it was minted for, and answers 401 to any other."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from radar_catalog.config import CatalogSettings
from radar_catalog.main import create_app
from radar_lib.keys import Purpose, derive_key
from radar_lib.token import HEADER, Principal
from tests.conftest import TOKEN_SECRET, editor, internal_token, running_service

pytestmark = pytest.mark.integration
READER = Principal(kind="anonymous")


@pytest.fixture
async def catalog(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = CatalogSettings(
        database_url=new_database("catalog"), redis_url=redis_url, internal_token_secret=TOKEN_SECRET
    )
    async with running_service(create_app(settings)) as client:
        yield client


def refused(response: httpx.Response) -> bool:
    return response.status_code == 401 and response.json()["error"] == "INTERNAL_TOKEN_INVALID"


async def test_catalog_refuses_a_token_minted_for_moderation(catalog: httpx.AsyncClient) -> None:
    for_moderation = internal_token(READER, service="moderation", method="GET", path="/measures")
    assert refused(await catalog.get("/measures", headers={HEADER: for_moderation}))
    for_catalog = internal_token(READER, service="catalog", method="GET", path="/measures")
    assert (await catalog.get("/measures", headers={HEADER: for_catalog})).status_code == 200


async def test_a_token_for_one_request_opens_neither_another_method_nor_another_path(
    catalog: httpx.AsyncClient,
) -> None:
    token = {HEADER: internal_token(editor(), service="catalog", method="GET", path="/measures")}
    assert refused(await catalog.post("/measures", json={}, headers=token))
    assert refused(await catalog.get("/fields", headers=token))
    assert refused(await catalog.get("/measures/", headers=token))
    assert (await catalog.get("/measures?page=2", headers=token)).status_code == 200  # the query is not bound


async def test_the_token_is_bound_to_the_path_as_sent_not_as_decoded(catalog: httpx.AsyncClient) -> None:
    token = {HEADER: internal_token(READER, service="catalog", method="GET", path="/measures/a b")}
    assert refused(await catalog.get("/measures/a%20b", headers=token))


async def test_a_token_header_with_bytes_that_are_not_utf8_answers_401(catalog: httpx.AsyncClient) -> None:
    assert refused(await catalog.get("/measures", headers={HEADER: b"\xff\xfe.\xc3"}))


async def test_a_signed_token_whose_expiry_is_not_an_integer_answers_401(catalog: httpx.AsyncClient) -> None:
    claims = {"k": "anonymous", "roles": [], "aud": "catalog", "m": "GET", "p": "/measures"}
    for expiry in (str(int(time.time()) + 30), time.time() + 30.5, None):
        body = base64.urlsafe_b64encode(json.dumps({**claims, "exp": expiry}).encode()).rstrip(b"=")
        mac = hmac.new(derive_key(TOKEN_SECRET, Purpose.INTERNAL_TOKEN), body, hashlib.sha256).digest()
        token = body.decode() + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
        assert refused(await catalog.get("/measures", headers={HEADER: token})), expiry
