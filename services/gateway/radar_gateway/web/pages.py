"""The public pages: the radar and a measure with its thread and rating (fields of action and core
areas: structure_pages.py).

What citizens send from a measure's page is taken in participate.py, which shows the page
again through `show_measure` when it refuses a form.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, replace
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from radar_gateway.context import gateway_of
from radar_gateway.identity import PARTICIPANT_COOKIE, read_participant
from radar_gateway.numbers import page_number
from radar_gateway.web.editions_view import radar_switch
from radar_gateway.web.links import Slug
from radar_gateway.web.page_cache import served
from radar_gateway.web.radar_view import RadarView, measure_groups, moved_recently, radar_view
from radar_gateway.web.render import Page, page_of, render
from radar_gateway.web.report_views import measure_cycle
from radar_gateway.web.search_view import Search, searched_measures, searched_page
from radar_gateway.web.services import ServiceError, all_measures, call, together, vocabulary
from radar_gateway.web.thread_view import (
    FORM_FIELD,
    REPLY,
    REPORT,
    Thread,
    opened,
    opens_a_form,
    thread_href,
    thread_number,
    thread_page,
)
from radar_gateway.web.views import (
    ListPage,
    decimal,
    group_measures,
    history_lines,
    participation_counts,
    period,
    read_filters,
)
from radar_lib.token import ANONYMOUS, Principal

router = APIRouter(include_in_schema=False)
PageDep = Annotated[Page, Depends(page_of)]


@router.get("/")
async def radar_page(page: PageDep) -> Response:
    """The radar with its legend, the filter form and the same measures as a list."""
    return await served(page, lambda: _radar_page(page))


async def _radar_page(page: Page) -> Response:
    request = page.request
    filters = read_filters(request.query_params)
    filtered = any(filters.values())
    number = page_number(request.query_params.get("seite"))
    settings = gateway_of(request).settings
    size = settings.list_page_size
    fields, areas, counted, known = await together(
        call(request, "catalog", "/fields"),
        call(request, "catalog", "/core-areas"),
        call(request, "catalog", "/radar"),
        vocabulary(request),
    )
    if counted["total"] <= settings.blips_at_most:
        drawn = await _every_blip(page, filters, fields=fields["items"], areas=areas["items"])
    else:
        listing = ListPage(number=number, total=0, size=size)
        drawn = await _blips_by_group(page, filters, listing, fields=fields["items"], areas=areas["items"])
    listed = drawn.shown[(number - 1) * size : number * size] if drawn.all_shown else drawn.shown
    counts = await participation_counts(page, [m["slug"] for m in listed])
    first, last = counted["first_year"], counted["last_year"]
    return render(
        page,
        "radar.html",
        filters=filters,
        filtered=filtered,
        filter_error=drawn.error,
        fields=fields["items"],
        total=counted["total"],
        found=drawn.found,
        by_status=drawn.by_status,
        by_field=drawn.by_field,
        grouped=not drawn.all_shown,
        blips_at_most=settings.blips_at_most,
        listing=ListPage(number=number, total=drawn.found, size=size),
        page_url=lambda n: _radar_href(filters, seite=n),
        groups=group_measures(fields["items"], areas["items"], listed),
        core_areas=areas["items"],
        radar=drawn.radar,
        vocabulary=known,
        years=list(range(first, last + 1)) if first and last else [],
        period=period,
        counts=counts,
        search=drawn.search,
        edition_switch=await radar_switch(request),
    )


def _radar_href(filters: dict[str, str], **more: str | int) -> str:
    """The radar page with these filters (and more), at its list."""
    query = {**{k: v for k, v in filters.items() if v}, **{k: str(v) for k, v in more.items() if v != 1}}
    return ("/?" + urlencode(query) if query else "/") + "#liste"


@dataclass(frozen=True)
class Drawn:
    """The radar of a page and what it says of the measures that pass the filters."""

    radar: RadarView
    shown: list[dict[str, Any]]  # every measure that passes (all_shown), else one page of them
    all_shown: bool
    found: int
    by_status: dict[str, int]
    by_field: dict[str, int]
    search: Search | None
    error: str | None


async def _every_blip(
    page: Page, filters: dict[str, str], *, fields: list[dict[str, Any]], areas: list[dict[str, Any]]
) -> Drawn:
    """A blip per measure: every measure placed, those that do not pass the filters dimmed."""
    request = page.request
    everything = await all_measures(request)
    shown, search, error = everything, None, None
    if any(filters.values()):
        try:
            shown, search = await searched_measures(request, filters)
        except ServiceError as exc:
            if exc.status != 422:
                raise
            error, shown = exc.code, []
    radar = radar_view(
        fields=fields,
        core_areas=areas,
        everything=everything,
        shown=shown if any(filters.values()) else None,
        moved=await moved_recently(request, everything),
        t=page.t,
        lang=page.lang,
    )
    by_status = Counter(str(m["status"]) for m in shown)
    by_field = Counter(str(m["field"]["slug"]) for m in shown)
    return Drawn(radar, shown, True, len(shown), dict(by_status), dict(by_field), search, error)


async def _blips_by_group(
    page: Page,
    filters: dict[str, str],
    listing: ListPage,
    *,
    fields: list[dict[str, Any]],
    areas: list[dict[str, Any]],
) -> Drawn:
    """A blip per field and status for the measures that pass the filters; one page of them listed."""
    request = page.request
    query = {name: value for name, value in filters.items() if value}
    try:
        counted, (shown, search) = await together(
            call(request, "catalog", "/radar", query=query),
            searched_page(request, filters, number=listing.number, per_page=listing.size),
        )
    except ServiceError as exc:
        if exc.status != 422:
            raise
        empty = radar_view(fields=fields, core_areas=areas, everything=[], shown=None, moved={}, t=page.t)
        return Drawn(empty, [], False, 0, {}, {}, None, exc.code)
    cells = counted["cells"]
    groups = measure_groups(
        cells, t=page.t, href=lambda f, s: _radar_href({**filters, "field": f, "status": s})
    )
    radar = radar_view(
        fields=fields,
        core_areas=areas,
        everything=groups,
        shown=None,
        moved={},
        t=page.t,
        lang=page.lang,
        total=int(counted["total"]),
    )
    by_status, by_field = Counter[str](), Counter[str]()
    for c in cells:
        by_status[str(c["status"])] += int(c["measures"])
        by_field[str(c["field"])] += int(c["measures"])
    return Drawn(radar, shown, False, int(counted["total"]), dict(by_status), dict(by_field), search, None)


# --- a measure, with its thread and its rating ------------------------------------------------

COMMENT_MAX = 2000  # what participation takes (its comment_max_length); the counter counts to it
STARS = (5, 4, 3, 2, 1)
NO_RATINGS: dict[str, Any] = {"mean": None, "count": 0, "distribution": {}, "own": None}


@dataclass(frozen=True)
class Draft:
    """What a comment form held when it came back refused: shown again whole, never cut."""

    body: str = ""
    display_name: str = ""
    parent_id: str | None = None


@dataclass(frozen=True)
class Refusal:
    """Why a form was not taken, and where the page says so: beside which form, at which field."""

    code: str
    text: str
    place: str  # "comment", "reply-<id>", "rating", "report-<id>", or "thread" for the others
    field: str = "body"  # of a comment form: "body" or "display_name"


def participant_of(page: Page) -> uuid.UUID | None:
    """The participant this browser's signed cookie names, if any."""
    key = gateway_of(page.request).settings.participant_cookie_key
    return read_participant(page.request.cookies.get(PARTICIPANT_COOKIE), key=key)


