"""What citizens do on a measure's page: comment, reply, withdraw, rate, report.

A form that is taken ends in a redirect back to its place on the measure's page
(post/redirect/get) with a notice; a refused one gets the page again with the reason beside
the form and whatever was typed kept whole, never cut. A GET on any of these addresses leads
back to the page, so reloading or revisiting one never ends on an error page. The gateway
checks the form token and counts the rate limits; the rules are participation's, and its
refusals are shown by their codes. A comment's idempotency key is derived from the
participant, the place, the name and the text, so that the same text sent again from the same
browser (Back and send, a double click, a reload of a page the browser kept or not) is
stored once: participation answers the repeat as the first.

The participant is the one the signed cookie names; a browser without one gets a new id,
kept in the cookie once participation took what it sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from starlette.datastructures import FormData

from radar_gateway.context import gateway_of
from radar_gateway.identity import PARTICIPANT_COOKIE, sign_participant
from radar_gateway.limits import Kind, take
from radar_gateway.numbers import whole_number
from radar_gateway.web.i18n import has_text
from radar_gateway.web.links import SLUG, Slug
from radar_gateway.web.pages import Draft, Refusal, participant_of, show_measure, viewer_principal
from radar_gateway.web.problems import PageProblem
from radar_gateway.web.render import Page, page_of, redirect
from radar_gateway.web.services import ServiceError, call
from radar_gateway.web.subscribe import watch_comment
from radar_gateway.web.thread_view import thread_end, thread_href, thread_number
from radar_lib.token import Principal
from radar_lib.web import ApiError

router = APIRouter(include_in_schema=False)
PageDep = Annotated[Page, Depends(page_of)]
COOKIE_MAX_AGE = 365 * 86400


def _wait(page: Page, seconds: int) -> str:
    """A wait as people say it: seconds up to a minute, then whole minutes (rounded up)."""
    if seconds <= 60:
        return page.t("wait.seconds", n=max(seconds, 1))
    return page.t("wait.minutes", n=math.ceil(seconds / 60))


def _field(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


class _Acting:
    """The participant a form acts for: the cookie's, or a new one remembered once something was taken."""

    def __init__(self, page: Page) -> None:
        self.page = page
        known = participant_of(page)
        self.id = known or uuid.uuid4()
        self.new = known is None
        self.principal = Principal(kind="participant", id=self.id)

    def remember(self) -> None:
        if self.new:
            key = gateway_of(self.page.request).settings.participant_cookie_key
            self.page.cookies[PARTICIPANT_COOKIE] = (sign_participant(self.id, key=key), COOKIE_MAX_AGE)


async def _refused(
    page: Page,
    slug: str,
    exc: ApiError | ServiceError,
    *,
    place: str,
    kind: Kind,
    draft: Draft | None = None,
) -> Response:
    """The measure's page again with the refusal beside its form; 503 and 404 pages for the others."""
    if isinstance(exc, ServiceError) and exc.status >= 500:
        raise PageProblem(503) from exc
    if exc.code == "MEASURE_NOT_FOUND":
        raise PageProblem(404) from exc
    wait = exc.extra.get("retry_after") if isinstance(exc, ApiError) else None
    specific = (
        f"err.{place.split('-')[0]}.{exc.code}"  # a code that says more here: err.rating.MEASURE_CLOSED
    )
    if wait is not None:
        text = page.t(f"limit.{kind.value}", wait=_wait(page, int(wait)))
    else:
        text = page.t(specific) if has_text(specific) else page.error_text(exc.code)
    field = "display_name" if exc.code.startswith("DISPLAY_NAME_") else "body"
    refusal = Refusal(code=exc.code, text=text, place=place, field=field)
    response = await show_measure(page, slug, status=exc.status, draft=draft, refusal=refusal)
    if wait is not None:
        response.headers["Retry-After"] = str(wait)
    if exc.code == "PARTICIPANT_ERASED":  # a pseudonym erased on request: the next form makes a new one
        response.delete_cookie(PARTICIPANT_COOKIE, path="/")
    return response


