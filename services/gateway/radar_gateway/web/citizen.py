"""The citizens' own pages ("Meine Beiträge", withdrawal, erasure) and the public netiquette and
moderation figures.

A citizen is known only by the pseudonym in the signed radar_pid cookie; these pages act for
that pseudonym and for no one else. Their own pages are never stored by a cache.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from radar_gateway.context import gateway_of
from radar_gateway.identity import PARTICIPANT_COOKIE, read_participant
from radar_gateway.numbers import page_number
from radar_gateway.web.i18n import Translate
from radar_gateway.web.problems import PageProblem
from radar_gateway.web.render import Page, page_of, redirect, render
from radar_gateway.web.services import ServiceError, call, together
from radar_gateway.web.views import decimal
from radar_lib.token import Principal

router = APIRouter(include_in_schema=False)
PageDep = Annotated[Page, Depends(page_of)]
MINE = "/meine-beitraege"
PER_PAGE = 50
WITHDRAWABLE = ("pending", "published")
FINDABLE = ("pending", "rejected", "published")  # where its author finds a comment in the thread
OUTCOMES = ("approve", "reject", "hide", "dismiss")


def _participant(page: Page) -> uuid.UUID | None:
    key = gateway_of(page.request).settings.participant_cookie_key
    return read_participant(page.request.cookies.get(PARTICIPANT_COOKIE), key=key)


def _as(participant: uuid.UUID) -> Principal:
    return Principal(kind="participant", id=participant)


def _private(response: Response) -> Response:
    """A page about one browser's pseudonym: no cache may keep it."""
    response.headers["cache-control"] = "no-store"
    return response


def _error_text(page: Page, code: str) -> str:
    text = page.t(f"mine.error.{code}")
    return page.error_text(code) if text == f"mine.error.{code}" else text


def clause_part(clause: dict[str, Any], part: str, lang: str) -> str:
    """A clause's title or text in the page's language (moderation writes both)."""
    value = clause.get(part, "")
    return str(value.get(lang) or value.get("de", "")) if isinstance(value, dict) else str(value)


async def _clauses(request: Request) -> dict[str, dict[str, Any]] | None:
    """The netiquette's clauses by code, in moderation's order; None when moderation cannot say."""
    try:
        answer = await call(request, "moderation", "/netiquette")
    except ServiceError:
        return None
    return {c["code"]: c for c in answer["clauses"]}


# --- "Meine Beiträge" ----------------------------------------------------------------------


async def _my_contributions(page: Page, *, status: int = 200, error: str | None = None) -> Response:
    participant = _participant(page)
    number = page_number(page.request.query_params.get("seite"))
    comments: list[dict[str, Any]] = []
    total, clauses, rejected = 0, None, False
    if participant is not None:
        answer = await call(
            page.request,
            "participation",
            "/me/comments",
            query={"page": number, "per_page": PER_PAGE},
            principal=_as(participant),
        )
        comments, total = answer["items"], answer["total"]
        rejected = any(c["status"] == "rejected" for c in comments)
        if rejected:  # only a rejection cites the netiquette
            clauses = await _clauses(page.request)
    response = render(
        page,
        "my_contributions.html",
        status=status,
        error=_error_text(page, error) if error else None,
        known=participant is not None,
        comments=comments,
        total=total,
        clauses=clauses or {},
        clauses_missing=rejected and clauses is None,
        withdrawable=WITHDRAWABLE,
        findable=FINDABLE,
        newer=number - 1 if number > 1 else None,
        older=number + 1 if number * PER_PAGE < total else None,
        clause_part=clause_part,
    )
    return _private(response)


@router.get(MINE)
async def my_contributions(page: PageDep) -> Response:
    """Every comment written in this browser, with its measure and its fate."""
    return await _my_contributions(page)


@router.post(MINE + "/{comment_id}/zurueckziehen")
async def withdraw_contribution(comment_id: str, page: PageDep) -> Response:
    """Withdraw one of this browser's comments, then back to the list with a notice."""
    form = await page.request.form()
    if not page.csrf_ok(str(form.get("csrf_token", ""))):
        return await _my_contributions(page, status=403, error="CSRF_FAILED")
    participant = _participant(page)
    try:
        ref = uuid.UUID(comment_id)
    except ValueError:
        ref = None
    if participant is None or ref is None:
        return await _my_contributions(page, status=404, error="COMMENT_NOT_FOUND")
    try:
        await call(
            page.request,
            "participation",
            f"/comments/{ref}/withdraw",
            method="POST",
            principal=_as(participant),
        )
    except ServiceError as exc:
        if exc.status >= 500:
            raise PageProblem(503) from exc
        return await _my_contributions(page, status=exc.status, error=exc.code)
    return redirect(page, MINE, notice="beitrag_zurueckgezogen")


