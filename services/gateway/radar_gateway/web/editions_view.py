"""The strategy's editions on the pages: which one a page shows, and where the others are."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from radar_gateway.web.links import SLUG
from radar_gateway.web.problems import PageProblem
from radar_gateway.web.radar_layout import RING_ORDER, ring_of
from radar_gateway.web.services import call

EDITION_MAX = 80  # what the catalog takes as an edition's slug

Edition = Mapping[str, Any]


@dataclass(frozen=True)
class EditionSwitch:
    """The edition a page shows, the current one, and the same page in the other editions."""

    shown: Edition
    current: Edition
    others: list[tuple[Edition, str]]  # (edition, address)


async def editions(request: Request) -> list[dict[str, Any]]:
    """Every edition of the strategy, oldest first."""
    return list((await call(request, "catalog", "/editions"))["items"])


def edition_param(value: str | None) -> str | None:
    """The `?edition=` of a page: None when not given; a value no edition can have names no page (404)."""
    if not value:
        return None
    if len(value) > EDITION_MAX or not SLUG.fullmatch(value):
        raise PageProblem(404)
    return value


def edition_href(path: str, edition: Edition) -> str:
    """A page of an edition: the plain address for the current one, `?edition=` for the others."""
    return path if edition["current"] else f"{path}?{urlencode({'edition': edition['slug']})}"


def switch(
    every: Sequence[Edition], *, shown: Edition, href_of: Callable[[Edition], str | None]
) -> EditionSwitch | None:
    """What the edition switch shows; None while the strategy has a single edition."""
    current = next((e for e in every if e["current"]), None)
    if current is None or len(every) < 2:
        return None
    others = [(e, href) for e in every if e["slug"] != shown["slug"] and (href := href_of(e)) is not None]
    return EditionSwitch(shown=shown, current=current, others=others)


async def radar_switch(request: Request) -> EditionSwitch | None:
    """The radar shows the current edition and offers the pages of the others."""
    every = await editions(request)
    current = next((e for e in every if e["current"]), None)
    if current is None:
        return None
    return switch(every, shown=current, href_of=lambda e: f"/fassungen/{e['slug']}")


def in_ring_order(counts: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Counts per status in the one status order of every page (the radar's rings)."""
    return sorted(counts, key=lambda c: RING_ORDER.index(ring_of(c["status"])))