def viewer_principal(page: Page) -> Principal:
    """Whom the back ends serve for this browser: its participant when it has one, else anyone."""
    viewer = participant_of(page)
    return ANONYMOUS if viewer is None else Principal(kind="participant", id=viewer)


async def _rating(request: Request, slug: str, viewer: Principal) -> dict[str, Any] | None:
    try:
        return dict(await call(request, "participation", f"/measures/{slug}/rating", principal=viewer))
    except ServiceError as exc:
        return NO_RATINGS if exc.status == 404 else None


async def _netiquette(request: Request) -> dict[str, dict[str, Any]] | None:
    """The netiquette's clauses by code; None while moderation cannot say (reports wait, codes show)."""
    try:
        answer = await call(request, "moderation", "/netiquette")
    except ServiceError:
        return None
    return {clause["code"]: clause for clause in answer["clauses"]}


def _places(measure: dict[str, Any], thread: Thread | None, clauses: dict[str, Any] | None) -> set[str]:
    """Where the page has a form to show a refusal beside."""
    places = {"rating"} | (set() if measure["archived"] else {"comment"})
    for top in thread.items if thread else []:
        if top["status"] == "published" and not measure["archived"]:
            places.add(f"reply-{top['id']}")
        for c in [top, *top.get("replies", [])]:
            if c["status"] == "published" and not c["own"] and clauses:
                places.add(f"report-{c['id']}")
    return places


