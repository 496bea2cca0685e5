"""The radar page's search: the catalog's ranked hits, the topics a query names, "did you mean"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from radar_gateway.web.editions_view import editions
from radar_gateway.web.services import MAX_PAGES, PER_PAGE, call


@dataclass(frozen=True)
class Topic:
    """A part of the strategy a query names, with where its page is."""

    kind: str
    name: str
    href: str
    measure_count: int
    edition: str | None  # the edition's name when it is not the one the radar shows
    languages: Mapping[str, str] = field(default_factory=dict)  # the language of `name`, when not German


@dataclass(frozen=True)
class Search:
    """What a query found, in the catalog's order (best first)."""

    query: str
    measures: list[dict[str, Any]]
    topics: list[Topic]
    suggestions: list[tuple[str, str]]  # (suggested query, its address)

    @property
    def found(self) -> bool:
        """Whether there is a measure to draw: else the radar is not drawn at all."""
        return bool(self.measures)

    @property
    def nothing(self) -> bool:
        """Neither a measure nor a topic: the page says so and offers the suggestions."""
        return not self.measures and not self.topics


def search_href(query: str) -> str:
    """The radar page searching for this query."""
    return "/?" + urlencode({"q": query})


def _with_edition(path: str, edition: str | None, shown: str) -> str:
    return f"{path}?{urlencode({'edition': edition})}" if edition and edition != shown else path


def topic_href(topic: Mapping[str, Any], *, shown: str) -> str:
    """Where a topic leads: its field's or core area's page, or the radar filtered by it."""
    kind, slug, edition = topic["kind"], topic["slug"], topic.get("edition")
    if kind == "field":
        return _with_edition(f"/felder/{slug}", edition, shown)
    if kind == "goal":
        return _with_edition(f"/felder/{topic['field']}", edition, shown)
    if kind == "core_area":
        return _with_edition(f"/kernbereiche/{slug}", edition, shown)
    return "/?" + urlencode({kind: slug})  # a principle or a lead department filters the radar


async def searched_measures(
    request: Request, filters: Mapping[str, str]
) -> tuple[list[dict[str, Any]], Search | None]:
    """The measures that pass the filters in the catalog's order, and with a query what it found."""
    query = {name: value for name, value in filters.items() if value}
    items: list[dict[str, Any]] = []
    first: dict[str, Any] = {}
    for number in range(1, MAX_PAGES + 1):
        answer = await call(
            request, "catalog", "/measures", query={**query, "page": number, "per_page": PER_PAGE}
        )
        first = first or answer
        items += answer["items"]
        if len(items) >= answer["total"] or not answer["items"]:
            break
    return items, await _search(request, filters, first, items)


async def searched_page(
    request: Request, filters: Mapping[str, str], *, number: int, per_page: int
) -> tuple[list[dict[str, Any]], Search | None]:
    """One page of the measures that pass the filters, and with a query what it found."""
    query = {name: value for name, value in filters.items() if value}
    answer = await call(
        request, "catalog", "/measures", query={**query, "page": number, "per_page": per_page}
    )
    items = list(answer["items"])
    return items, await _search(request, filters, answer, items)


async def _search(
    request: Request, filters: Mapping[str, str], first: Mapping[str, Any], items: list[dict[str, Any]]
) -> Search | None:
    """What a query found beside the measures (the catalog's first answer has it); None without one."""
    if not filters.get("q"):
        return None
    shown = first["edition"]["slug"]
    names = {e["slug"]: e["name"] for e in await editions(request)}
    topics = [
        Topic(
            kind=t["kind"],
            name=t["name"],
            href=topic_href(t, shown=shown),
            measure_count=int(t["measure_count"]),
            edition=names.get(t["edition"]) if t.get("edition") and t["edition"] != shown else None,
            languages=t.get("languages", {}),
        )
        for t in first["topics"]
    ]
    suggestions = [(s, search_href(s)) for s in first["suggestions"]]
    return Search(query=filters["q"], measures=items, topics=topics, suggestions=suggestions)
