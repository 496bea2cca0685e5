"""Error pages: what a person sees instead of JSON when a page cannot be shown."""

from __future__ import annotations

import inspect
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from radar_gateway.failures import RETRY_AFTER_SECONDS
from radar_gateway.web.render import read_page, render
from radar_gateway.web.services import ServiceError

PROBLEMS = {
    403: ("error.forbidden", "error.forbidden_text"),
    404: ("error.not_found", "error.not_found_text"),
    405: ("error.method", "error.method_text"),
    500: ("error.internal", "error.internal_text"),
    503: ("error.unavailable", "error.unavailable_text"),
}


class PageProblem(Exception):
    """The page cannot be shown: 403, 404 or 503."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class LoginRequired(Exception):
    """The page is for staff: log in first, then come back to `next`."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


async def problem_page(request: Request, status: int) -> Response:
    page = await read_page(request, outage_ok=True)  # Redis away must not break the error page too
    heading, text = PROBLEMS.get(status, PROBLEMS[503])
    response = render(page, "problem.html", status=status, heading=page.t(heading), text=page.t(text))
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


async def error_page(request: Request, status: int) -> Response | None:
    """The HTML error page when a page was asked for; None for the API, which answers JSON."""
    return await problem_page(request, status) if wants_html(request) else None


def wants_html(request: Request) -> bool:
    """Pages answer in HTML; the JSON API, its clients and health checks keep JSON errors."""
    path = request.url.path
    return not path.startswith(("/api/", "/healthz", "/readyz", "/feeds/"))


def install_problem_pages(app: FastAPI) -> None:
    """HTML error pages outside /api, keeping the JSON errors the API answers with."""
    json_http_handler = app.exception_handlers.get(StarletteHTTPException)

    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageProblem)
        return await problem_page(request, exc.status)

    async def on_login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        return RedirectResponse("/anmelden?" + urlencode({"next": exc.next_path}), status_code=303)

    async def on_service_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ServiceError)
        return await problem_page(request, 404 if exc.status == 404 else 503)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if wants_html(request) and exc.status_code in (404, 405):
            page = await problem_page(request, exc.status_code)
            page.headers.update(exc.headers or {})  # Allow on a 405
            return page
        assert json_http_handler is not None
        answer = json_http_handler(request, exc)
        return await answer if inspect.isawaitable(answer) else answer

    app.add_exception_handler(PageProblem, on_problem)
    app.add_exception_handler(LoginRequired, on_login_required)
    app.add_exception_handler(ServiceError, on_service_error)
    app.add_exception_handler(StarletteHTTPException, on_http)
