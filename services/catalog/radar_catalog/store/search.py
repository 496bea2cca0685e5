"""SQL of the measure list: filters, German full text with compounds, topics, and "did you mean".

How a word is found is stated once, in every_word_found (see radar_catalog.domain.search),
as conditions that the GIN indexes on a measure's document and folded text can answer; the
documents are built by catalog_refresh_search() (migration 0003).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

import asyncpg

from radar_catalog.domain.search import SearchWords
from radar_catalog.store.measures import MEASURE_COLUMNS, PLACED_IN_EDITION, PLACED_NEWEST

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool

# each word of a query with its prefix query and its folded form, stop words left out
SEARCHED = """
SELECT w.word, w.prefix, catalog_fold(w.word) AS folded
  FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS w (word, prefix, ord)
 WHERE numnode(to_tsquery('german'::regconfig, w.prefix)) > 0
 ORDER BY w.ord
"""
SHORTEST_PART = 3  # a part of a compound is looked for from three letters on


@dataclass(frozen=True)
class Searched:
    """A word to find: its prefix query (to_tsquery text), and its folded form to find inside words."""

    word: str
    prefix: str
    folded: str


async def searched_words(conn: Conn, *, words: SearchWords) -> tuple[Searched, ...]:
    """The words of a query the database searches for: German stop words ("und", "der") left out."""
    rows = await conn.fetch(SEARCHED, list(words.words), list(words.prefixes))
    return tuple(Searched(word=r["word"], prefix=r["prefix"], folded=r["folded"]) for r in rows)


class _Args:
    """Positional parameters of a query as it is written: each value gets the next $n."""

    def __init__(self, *first: Any) -> None:
        self.values = list(first)

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


def every_word_found(searched: tuple[Searched, ...], arg: _Args, *, document: str, text: str) -> str:
    """A condition: there are words, and each is found in the document (a word beginning like it, in
    any inflection) or inside the folded text (a part of a compound). Both can use an index."""
    if not searched:
        return "false"
    conditions = []
    for w in searched:
        found = [f"{document} @@ to_tsquery('german'::regconfig, {arg(w.prefix)})"]
        if len(w.folded) >= SHORTEST_PART:  # the folded word holds letters and digits only
            found.append(f"{text} LIKE {arg('%' + w.folded + '%')}")
        conditions.append("(" + " OR ".join(found) + ")")
    return "(" + " AND ".join(conditions) + ")"


@dataclass(frozen=True)
class MeasureFilter:
    """What a measure list is narrowed to; empty means no narrowing."""

    edition: str | None = None  # None: every measure in its current field (or its newest)
    fields: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()
    principles: tuple[str, ...] = ()
    year: int | None = None
    words: tuple[Searched, ...] | None = None  # None: no search; empty: a search for no word
    include_archived: bool = False


def _narrowed(where: MeasureFilter, arg: _Args) -> str:
    fields, statuses = arg(list(where.fields)), arg(list(where.statuses))
    leads, principles, year = arg(list(where.leads)), arg(list(where.principles)), arg(where.year)
    conditions = [
        f"(cardinality({fields}::text[]) = 0 OR p.field_slug = ANY ({fields}))",
        f"(cardinality({statuses}::text[]) = 0 OR m.status = ANY ({statuses}))",
        f"(cardinality({leads}::text[]) = 0 OR m.lead_code = ANY ({leads}))",
        f"(cardinality({principles}::text[]) = 0 OR m.principles && {principles})",
        f"({year}::int IS NULL OR (m.start_year <= {year} AND m.end_year >= {year}))",
        f"({arg(where.include_archived)} OR NOT m.archived)",
    ]
    if where.words is not None:
        conditions.append(
            every_word_found(where.words, arg, document="m.search_document", text="m.search_text")
        )
    return " WHERE " + " AND ".join(conditions)


def _placed(where: MeasureFilter) -> str:
    """FROM the measures placed in the filter's edition ($1), or each in its current or newest field."""
    return PLACED_IN_EDITION if where.edition is not None else PLACED_NEWEST


