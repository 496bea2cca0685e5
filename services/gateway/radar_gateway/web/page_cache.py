"""Public pages and feeds built once per change, not once per request.

A page that anyone without a staff session would see the same way is kept, rendered, by its
language, path and query; so is every feed. The catalog's events and participation.changed
empty the cache (cache.py), so a kept answer is never older than the last change this process
has heard of; one built while a change arrived is not kept. The form token differs per browser:
a page is rendered with an unguessable hole in its place, and each answer fills in the browser's
own token (a first visit gets its form cookie then, as before). The ETag covers the token too.

Not kept: staff pages and every page seen with a staff session, a page with a one-time notice,
a page that is personal to the viewer (`personal=True`: a measure page shows a participant's
own comments and rating), a page rendered while a part of it could not be had (a service away),
and anything but a 200.

The fast path (`KeptAnswers`) gives a kept answer before any routing, to a GET or HEAD that
provably sees what anyone sees: it carries no cookie but the form key and the language, so no
staff session, no notice and no participant. The answer is the one the route would give
(`answer`, `answer_feed`); anything else goes on to the routes. A page may therefore be personal
only by a cookie.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import QueryParams
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from radar_gateway.cache import CachedResponse, PublicReadCache, etag_of
from radar_gateway.context import gateway_of
from radar_gateway.web.i18n import LANG_COOKIE, pick_language
from radar_gateway.web.render import FORM_COOKIE, NOTICE_COOKIE, Page, apply_cookies, visitor_page
from radar_gateway.web.validators import conditional, revalidated

TOKEN_HOLE = "formtoken-" + secrets.token_hex(16)  # per process: no text a participant writes holds it
HTML = "text/html; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
# the cookies that change nothing on a kept page: the form key fills its hole, the language is in its key
NEUTRAL_COOKIES = frozenset({FORM_COOKIE, LANG_COOKIE})
NO_QUERY = QueryParams()
A = TypeVar("A", bound=Response)


class Kind(Enum):
    """How a kept answer is given again."""

    PAGE = "page"  # with the browser's own form token
    PAGE_IN_HISTORY = "page in history"  # the same, and a browser may keep even a first visit's
    FEED = "feed"  # the same bytes for everyone, with its ETag and Last-Modified


@dataclass(frozen=True)
class Origin:
    """What gives a kept answer again: its kind, the route that built it (named in the metrics), and
    its body split at the form-token holes, found once: each answer joins the pieces with its token."""

    kind: Kind
    route: object
    pieces: tuple[bytes, ...]


@dataclass(frozen=True)
class Fresh:
    """An answer just built: status, body, validators, and whether everyone may be given it."""

    status: int
    body: bytes
    headers: dict[str, str]
    keep: bool


KeptAnswer = tuple[CachedResponse, Origin]


def _key(lang: str, path: str, query: QueryParams) -> str:
    """The key of a kept answer: its language, path and query (in a fixed order)."""
    return f"{lang}|{path}?{sorted(query.multi_items())}"


def _lookup(pages: PublicReadCache, key: str) -> KeptAnswer | None:
    entry = pages.get(key)
    return (entry, entry.origin) if entry is not None and isinstance(entry.origin, Origin) else None


async def kept(
    request: Request, *, lang: str, kind: Kind, build: Callable[[], Awaitable[Fresh | A]]
) -> KeptAnswer | A:
    """The kept answer, or the one `build` makes, kept when it may be (and nothing raced a change);
    a build that answers otherwise (a redirect) is passed on as it is."""
    pages = gateway_of(request).pages
    key = _key(lang, request.scope["path"], request.query_params)
    if found := _lookup(pages, key):
        return found
    generation = pages.generation
    made = await build()
    if not isinstance(made, Fresh):
        return made
    origin = Origin(kind, request.scope.get("route"), tuple(made.body.split(TOKEN_HOLE.encode())))
    if not made.keep:
        return CachedResponse(made.status, made.body, made.headers, etag_of(made.body), 0.0, origin), origin
    entry = pages.put(
        key, status=made.status, body=made.body, headers=made.headers, generation=generation, origin=origin
    )
    return entry, origin


def cacheable(page: Page, *, personal: bool) -> bool:
    """True if this request sees the page as anyone does, and the cache is on."""
    request = page.request
    return (
        request.method in ("GET", "HEAD")
        and not personal
        and page.session is None
        and not page.session_unknown
        and NOTICE_COOKIE not in request.cookies
        and gateway_of(request).settings.page_cache_entries > 0
    )


async def served(
    page: Page,
    build: Callable[[], Awaitable[Response]],
    *,
    personal: bool = False,
    keep_in_history: bool = False,
) -> Response:
    """The page from the cache, or built by `build` (which renders it) and kept when it is a whole 200.

    `keep_in_history`: a browser may keep even a first visit's page (`private, no-cache` instead of
    `no-store`), so that Back shows a form with the token its cookie matches.
    """
    if not cacheable(page, personal=personal):
        return await build()

    async def rendered() -> Fresh | Response:
        page.token_hole = TOKEN_HOLE
        try:
            built = await build()
        finally:
            page.token_hole = None
        if page.rendered is None:
            return built  # no page of ours (a redirect): nothing in it has a hole
        status, body = page.rendered
        return Fresh(status, body, {}, keep=status == 200 and not page.degraded)

    kind = Kind.PAGE_IN_HISTORY if keep_in_history else Kind.PAGE
    found = await kept(page.request, lang=page.lang, kind=kind, build=rendered)
    if isinstance(found, Response):
        return found
    return answer(page, *found)


def answer(page: Page, entry: CachedResponse, origin: Origin) -> Response:
    """A kept page for this browser: its own form token in the holes, an ETag of what it gets."""
    body, token = entry.body, ""
    if len(origin.pieces) > 1:
        token = page.csrf_token()  # a first visit gets its form cookie here
        body = token.encode().join(origin.pieces)
    response: Response
    if page.cookies:  # not kept by the browser (or only in its history): no validator needed
        kept = "private, no-cache" if origin.kind is Kind.PAGE_IN_HISTORY else "no-store"
        response = HTMLResponse(body, status_code=entry.status, headers={"cache-control": kept})
    else:
        etag = _covering(entry.etag, token) if token else entry.etag
        response = conditional(page.request, body, status=entry.status, media_type=HTML, etag=etag)
        response.headers["cache-control"] = "private, no-cache"
        response.headers["vary"] = "Cookie"
    return apply_cookies(page, response)


def _covering(etag: str, token: str) -> str:
    """An ETag of the kept page with this browser's token in it."""
    return '"' + hashlib.sha256(f"{etag}|{token}".encode()).hexdigest()[:32] + '"'