@router.get(MINE + "/loeschen")
async def erasure_page(page: PageDep) -> Response:
    """What an erasure erases, and the button that asks for it."""
    return _private(render(page, "erasure.html", known=_participant(page) is not None, error=None))


@router.post(MINE + "/loeschen")
async def erase_contributions(page: PageDep) -> Response:
    """Ask every service to erase this browser's pseudonym's data, then forget the pseudonym."""
    form = await page.request.form()
    known = _participant(page)
    if not page.csrf_ok(str(form.get("csrf_token", ""))):
        response = render(page, "erasure.html", status=403, known=known is not None, error="CSRF_FAILED")
        return _private(response)
    if known is None:
        return redirect(page, MINE, notice="nichts_zu_loeschen")
    try:
        await call(page.request, "participation", "/me/erasure", method="POST", principal=_as(known))
    except ServiceError as exc:
        if exc.status >= 500:
            raise PageProblem(503) from exc
        response = render(page, "erasure.html", status=exc.status, known=True, error=exc.code)
        return _private(response)
    page.cookies[PARTICIPANT_COOKIE] = ("", 0)  # max-age 0: the browser drops it
    return redirect(page, MINE, notice="daten_geloescht")


# --- netiquette and transparency --------------------------------------------------------------


@router.get("/netiquette")
async def netiquette_page(page: PageDep) -> Response:
    """Every clause of the netiquette, each with its code as anchor."""
    answer = await call(page.request, "moderation", "/netiquette")
    return render(page, "netiquette.html", clauses=answer["clauses"], clause_part=clause_part)


def duration(seconds: float | None, *, t: Translate, lang: str) -> str | None:
    """A span of time as people say it: minutes under two hours, hours under two days, else days."""
    if seconds is None:
        return None
    if seconds < 60:
        return t("transparency.under_a_minute")
    if seconds < 2 * 3600:
        return t("transparency.minutes", n=round(seconds / 60))
    unit, size = ("hours", 3600) if seconds < 2 * 86400 else ("days", 86400)
    amount = round(seconds / size, 1)
    shown: int | str = int(amount) if amount.is_integer() else decimal(amount, lang)
    return t(f"transparency.{unit}", n=shown)


def month_name(label: str, *, t: Translate) -> str:
    """A month label (2025-03) as the language names the month (März 2025)."""
    month = date.fromisoformat(f"{label}-01")
    return f"{t('transparency.months').split()[month.month - 1]} {month.year}"


def _reasons(by_reason: dict[str, int], clauses: dict[str, dict[str, Any]] | None) -> list[tuple[str, int]]:
    """A month's reasons in the netiquette's order; codes it does not know after them."""
    order = list(clauses or {})
    return sorted(
        by_reason.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0])
    )


@router.get("/transparenz")
async def transparency_page(page: PageDep) -> Response:
    """The moderation's figures per month, for a period the reader may choose."""
    params = page.request.query_params
    period = {name: params.get(name, "").strip()[:20] for name in ("from", "to")}
    try:
        figures, clauses = await together(
            call(page.request, "moderation", "/transparency/moderation", query=dict(period)),
            _clauses(page.request),
        )
    except ServiceError as exc:
        if exc.status != 422:
            raise  # the error pages: 404 or 503
        key = f"transparency.error.{exc.code}"
        message = page.t(key) if page.t(key) != key else page.error_text(exc.code)
        return render(page, "transparency.html", status=exc.status, period=period, error=message, months=[])
    t, lang = page.t, page.lang
    months = [
        month
        | {
            "name": month_name(month["month"], t=t),
            "reasons": _reasons(month["decisions"]["by_reason"], clauses),
            "median": duration(month["time_to_decision_seconds"]["median"], t=t, lang=lang),
            "p90": duration(month["time_to_decision_seconds"]["p90"], t=t, lang=lang),
            "oldest": duration(month["queue"]["oldest_age_seconds"], t=t, lang=lang),
        }
        for month in figures["months"]
    ]
    return render(
        page,
        "transparency.html",
        period=period,
        error=None,
        months=months,
        zone=figures["time_zone"],
        outcomes=OUTCOMES,
        clauses=clauses or {},
        clause_part=clause_part,
    )
