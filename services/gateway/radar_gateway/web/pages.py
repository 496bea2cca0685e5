"""The public pages: the radar, fields of action, core areas, measures, and the comment form."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from radar_gateway.api import limit_comments
from radar_gateway.context import gateway_of
from radar_gateway.identity import PARTICIPANT_COOKIE, read_participant, sign_participant
from radar_gateway.web.links import Slug
from radar_gateway.web.problems import PageProblem
from radar_gateway.web.render import Page, page_of, redirect, render
from radar_gateway.web.services import ServiceError, all_measures, call, together, vocabulary
from radar_gateway.web.views import (
    group_measures,
    history_lines,
    measure_order,
    period,
    radar_svg,
    read_filters,
    year_options,
)
from radar_lib.token import Principal
from radar_lib.web import ApiError

router = APIRouter(include_in_schema=False)
PageDep = Annotated[Page, Depends(page_of)]


@router.get("/")
async def radar_page(page: PageDep) -> Response:
    """The radar with its legend, the filter form and the same measures as a list."""
    request = page.request
    filters = read_filters(request.query_params)
    fields, areas, everything, known = await together(
        call(request, "catalog", "/fields"),
        call(request, "catalog", "/core-areas"),
        all_measures(request),
        vocabulary(request),
    )
    filter_error = None
    shown = everything
    if any(filters.values()):
        try:
            shown = await all_measures(request, dict(filters))
        except ServiceError as exc:
            if exc.status != 422:
                raise
            filter_error, shown = exc.code, []
    return render(
        page,
        "radar.html",
        filters=filters,
        filtered=any(filters.values()),
        filter_error=filter_error,
        fields=fields["items"],
        total=len(everything),
        measures=shown,
        groups=group_measures(fields["items"], areas["items"], shown),
        core_areas=areas["items"],
        radar=radar_svg(fields=fields["items"], core_areas=areas["items"], measures=shown, t=page.t),
        vocabulary=known,
        years=year_options(everything),
        period=period,
    )


@router.get("/felder/{slug}")
async def field_page(slug: Slug, page: PageDep) -> Response:
    """A field of action: introduction, quote, media, goals, counts per status and all its measures."""
    found, measures, areas = await together(
        call(page.request, "catalog", f"/fields/{slug}"),
        all_measures(page.request, {"field": slug}),
        call(page.request, "catalog", "/core-areas"),
    )
    area = next((a for a in areas["items"] if a["slug"] == found.get("core_area")), None)
    ordered = sorted(measures, key=measure_order)
    return render(page, "field.html", field=found, core_area=area, measures=ordered, period=period)


@router.get("/kernbereiche/{slug}")
async def core_area_page(slug: Slug, page: PageDep) -> Response:
    """A core area: its presentation, its fields with their counts, and all their measures."""
    area = await call(page.request, "catalog", f"/core-areas/{slug}")
    field_slugs = [f["slug"] for f in area["fields"]]
    measures = await all_measures(page.request, {"field": field_slugs}) if field_slugs else []
    groups = group_measures(area["fields"], [], measures)
    return render(page, "core_area.html", area=area, groups=groups, period=period)


async def _comments(request: Request, slug: str) -> list[dict[str, Any]] | None:
    """The published thread; None when participation cannot say."""
    try:
        answer = await call(request, "participation", f"/measures/{slug}/comments", query={"per_page": 100})
    except ServiceError as exc:
        return [] if exc.status == 404 else None  # 404: participation has not heard of it yet
    return list(answer["items"])


async def _measure_page(page: Page, slug: str, *, status: int = 200, **form: Any) -> Response:
    request = page.request
    measure, history, comments, fields, known = await together(
        call(request, "catalog", f"/measures/{slug}"),
        call(request, "catalog", f"/measures/{slug}/history"),
        _comments(request, slug),
        call(request, "catalog", "/fields"),
        vocabulary(request),
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
    context = {"comment_text": "", "comment_error": None} | form
    return render(
        page,
        "measure.html",
        status=status,
        measure=measure,
        history=changes,
        comments=comments,
        period=period,
        **context,
    )


@router.get("/massnahmen/{slug}")
async def measure_page(slug: Slug, page: PageDep) -> Response:
    """A measure: its facts, progress, change history, and the sections for rating, comments, subscribing."""
    return await _measure_page(page, slug)


@router.post("/massnahmen/{slug}/kommentare")
async def submit_comment(slug: Slug, page: PageDep) -> Response:
    """Hand a comment to participation for moderation, then back to the measure with a notice."""
    request = page.request
    gw = gateway_of(request)
    form = await request.form()
    text = str(form.get("body", ""))
    if not page.csrf_ok(str(form.get("csrf_token", ""))):
        return await _measure_page(page, slug, status=403, comment_text=text, comment_error="CSRF_FAILED")
    known = read_participant(request.cookies.get(PARTICIPANT_COOKIE), key=gw.settings.participant_cookie_key)
    participant_id = known or uuid.uuid4()
    try:
        await limit_comments(request, gw, participant_id)
        await call(
            request,
            "participation",
            f"/measures/{slug}/comments",
            method="POST",
            body={"body": text},
            principal=Principal(kind="participant", id=participant_id),
        )
    except ApiError as exc:
        return await _measure_page(page, slug, status=exc.status, comment_text=text, comment_error=exc.code)
    except ServiceError as exc:
        if exc.status >= 500:
            raise PageProblem(503) from exc
        if exc.code == "MEASURE_NOT_FOUND":
            raise PageProblem(404) from exc
        return await _measure_page(page, slug, status=exc.status, comment_text=text, comment_error=exc.code)
    if known is None:
        cookie = sign_participant(participant_id, key=gw.settings.participant_cookie_key)
        page.cookies[PARTICIPANT_COOKIE] = (cookie, 365 * 86400)
    return redirect(page, f"/massnahmen/{slug}", notice="kommentar")
