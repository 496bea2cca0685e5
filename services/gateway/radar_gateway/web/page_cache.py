"""Public pages rendered once per change, not once per request.

A page that anyone without a staff session would see the same way is kept, rendered, by its
language, path and query. The catalog's events and participation.changed empty the cache
(cache.py), so a kept page is never older than the last change this process has heard of; a
page rendered while a change arrived is not kept. The form token differs per browser: a page
is rendered with an unguessable hole in its place, and each answer fills in the browser's own
token (a first visit gets its form cookie then, as before). The ETag covers the token too.

Not kept: staff pages and every page seen with a staff session, a page with a one-time notice,
a page that is personal to the viewer (`personal=True`: a measure page shows a participant's
own comments and rating), a page rendered while a part of it could not be had (a service away),
and anything but a 200.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Awaitable, Callable

from fastapi.responses import HTMLResponse, Response

from radar_gateway.cache import CachedResponse
from radar_gateway.context import gateway_of
from radar_gateway.web.links import routed_path
from radar_gateway.web.render import NOTICE_COOKIE, Page, apply_cookies
from radar_gateway.web.validators import conditional

TOKEN_HOLE = "formtoken-" + secrets.token_hex(16)  # per process: no text a participant writes holds it
HTML = "text/html; charset=utf-8"


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


def page_key(page: Page) -> str:
    """The page's language, path and query (in a fixed order)."""
    query = sorted(page.request.query_params.multi_items())
    return f"{page.lang}|{routed_path(page.request)}?{query}"


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
    pages = gateway_of(page.request).pages
    key = page_key(page)
    entry = pages.get(key)
    if entry is None:
        generation = pages.generation
        page.token_hole = TOKEN_HOLE
        try:
            built = await build()
        finally:
            page.token_hole = None
        if page.rendered is None:
            return built  # no page of ours (a redirect): nothing in it has a hole
        status, body = page.rendered
        entry = CachedResponse(status, body, {}, "", 0.0)
        if status == 200 and not page.degraded:
            entry = pages.put(key, status=status, body=body, headers={}, generation=generation)
    return answer(page, entry, keep_in_history=keep_in_history)


def answer(page: Page, entry: CachedResponse, *, keep_in_history: bool) -> Response:
    """A kept page for this browser: its own form token in the hole, an ETag of what it gets."""
    body, etag = entry.body, entry.etag
    hole = TOKEN_HOLE.encode()
    if hole in body:
        token = page.csrf_token()  # a first visit gets its form cookie here
        body = body.replace(hole, token.encode())
        etag = '"' + hashlib.sha256(f"{entry.etag}|{token}".encode()).hexdigest()[:32] + '"'
    response: Response
    if page.cookies:
        kept = "private, no-cache" if keep_in_history else "no-store"
        response = HTMLResponse(body, status_code=entry.status, headers={"cache-control": kept})
    else:
        response = conditional(page.request, body, status=entry.status, media_type=HTML, etag=etag or None)
        response.headers["cache-control"] = "private, no-cache"
        response.headers["vary"] = "Cookie"
    return apply_cookies(page, response)