def comment_key(page: Page, *, participant_id: uuid.UUID, slug: str, draft: Draft) -> str:
    """The idempotency key of a comment: the same participant, place, name and text give the same key."""
    said = "\x1f".join([str(participant_id), slug, draft.parent_id or "", draft.display_name, draft.body])
    digest = hmac.new(page.form_key, said.encode(), hashlib.sha256).digest()
    return "c-" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _require_token(page: Page, form: FormData) -> None:
    if not page.csrf_ok(_field(form, "csrf_token")):
        raise ApiError(403, "CSRF_FAILED", "The form token is missing or wrong.")


def _comment_id(ref: str) -> uuid.UUID:
    try:
        return uuid.UUID(ref)
    except ValueError:
        raise PageProblem(404) from None


# --- comments and replies ------------------------------------------------------------------------


@router.get("/massnahmen/{slug}/kommentare")
@router.get("/massnahmen/{slug}/kommentare/{ref}/zurueckziehen")
async def back_to_thread(slug: Slug, page: PageDep) -> Response:
    """Where a comment form leaves the browser, asked for again: the thread, at the form's page."""
    return redirect(page, thread_href(slug, thread_number(page.request)))


@router.get("/massnahmen/{slug}/kommentare/{ref}")
async def to_comment(slug: Slug, ref: str, page: PageDep) -> Response:
    """A link to one comment (a mail's, the participant's own list's): the page of the thread it is on
    for this browser, scrolled to it; the thread with a notice when this browser does not see it."""
    request = page.request
    comment_id = _comment_id(ref)
    size = gateway_of(request).settings.thread_page_size
    try:
        path = f"/comments/{comment_id}/place"
        place = await call(request, "participation", path, principal=viewer_principal(page))
    except ServiceError as exc:
        if exc.status == 404:
            # the top of the page, where the notice is: it is all this browser learns of the comment
            return redirect(page, f"/massnahmen/{slug}", notice="kommentar_nicht_sichtbar")
        # participation is away: the measure's page says so where its thread would be
        return redirect(page, thread_href(slug, 1, anchor=f"kommentar-{comment_id}"))
    number = (int(place["position"]) - 1) // size + 1
    return redirect(page, thread_href(str(place["measure"]), number, anchor=f"kommentar-{comment_id}"))


@router.post("/massnahmen/{slug}/kommentare")
async def send_comment(slug: Slug, page: PageDep) -> Response:
    """Hand a comment or a reply (parent_id) to participation for moderation, then back to the thread."""
    request = page.request
    form = await request.form()
    draft = Draft(
        body=_field(form, "body"),
        display_name=_field(form, "display_name"),
        parent_id=_field(form, "parent_id") or None,
    )
    place = f"reply-{draft.parent_id}" if draft.parent_id else "comment"
    who = _Acting(page)
    sent: dict[str, Any] = {"body": draft.body, "display_name": draft.display_name or None}
    if draft.parent_id:
        sent["parent_id"] = draft.parent_id
    sent["idempotency_key"] = comment_key(page, participant_id=who.id, slug=slug, draft=draft)
    try:
        _require_token(page, form)
        await take(request, gateway_of(request), Kind.COMMENT, who.id)
        path = f"/measures/{slug}/comments"
        taken = await call(request, "participation", path, method="POST", body=sent, principal=who.principal)
    except (ApiError, ServiceError) as exc:
        return await _refused(page, slug, exc, place=place, kind=Kind.COMMENT, draft=draft)
    who.remember()
    # a reply stays with its comment, on the form's page; a new comment comes last
    shown = (
        thread_href(slug, thread_number(request))
        if draft.parent_id
        else await thread_end(request, slug, who.principal)
    )
    if watch := _field(form, "watch_email").strip():  # the comment is stored whether or not this works
        comment_id = str(taken["id"])
        watched = await watch_comment(page, who.principal, comment_id=comment_id, email=watch, slug=slug)
        notice = "kommentar_benachrichtigung" if watched else "kommentar_ohne_benachrichtigung"
        return redirect(page, shown, notice=notice)
    return redirect(page, shown, notice="kommentar")