def answer_feed(request: Request, entry: CachedResponse) -> Response:
    """A kept feed, or 304 when the client has it."""
    return revalidated(request, entry.body, headers=entry.headers, media_type=ATOM)


def feed_language(request: Request) -> str:
    """A feed's language: only `?lang=` chooses it (a feed reader keeps no cookie)."""
    return pick_language(request.query_params.get("lang"), None)[0]


class KeptAnswers:
    """The fast path: a GET of a kept answer is given before routing, when it provably qualifies.

    Innermost of the middleware, so that its answers get the security headers, HEAD, the metrics
    (under the route that built the answer) and the last resort as routed answers do.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            response = self._kept_answer(scope, receive)
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _kept_answer(self, scope: Scope, receive: Receive) -> Response | None:
        cookies = cookies_of(scope)
        if not cookies.keys() <= NEUTRAL_COOKIES:
            return None  # a session, a notice, a participant, or a cookie we do not know: the routes decide
        query = QueryParams(scope["query_string"]) if scope["query_string"] else NO_QUERY
        lang, remember = pick_language(query.get("lang"), cookies.get(LANG_COOKIE))  # as page_of picks it
        found = _lookup(scope["app"].state.gateway.pages, _key(lang, scope["path"], query))
        if found is None:
            return None
        entry, origin = found
        scope["route"] = origin.route
        request = Request(scope, receive)
        if origin.kind is Kind.FEED:
            return answer_feed(request, entry)
        return answer(visitor_page(request, lang=lang, remember=remember), entry, origin)


def cookies_of(scope: Scope) -> dict[str, str]:
    """The request's cookies as Request.cookies has them, without building its Headers (most have none)."""
    cookies: dict[str, str] = {}
    for name, value in scope["headers"]:
        if name == b"cookie":
            cookies.update(cookie_parser(value.decode("latin-1")))
    return cookies
