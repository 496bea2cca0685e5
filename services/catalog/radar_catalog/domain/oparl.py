"""Reading OParl 1.1 Paper objects (council papers) as council decisions, and which measures they name.

OParl names no measures of ours: a paper is linked to each measure whose whole title appears in
the paper's name, as a decision that changed it; which decision created a measure is linked by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from radar_catalog.domain.decisions import Decision, validate_decision
from radar_catalog.domain.vocabulary import CatalogError

PAPER_TYPES = ("https://schema.oparl.org/1.1/Paper", "https://schema.oparl.org/1.0/Paper")


@dataclass(frozen=True)
class Paper:
    """An OParl paper as the decision it records, with the name measures are found in."""

    decision: Decision
    name: str


def _refuse(code: str, message: str) -> CatalogError:
    return CatalogError(code, message)


def read_paper(item: Any, *, where: str) -> Paper | None:
    """One Paper object as a decision; None for a deleted one. Refuse what is no Paper or has no reference."""
    if not isinstance(item, Mapping) or item.get("type") not in PAPER_TYPES:
        raise _refuse("OPARL_NOT_A_PAPER", f"{where} is no OParl Paper (type {PAPER_TYPES[0]}).")
    if item.get("deleted") is True:
        return None
    if not isinstance(item.get("reference"), str) or not item["reference"].strip():
        raise _refuse("OPARL_REFERENCE_MISSING", f"{where} has no reference (paper number).")
    if not isinstance(item.get("id"), str):
        raise _refuse("OPARL_ID_MISSING", f"{where} has no id.")
    name = str(item["name"]) if isinstance(item.get("name"), str) else ""
    values = {"date": item.get("date"), "title": name, "url": item.get("web"), "oparl_id": item["id"]}
    try:
        return Paper(decision=validate_decision(item["reference"], values), name=name)
    except CatalogError as exc:
        raise _refuse(exc.code, f"{where}: {exc.message}") from None


def read_page(page: Any, *, where: str) -> tuple[list[Paper], str | None]:
    """The papers of an OParl list page ({"data": [...], "links": {"next": ...}}) or of one Paper,
    and the address of the next page, if any."""
    if isinstance(page, Mapping) and isinstance(page.get("data"), list):
        papers = [
            read_paper(item, where=f"{where}, item {n}") for n, item in enumerate(page["data"], start=1)
        ]
        links = page.get("links")
        following = links.get("next") if isinstance(links, Mapping) else None
        return [p for p in papers if p], following if isinstance(following, str) and following else None
    if isinstance(page, Mapping) and "type" in page:
        paper = read_paper(page, where=where)
        return ([paper] if paper else []), None
    raise _refuse("OPARL_NOT_A_LIST", f"{where} is neither an OParl list (data, links) nor a Paper.")


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def mentioned_measures(name: str, measures: Iterable[tuple[Any, str]]) -> list[Any]:
    """The keys of the measures (key, title) whose whole title appears in the paper's name (a hyphen joins
    words: "Akte" is not mentioned in "E-Akte")."""
    folded = _folded(name)
    return [
        key
        for key, title in measures
        if _folded(title) and re.search(rf"(?<![\w-]){re.escape(_folded(title))}(?![\w-])", folded)
    ]
