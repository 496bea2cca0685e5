"""No request ends in a bare 500: whatever escapes a route leaves as a documented answer.

A server away (PostgreSQL or Redis refused, timed out, still loading; sorted once in
`radar_lib.failures.is_transient`) is an outage, not a bug: it answers 503 UNAVAILABLE with
Retry-After. Anything else is 500 INTERNAL, logged with its traceback. Pages may get an
HTML error page (the gateway's), everything else `{"error": CODE, "message": ...}`. Added
as the innermost middleware, its answers pass through the others (security headers,
metrics); Starlette's own last resort sits outside every middleware and answers in plain
text, and re-raises.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from radar_lib.failures import is_transient
from radar_lib.web import error_response

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 10

# the HTML page for a status when the request is for a page; None when it wants JSON
ErrorPage = Callable[[Request, int], Awaitable[Response | None]]


async def _no_page(request: Request, status: int) -> Response | None:
    return None


class LastResort:
    """Turns an exception no handler took into 503 UNAVAILABLE (a server away) or 500 INTERNAL."""

    def __init__(self, app: ASGIApp, *, error_page: ErrorPage = _no_page) -> None:
        self.app = app
        self.error_page = error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if started:  # half an answer is out; nothing better can follow it
                raise
            response = await self._answer(Request(scope, receive), exc)
            await response(scope, receive, send)

    async def _answer(self, request: Request, exc: Exception) -> Response:
        away = is_transient(exc)
        where = f"{request.method} {request.url.path}"
        if away:
            log.warning("a server is away; %s answered 503: %s", where, exc)
        else:
            log.error("unexpected error in %s", where, exc_info=exc)
        status = 503 if away else 500
        try:
            page = await self.error_page(request, status)
        except Exception:
            log.exception("the error page for %s failed too; answering JSON", where)
            page = None
        if page is not None:
            response = page
        elif away:
            response = error_response(
                503, "UNAVAILABLE", "A server this needs is away; please try again shortly."
            )
        else:
            response = error_response(500, "INTERNAL", "Something went wrong on our side.")
        if away:
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
