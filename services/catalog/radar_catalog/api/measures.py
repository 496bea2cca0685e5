"""Routes that read measures: the filtered list and search, one measure, its history, all changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from radar_catalog.api.decisions import decision_view
from radar_catalog.api.editions import chosen_edition
from radar_catalog.api.refs import Lang, measure_ref
from radar_catalog.api.views import change_view, measure_view, topic_view
from radar_catalog.domain.measures import Vocabulary, ensure_filter_values
from radar_catalog.domain.search import (
    SUGGESTIONS,
    SearchWords,
    did_you_mean,
    search_words,
    without_covered_goals,
)
from radar_catalog.domain.texts import clean_text
from radar_catalog.domain.vocabulary import CatalogError
from radar_catalog.store import decisions, search
from radar_catalog.store import measures as store
from radar_catalog.store.search import MeasureFilter
from radar_catalog.store.vocabulary import vocabulary
from radar_lib.events import FIRST_YEAR, LAST_YEAR
from radar_lib.service import runtime_of

router = APIRouter()
EMPTY_VOCABULARY = Vocabulary(goals_by_field={}, principles=())
Filter = Annotated[list[str] | None, Query(max_length=20)]
Page = Annotated[int, Query(ge=1, le=10_000)]
PerPage = Annotated[int, Query(ge=1, le=100)]
EditionParam = Annotated[
    str | None,
    Query(max_length=80, description="An edition's slug (GET /editions); without it, the current edition."),
]


class EditionRef(BaseModel):
    slug: str
    name: str
    languages: dict[str, str] | None = Field(
        default=None, description="Read in another language than German: the language of each text."
    )
    year: int | None
    current: bool


class Topic(BaseModel):
    """A part of the strategy or of its vocabularies whose name holds every word of the query."""

    kind: Literal["core_area", "field", "goal", "principle", "lead"]
    slug: str = Field(description="The slug; a lead department's code.")
    name: str
    languages: dict[str, str] | None = Field(
        default=None, description="Read in another language than German: the language of the name."
    )
    edition: str | None = Field(description="The edition of a core area, field or goal.")
    field: str | None = Field(description="The field a goal belongs to.")
    measure_count: int = Field(description="How many current measures it has (a lead: leads).")


class MeasureList(BaseModel):
    items: list[dict[str, Any]] = Field(description="Measures in the shape of GET /measures/{ref}.")
    total: int
    page: int
    per_page: int
    edition: EditionRef = Field(description="The edition whose fields the measures are shown in.")
    topics: list[Topic] = Field(
        description="With `q`: fields, core areas and goals (of every edition), principles and lead "
        "departments whose names hold every word of the query; empty without `q`."
    )
    suggestions: list[str] = Field(
        description="With `q`, when nothing matches and a word of the query occurs nowhere in the catalog: "
        'titles, names and words of the catalog that resemble it, best first ("did you mean"); '
        "each is a query that finds something. Empty otherwise."
    )


async def _list_edition(
    conn: asyncpg.Connection, edition: str | None, fields: tuple[str, ...], *, lang: str
) -> dict[str, Any]:
    """The edition a list is in: the one asked for, else that of the fields named (current first)."""
    if edition is not None or not fields:
        return await chosen_edition(conn, edition, status=422, lang=lang)
    current = await chosen_edition(conn, None, lang=lang)
    known = (await vocabulary(conn, edition=current["slug"])).goals_by_field
    elsewhere = next((f for f in fields if f not in known), None)
    if elsewhere is None:
        return current
    return await chosen_edition(conn, None, table="fields", slug=elsewhere, lang=lang)


@dataclass(frozen=True)
class MeasureQuery:
    """The filters of a measure list as they were asked for."""

    field: tuple[str, ...]
    status: tuple[str, ...]
    lead: tuple[str, ...]
    principle: tuple[str, ...]
    year: int | None
    q: str | None
    edition: str | None
    archived: bool


def measure_query(
    field: Filter = None,
    status: Filter = None,
    lead: Filter = None,
    principle: Filter = None,
    year: Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    edition: EditionParam = None,
    archived: bool = False,
) -> MeasureQuery:
    """The filters of GET /measures and GET /radar."""
    return MeasureQuery(
        field=tuple(field or ()),
        status=tuple(status or ()),
        lead=tuple(lead or ()),
        principle=tuple(principle or ()),
        year=year,
        q=clean_text(q, name="query", max_length=200, multiline=False) or None,
        edition=edition,
        archived=archived,
    )


QueryDep = Annotated[MeasureQuery, Depends(measure_query)]


@dataclass(frozen=True)
class Narrowed:
    """A measure query checked: the edition it is in, the words searched for, the filter."""

    edition: dict[str, Any]
    searched: tuple[search.Searched, ...] | None  # None: no query
    where: MeasureFilter


async def narrowed(conn: asyncpg.Connection, asked: MeasureQuery, *, lang: str) -> Narrowed:
    """The filter of a query; a field, status, lead or principle that does not exist is refused (422)."""
    chosen = await _list_edition(conn, asked.edition, asked.field, lang=lang)
    searched = await search.searched_words(conn, words=search_words(asked.q)) if asked.q else None
    where = MeasureFilter(
        edition=chosen["slug"],
        fields=asked.field,
        statuses=asked.status,
        leads=asked.lead,
        principles=asked.principle,
        year=asked.year,
        words=searched,
        include_archived=asked.archived,
    )
    named = where.fields or where.leads or where.principles  # else no need to read the vocabulary
    ensure_filter_values(
        fields=where.fields,
        statuses=where.statuses,
        leads=where.leads,
        principles=where.principles,
        vocabulary=await vocabulary(conn, edition=chosen["slug"]) if named else EMPTY_VOCABULARY,
    )
    return Narrowed(edition=chosen, searched=searched, where=where)


@router.get("/measures", response_model=MeasureList, response_model_exclude_unset=True)
async def list_measures(
    request: Request, lang: Lang, asked: QueryDep, page: Page = 1, per_page: PerPage = 20
) -> dict[str, Any]:
    """Measures of an edition narrowed by field, status, lead, principle, year and a German full-text query.

    Fields named without an edition are looked up in the current edition, then in the newest
    that has them. A query finds word beginnings in any inflection and parts of compounds, over
    titles, summaries, descriptions, the names of fields, core areas, goals, principles and
    lead departments; hits in the title come first.
    """
    async with runtime_of(request).pool.acquire() as conn:  # one connection for the few queries
        found = await narrowed(conn, asked, lang=lang)
        rows, total = await search.search_measures(
            conn, where=found.where, limit=per_page, offset=(page - 1) * per_page
        )
        topics: list[dict[str, Any]] = []
        suggestions: list[str] = []
        if asked.q and found.searched is not None:
            hits = await search.topics(conn, words=found.searched)
            topics = without_covered_goals([topic_view(t, lang=lang) for t in hits])
            if total == 0 and not topics:
                suggestions = await _did_you_mean(conn, query=asked.q, words=search_words(asked.q))
    return {
        "items": [measure_view(r, lang=lang) for r in rows],
        "total": total,
        "page": page,
        "per_page": per_page,
        "edition": found.edition,
        "topics": topics,
        "suggestions": suggestions,
    }


class RadarCell(BaseModel):
    field: str = Field(description="A field's slug in the edition.")
    status: str
    measures: int = Field(description="How many measures of the field have this status.")


class RadarCounts(BaseModel):
    total: int = Field(description="How many measures pass the filters.")
    cells: list[RadarCell] = Field(description="The measures by field and status (only those with some).")
    first_year: int | None = Field(description="The earliest year one of them starts in.")
    last_year: int | None = Field(description="The latest year one of them ends in.")
    edition: EditionRef


@router.get("/radar", response_model=RadarCounts)
async def radar_counts(request: Request, lang: Lang, asked: QueryDep) -> dict[str, Any]:
    """How many measures pass the filters of GET /measures, by field and status, in one query of
    fixed size: what a radar with too many measures for a blip each draws instead."""
    async with runtime_of(request).pool.acquire() as conn:
        found = await narrowed(conn, asked, lang=lang)
        rows = await search.measure_counts(conn, where=found.where)
    starts = [r["first_year"] for r in rows if r["first_year"] is not None]
    ends = [r["last_year"] for r in rows if r["last_year"] is not None]
    return {
        "total": sum(r["measures"] for r in rows),
        "cells": [{"field": r["field_slug"], "status": r["status"], "measures": r["measures"]} for r in rows],
        "first_year": min(starts, default=None),
        "last_year": max(ends, default=None),
        "edition": found.edition,
    }


async def _did_you_mean(conn: asyncpg.Connection, *, query: str, words: SearchWords) -> list[str]:
    found = [(r["word"], r["found"], r["closest"]) for r in await search.words_found(conn, words=words)]
    if all(ok for _, ok, _ in found):
        return []
    similar = await search.similar_terms(conn, query=query, limit=SUGGESTIONS)
    return did_you_mean(query=query, words=found, similar=similar, limit=SUGGESTIONS)


async def _measure(request: Request, ref: str, *, edition: str | None = None) -> Any:
    row = await store.find_measure(runtime_of(request).pool, measure_ref(ref), edition=edition)
    if row is None:
        raise CatalogError("MEASURE_NOT_FOUND", "There is no such measure.", status=404)
    return row


@router.get("/measures/{ref}")
async def show_measure(
    ref: str, request: Request, lang: Lang, edition: EditionParam = None
) -> dict[str, Any]:
    """One measure by id or slug, archived ones included, in its field of an edition (default: the
    current one); `placements` names its field in every edition it appears in, `decisions` the
    council decisions that created or changed it."""
    pool = runtime_of(request).pool
    chosen = await chosen_edition(pool, edition) if edition is not None else None
    row = await _measure(request, ref, edition=chosen["slug"] if chosen else None)
    view = measure_view(row, lang=lang)
    view["decisions"] = [
        decision_view(r) for r in await decisions.decisions_of_measure(pool, measure_id=row["measure_id"])
    ]
    return view


@router.get("/measures/{ref}/history")
async def measure_history(ref: str, request: Request, lang: Lang) -> dict[str, Any]:
    """Every version of a measure, newest first, each with what changed and its public note."""
    row = await _measure(request, ref)
    rows = await store.history(runtime_of(request).pool, measure_id=row["measure_id"])
    return {"items": [change_view(r, lang=lang) for r in rows], "total": len(rows)}


@router.get("/changes")
async def list_changes(
    request: Request, lang: Lang, page: Page = 1, per_page: PerPage = 20
) -> dict[str, Any]:
    """All changes to all measures, newest first (the source of the Atom feed)."""
    rows, total = await store.recent_changes(
        runtime_of(request).pool, limit=per_page, offset=(page - 1) * per_page
    )
    items = [change_view(r, lang=lang, with_measure=True) for r in rows]
    return {"items": items, "total": total, "page": page, "per_page": per_page}