def _ranked(where: MeasureFilter, arg: _Args) -> str:
    """Hits in the title first, then by the full-text rank; then in the radar's order."""
    if not where.words:
        return " ORDER BY f.position, lower(m.title), m.slug"
    in_title = every_word_found(
        where.words, arg, document="to_tsvector('german'::regconfig, m.title)", text="catalog_fold(m.title)"
    )
    any_word = " | ".join(f"({w.prefix})" for w in where.words)
    return (
        f" ORDER BY {in_title} DESC,"
        f" ts_rank(m.search_document, to_tsquery('german'::regconfig, {arg(any_word)})) DESC,"
        " f.position, lower(m.title), m.slug"
    )


async def search_measures(
    conn: Conn, *, where: MeasureFilter, limit: int | None = None, offset: int = 0
) -> tuple[list[asyncpg.Record], int]:
    """One page of the measures that pass the filter (best matches first when searching), and their count.

    The page is chosen and counted over narrow rows; the whole rows are read for that page only.
    """
    arg = _Args(where.edition)  # $1: the edition each measure is placed in
    chosen = await conn.fetch(
        "SELECT m.measure_id, count(*) OVER () AS total"
        + _placed(where)
        + _narrowed(where, arg)
        + _ranked(where, arg)
        + f" LIMIT {arg(limit)} OFFSET {arg(offset)}",
        *arg.values,
    )
    ids = [r["measure_id"] for r in chosen]
    rows = await conn.fetch(
        MEASURE_COLUMNS + _placed(where) + " WHERE m.measure_id = ANY ($2::uuid[])", where.edition, ids
    )
    place = {measure_id: n for n, measure_id in enumerate(ids)}
    page = sorted(rows, key=lambda r: place[r["measure_id"]])
    if chosen or offset == 0:
        return page, int(chosen[0]["total"]) if chosen else 0
    counted = _Args(where.edition)  # a page past the end: counted on its own
    total = await conn.fetchval(
        "SELECT count(*) FROM (SELECT 1" + _placed(where) + _narrowed(where, counted) + ") x", *counted.values
    )
    return page, int(total)


async def measure_counts(conn: Conn, *, where: MeasureFilter) -> list[asyncpg.Record]:
    """How many measures pass the filter by field and status, with the years they run in."""
    arg = _Args(where.edition)
    sql = (
        "SELECT x.field_slug, x.status, count(*)::int AS measures,"
        " min(x.start_year) AS first_year, max(x.end_year) AS last_year"
        " FROM (SELECT p.field_slug, m.status, m.start_year, m.end_year"
        + _placed(where)
        + _narrowed(where, arg)
        + ") x"
        " GROUP BY x.field_slug, x.status ORDER BY x.field_slug, x.status"
    )
    return list(await conn.fetch(sql, *arg.values))