def _number(n: int, lang: str) -> str:
    return f"{n:,}".replace(",", "." if lang == "de" else ",")


async def show_measure(
    page: Page,
    slug: str,
    *,
    status: int = 200,
    draft: Draft | None = None,
    refusal: Refusal | None = None,
) -> Response:
    """A measure's page: facts, history, rating, thread and forms; with a refused form's draft and reason."""
    request = page.request
    principal = viewer_principal(page)
    measure, history, thread, rating, clauses, fields, known, cycle = await together(
        call(request, "catalog", f"/measures/{slug}"),
        call(request, "catalog", f"/measures/{slug}/history"),
        thread_page(request, slug, principal, thread_number(request)),
        _rating(request, slug, principal),
        _netiquette(request),
        call(request, "catalog", "/fields"),
        vocabulary(request),
        measure_cycle(request, slug, t=page.t, lang=page.lang),
    )
    # names for the slugs and codes a change history holds
    names = {f["slug"]: f["name"] for f in fields["items"]}
    names |= {
        g["slug"]: g["title"]
        for f in fields["items"]
        if f["slug"] == measure["field"]["slug"]
        for g in f["goals"]
    }
    names |= {p["slug"]: p["name"] for p in known.principles}
    names |= {d["code"]: f"{d['name']} ({d['code']})" for d in known.departments}
    changes = [(c, history_lines(c, t=page.t, names=names)) for c in history["items"]]
    page.degraded |= thread is None or rating is None or clauses is None
    if refusal is not None and refusal.place not in _places(measure, thread, clauses):
        refusal = replace(refusal, place="thread")
    shown = thread.listing.number if thread else 1  # the page of the thread this one shows
    response = render(
        page,
        "measure.html",
        status=status,
        measure=measure,
        history=changes,
        cycle=cycle,
        thread=thread,
        thread_query=thread.query if thread else "",
        thread_href=lambda number: thread_href(slug, number),
        replying=opened(request, REPLY),
        reporting=opened(request, REPORT),
        form_href=lambda form, c: thread_href(
            slug, shown, anchor=FORM_FIELD[form].format(id=c), also={form: c}
        ),
        back_href=lambda c: thread_href(slug, shown, anchor=f"kommentar-{c}"),
        number=lambda n: _number(n, page.lang),
        rating=rating,
        stars=STARS,
        clauses=clauses,
        viewer_known=principal.kind == "participant",
        draft=draft or Draft(),
        refusal=refusal,
        comment_max=COMMENT_MAX,
        comment_max_text=_number(COMMENT_MAX, page.lang),
        mean_text=lambda mean: decimal(float(mean), page.lang),
        period=period,
    )
    if page.session is None:
        # personal (the viewer's own comments, a form key) but fit for this browser's history:
        # Back shows the page as it was, with the same form key, instead of a new form
        response.headers["cache-control"] = "private, no-cache"
    return response


@router.get("/massnahmen/{slug}")
async def measure_page(slug: Slug, page: PageDep) -> Response:
    """A measure: its facts, progress, change history, and the sections for rating, comments, subscribing."""
    # the participant's own comments and rating are on it; or a form under a comment is open
    personal = participant_of(page) is not None or opens_a_form(page.request)
    return await served(page, lambda: show_measure(page, slug), personal=personal, keep_in_history=True)