@router.post("/massnahmen/{slug}/kommentare/{ref}/zurueckziehen")
async def withdraw_comment(slug: Slug, ref: str, page: PageDep) -> Response:
    """The author takes a comment back; it leaves the thread."""
    request = page.request
    comment_id = _comment_id(ref)
    form = await request.form()
    who = _Acting(page)
    try:
        _require_token(page, form)
        path = f"/comments/{comment_id}/withdraw"
        await call(request, "participation", path, method="POST", principal=who.principal)
    except (ApiError, ServiceError) as exc:
        return await _refused(page, slug, exc, place="thread", kind=Kind.COMMENT)
    return redirect(page, thread_href(slug, thread_number(request)), notice="kommentar_zurueckgezogen")


# --- ratings -------------------------------------------------------------------------------------


@router.get("/massnahmen/{slug}/bewertung")
@router.get("/massnahmen/{slug}/bewertung/entfernen")
async def back_to_rating(slug: Slug, page: PageDep) -> Response:
    """Where a rating form leaves the browser, asked for again: the rating."""
    return redirect(page, f"/massnahmen/{slug}#bewertung")


@router.post("/massnahmen/{slug}/bewertung")
async def rate(slug: Slug, page: PageDep) -> Response:
    """Rate the measure 1 to 5 stars, or change one's rating."""
    request = page.request
    form = await request.form()
    who = _Acting(page)
    stars = _field(form, "stars")
    try:
        _require_token(page, form)
        chosen = whole_number(stars) if len(stars) == 1 else None
        if chosen is None:  # none chosen; the range is participation's to check
            raise ApiError(422, "RATING_OUT_OF_RANGE", "Choose 1 to 5 stars.")
        await take(request, gateway_of(request), Kind.RATING, who.id)
        path = f"/measures/{slug}/rating"
        await call(
            request, "participation", path, method="PUT", body={"stars": chosen}, principal=who.principal
        )
    except (ApiError, ServiceError) as exc:
        return await _refused(page, slug, exc, place="rating", kind=Kind.RATING)
    who.remember()
    return redirect(page, f"/massnahmen/{slug}#bewertung", notice="bewertung_gespeichert")


@router.post("/massnahmen/{slug}/bewertung/entfernen")
async def remove_rating(slug: Slug, page: PageDep) -> Response:
    """Remove one's rating of the measure."""
    request = page.request
    form = await request.form()
    who = _Acting(page)
    try:
        _require_token(page, form)
        if who.new:  # a browser without the cookie has no rating to remove
            return redirect(page, f"/massnahmen/{slug}#bewertung")
        path = f"/measures/{slug}/rating"
        await call(request, "participation", path, method="DELETE", principal=who.principal)
    except (ApiError, ServiceError) as exc:
        return await _refused(page, slug, exc, place="rating", kind=Kind.RATING)
    return redirect(page, f"/massnahmen/{slug}#bewertung", notice="bewertung_entfernt")


# --- reports -------------------------------------------------------------------------------------


def _measure_slug(page: Page, form: FormData | None = None) -> str | None:
    """The measure a report form came from: its hidden field, else the action's query (for a GET)."""
    slug = _field(form, "massnahme") if form is not None else page.request.query_params.get("massnahme", "")
    return slug if SLUG.fullmatch(slug) else None


@router.get("/kommentare/{ref}/melden")
async def back_to_reported(ref: str, page: PageDep) -> Response:
    """Where a report form leaves the browser, asked for again: the comment's thread, at the form's page."""
    slug = _measure_slug(page)
    return redirect(page, thread_href(slug, thread_number(page.request)) if slug else "/")


@router.post("/kommentare/{ref}/melden")
async def report_comment(ref: str, page: PageDep) -> Response:
    """Report a published comment for a clause of the netiquette; it goes to moderation."""
    request = page.request
    comment_id = _comment_id(ref)
    form = await request.form()
    slug = _measure_slug(page, form)
    if slug is None:
        raise PageProblem(404)
    who = _Acting(page)
    try:
        _require_token(page, form)
        await take(request, gateway_of(request), Kind.REPORT, who.id, comment_id=comment_id)
        path = f"/comments/{comment_id}/reports"
        reason = {"reason": _field(form, "reason")}
        await call(request, "participation", path, method="POST", body=reason, principal=who.principal)
    except (ApiError, ServiceError) as exc:
        return await _refused(page, slug, exc, place=f"report-{comment_id}", kind=Kind.REPORT)
    who.remember()
    return redirect(page, thread_href(slug, thread_number(request)), notice="kommentar_gemeldet")
