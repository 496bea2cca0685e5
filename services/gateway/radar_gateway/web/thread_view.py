"""A measure's thread, a page at a time: which page a request asks for, the page, and its address.

The thread stays in participation's order, oldest first, as a conversation reads; a new comment
comes last, so its author is sent to the last page (`thread_end`), and a reply or a report back to
the page its form was on (`thread_number` of the form's address). The first page has the
measure's own address, so that it is kept once; `?kommentare=N` names the others. A comment's
reply and report forms are links to its page with that one form open (REPLY, REPORT).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from radar_gateway.context import gateway_of
from radar_gateway.web.services import ServiceError, call
from radar_gateway.web.views import ListPage
from radar_lib.token import Principal

THREAD_PAGE = "kommentare"  # the query parameter
# the forms under a comment come on demand, one at a time: ?antworten=<id> opens its reply form,
# ?melden=<id> its report form (a thread of 50 comments with every form was 3.9 KB a comment)
REPLY, REPORT = "antworten", "melden"
# a link to a form scrolls to its first field, which then has the focus (a browser skips `autofocus`
# when the address names an element, so the field itself is named)
FORM_FIELD = {REPLY: "reply-{id}-body", REPORT: "report-{id}-reason"}
UUID_LENGTH = 36
PAGES_AT_MOST = 10_000  # the last page participation gives


@dataclass(frozen=True)
class Thread:
    """One page of top-level comments (with their replies) and where it lies in the whole thread."""

    items: list[dict[str, Any]]
    listing: ListPage

    @property
    def query(self) -> str:
        """This page in a form's address ("" for the first), so that the form leads back to it."""
        number = self.listing.number
        return f"{THREAD_PAGE}={number}" if number > 1 else ""


def thread_number(request: Request) -> int:
    """The page of the thread asked for: a number past the end means the last, anything else the first."""
    raw = request.query_params.get(THREAD_PAGE, "")
    if not (raw.isascii() and raw.isdigit()):
        return 1
    return max(1, min(int(raw), PAGES_AT_MOST))  # the edge lets no number through that int() refuses


def thread_href(
    slug: str, number: int, *, anchor: str = "kommentare", also: dict[str, str] | None = None
) -> str:
    """The address of a page of the thread, scrolled to the thread (or to the element `anchor` names),
    with `also` in its query (a form to open)."""
    query = urlencode(({THREAD_PAGE: str(number)} if number > 1 else {}) | (also or {}))
    return f"/massnahmen/{slug}{'?' if query else ''}{query}#{anchor}"


def opens_a_form(request: Request) -> bool:
    """True when the address opens a comment's form: such a page is not kept (one per comment, and
    kept pages would crowd out the ones everybody reads)."""
    return any(form in request.query_params for form in FORM_FIELD)


def opened(request: Request, form: str) -> str | None:
    """The comment whose form (REPLY or REPORT) the address opens; None for none or for no comment id."""
    raw = request.query_params.get(form, "")
    try:
        return str(uuid.UUID(raw)) if len(raw) == UUID_LENGTH else None
    except ValueError:
        return None


async def thread_page(request: Request, slug: str, viewer: Principal, number: int) -> Thread | None:
    """The page of the thread as this viewer sees it (their own pending and rejected comments in place),
    the last one for a number beyond it; None when participation cannot say."""
    size = gateway_of(request).settings.thread_page_size
    try:
        items, total = await _top_level(request, slug, viewer, number=number, size=size)
        if not items and number > 1:  # beyond the end: the last page (the first of an empty thread)
            number = ListPage(number=number, total=total, size=size).pages
            items, total = await _top_level(request, slug, viewer, number=number, size=size)
    except ServiceError as exc:
        if exc.status == 404:  # participation has not heard of the measure yet
            return Thread([], ListPage(number=1, total=0, size=size))
        return None
    return Thread(items, ListPage(number=number, total=total, size=size))


async def thread_end(request: Request, slug: str, viewer: Principal) -> str:
    """The address of the last page as this viewer sees it, where their newest comment is; the first
    page's while participation cannot say."""
    size = gateway_of(request).settings.thread_page_size
    try:
        _, total = await _top_level(request, slug, viewer, number=1, size=1)
    except ServiceError:
        return thread_href(slug, 1)
    return thread_href(slug, ListPage(number=1, total=total, size=size).pages)


async def _top_level(
    request: Request, slug: str, viewer: Principal, *, number: int, size: int
) -> tuple[list[dict[str, Any]], int]:
    path = f"/measures/{slug}/comments"
    answer = await call(
        request, "participation", path, query={"page": number, "per_page": size}, principal=viewer
    )
    return list(answer["items"]), int(answer["total"])