# fields, core areas and goals of every edition, principles and lead departments whose names
# hold every word; then, for those only, how many current measures each has
TOPICS = """
WITH named AS (
    SELECT 'core_area' AS kind, 1 AS kind_order, c.edition, c.slug, c.name, c.name AS match_text,
           NULL::text AS field_slug, e.is_current, e.position AS edition_position, c.position,
           c.translations
      FROM core_areas c JOIN editions e ON e.slug = c.edition
    UNION ALL
    SELECT 'field', 2, f.edition, f.slug, f.name, f.name, NULL, e.is_current, e.position, f.position,
           f.translations
      FROM fields f JOIN editions e ON e.slug = f.edition
    UNION ALL
    SELECT 'goal', 3, g.edition, g.slug, g.title, g.title, g.field_slug, e.is_current, e.position, g.position,
           coalesce((SELECT jsonb_object_agg(k, jsonb_build_object('name', v -> 'title'))  -- as a name
                       FROM jsonb_each(g.translations) AS t (k, v) WHERE v ? 'title'), jsonb_build_object())
      FROM goals g JOIN editions e ON e.slug = g.edition
    UNION ALL
    SELECT 'principle', 4, NULL, pr.slug, pr.name, pr.name, NULL, true, 0, pr.position, pr.translations
      FROM principles pr
    UNION ALL
    SELECT 'lead', 5, NULL, d.code, d.name, d.name || ' ' || d.code, NULL, true, 0, 0, jsonb_build_object()
      FROM departments d
), hits AS MATERIALIZED (
    SELECT * FROM named n WHERE {found}
     ORDER BY kind_order, is_current DESC, edition_position DESC, position, name LIMIT {limit}
), current_measures AS (
    SELECT mf.edition, mf.field_slug, m.goals, m.principles, m.lead_code
      FROM measure_fields mf JOIN measures m ON m.measure_id = mf.measure_id
     WHERE NOT m.archived AND mf.edition IN (SELECT edition FROM hits)
)
SELECT h.kind, h.edition, h.slug, h.name, h.field_slug, h.translations,
       CASE h.kind
           WHEN 'core_area' THEN (SELECT count(*) FROM current_measures cm JOIN fields f
                                      ON f.edition = cm.edition AND f.slug = cm.field_slug
                                   WHERE f.edition = h.edition AND f.core_area_slug = h.slug)
           WHEN 'field' THEN (SELECT count(*) FROM current_measures cm
                               WHERE cm.edition = h.edition AND cm.field_slug = h.slug)
           WHEN 'goal' THEN (SELECT count(*) FROM current_measures cm
                              WHERE cm.edition = h.edition AND cm.field_slug = h.field_slug
                                AND h.slug = ANY (cm.goals))
           WHEN 'principle' THEN (SELECT count(*) FROM measures m
                                   WHERE NOT m.archived AND h.slug = ANY (m.principles))
           ELSE (SELECT count(*) FROM measures m WHERE NOT m.archived AND m.lead_code = h.slug)
       END AS measure_count
  FROM hits h
 ORDER BY h.kind_order, h.is_current DESC, h.edition_position DESC, h.position, h.name
"""


async def topics(conn: Conn, *, words: tuple[Searched, ...], limit: int = 10) -> list[asyncpg.Record]:
    """The parts of the strategy and the vocabularies whose names hold every word."""
    arg = _Args()
    found = every_word_found(
        words,
        arg,
        document="to_tsvector('german'::regconfig, n.match_text)",
        text="catalog_fold(n.match_text)",
    )
    return list(await conn.fetch(TOPICS.format(found=found, limit=int(limit)), *arg.values))


# for each word of a query: whether any current measure or any name holds it, and the closest
# term; a stop word counts as found
WORDS_FOUND = """
WITH words AS (
    SELECT w.ord, w.word, catalog_fold(w.word) AS folded, to_tsquery('german'::regconfig, w.prefix) AS tq
      FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS w (word, prefix, ord)
)
SELECT w.word,
       numnode(w.tq) = 0
       OR EXISTS (SELECT 1 FROM measures m
                   WHERE NOT m.archived AND (m.search_document @@ w.tq
                         OR (length(w.folded) >= {shortest} AND m.search_text LIKE '%' || w.folded || '%')))
       OR EXISTS (SELECT 1 FROM search_terms t WHERE t.folded LIKE '%' || w.folded || '%') AS found,
       (SELECT t.term FROM search_terms t WHERE t.folded % w.folded
         ORDER BY similarity(t.folded, w.folded) DESC, length(t.term), t.term LIMIT 1) AS closest
  FROM words w ORDER BY w.ord
""".replace("{shortest}", str(SHORTEST_PART))
SIMILAR_TERMS = """
SELECT t.term FROM search_terms t, catalog_fold($1) AS q (folded)
 WHERE t.folded % q.folded OR q.folded <% t.folded
 ORDER BY greatest(similarity(t.folded, q.folded), word_similarity(q.folded, t.folded)) DESC,
          length(t.term), t.term
 LIMIT $2
"""


async def words_found(conn: Conn, *, words: SearchWords) -> list[asyncpg.Record]:
    """Each word of the query: is it anywhere in the catalog, and which term comes closest to it."""
    return list(await conn.fetch(WORDS_FOUND, list(words.words), list(words.prefixes)))


async def similar_terms(conn: Conn, *, query: str, limit: int) -> list[str]:
    """Titles, names and words of the catalog that resemble the whole query, most similar first."""
    return [r["term"] for r in await conn.fetch(SIMILAR_TERMS, query, limit)]
