"""Calls from the web pages to the services, through the same forwarder as the JSON API.

Anonymous catalog reads go through the gateway's public-read cache; a page that changed
something empties this process's cache, so the editor sees the change at once (the other
processes hear of it through the measure events).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request

from radar_gateway.context import gateway_of
from radar_gateway.web.i18n import LANG_COOKIE, pick_language
from radar_lib.token import ANONYMOUS, Principal

JSON_HEADERS = {"accept": "application/json", "content-type": "application/json"}
PER_PAGE = 100
MAX_PAGES = 50
Query = dict[str, str | int | list[str] | None]


class ServiceError(Exception):
    """A service said no (4xx) or could not answer (5xx); `code` is its error code."""

    def __init__(self, status: int, code: str, message: str, details: list[Any] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []


async def together(*calls: Coroutine[Any, Any, Any]) -> list[Any]:
    """The answers of several calls made at once; the first failure cancels the others and is raised."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(c) for c in calls]
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None
    return [t.result() for t in tasks]


def encode_query(query: Query | None) -> str:
    """A query string without the empty values."""
    kept = {k: v for k, v in (query or {}).items() if v not in (None, "", [])}
    return urlencode(kept, doseq=True)


def _decoded(status: int, body: bytes) -> Any:
    try:
        data = json.loads(body) if body else None
    except ValueError:
        data = None
    if status >= 400:
        error = data if isinstance(data, dict) else {}
        raise ServiceError(
            status,
            str(error.get("error", "SERVICE_ERROR")),
            str(error.get("message", "")),
            error.get("details") if isinstance(error.get("details"), list) else None,
        )
    return data


def page_language(request: Request) -> str:
    """The language the page of this request is shown in (as render.read_page picks it)."""
    return pick_language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))[0]


async def call(
    request: Request,
    service: str,
    path: str,
    *,
    method: str = "GET",
    query: Query | None = None,
    body: dict[str, Any] | None = None,
    principal: Principal = ANONYMOUS,
    lang: str | None = None,
) -> Any:
    """The service's JSON answer; ServiceError for any status of 400 and above.

    An anonymous catalog read asks for `lang` (default: the page's language): translated texts
    where there are some, each marked with its language (an editor's reads keep the originals).
    """
    gw = gateway_of(request)
    path = quote(path)  # the forwarder sends a path as it is given: percent-encoded
    if method == "GET" and service == "catalog" and principal is ANONYMOUS:
        query = {**(query or {}), "lang": lang or page_language(request)}
    query_string = encode_query(query)
    if method == "GET" and service == "catalog" and principal is ANONYMOUS:
        key = f"{path}?{query_string}|"
        entry = gw.cache.get(key)
        if entry is not None:
            return _decoded(entry.status, entry.body)
        generation = gw.cache.generation
    response = await gw.forwarder.forward(
        service=service,
        method=method,
        path=path,
        query=query_string,
        body=json.dumps(body).encode() if body is not None else b"",
        incoming=JSON_HEADERS,
        principal=principal,
    )
    content = bytes(response.body)
    if method == "GET" and service == "catalog" and principal is ANONYMOUS and response.status_code == 200:
        gw.cache.put(
            key, status=200, body=content, headers={"content-type": "application/json"}, generation=generation
        )
    if method != "GET" and response.status_code < 400 and service == "catalog":
        gw.cache.clear()
    return _decoded(response.status_code, content)


async def all_measures(
    request: Request, query: Query | None = None, *, principal: Principal = ANONYMOUS
) -> list[dict[str, Any]]:
    """Every measure that passes the filters, page by page."""
    items: list[dict[str, Any]] = []
    for page in range(1, MAX_PAGES + 1):
        answer = await call(
            request,
            "catalog",
            "/measures",
            query={**(query or {}), "page": page, "per_page": PER_PAGE},
            principal=principal,
        )
        items += answer["items"]
        if len(items) >= answer["total"] or not answer["items"]:
            break
    return items


@dataclass(frozen=True)
class Vocabulary:
    """What a measure can refer to, with names: principles and lead departments."""

    principles: list[dict[str, str]]  # [{slug, name}]
    departments: list[dict[str, str]]  # [{code, name}]


async def vocabulary(request: Request) -> Vocabulary:
    """The principles and departments the catalog knows, in its order."""
    principles, departments = await together(
        call(request, "catalog", "/principles"), call(request, "catalog", "/departments")
    )
    return Vocabulary(principles=list(principles["items"]), departments=list(departments["items"]))
