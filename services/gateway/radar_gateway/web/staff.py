"""Staff pages: log-in (landing on the role's home) and log-out, and the measure editor (editors, admins)."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from radar_gateway.context import gateway_of
from radar_gateway.logins import log_in
from radar_gateway.numbers import page_number, whole_number
from radar_gateway.sessions import CSRF_COOKIE, SESSION_COOKIE, close_session
from radar_gateway.web.editor_form import MeasureForm, from_measure, read_form
from radar_gateway.web.links import Slug, local_target, routed_path
from radar_gateway.web.problems import LoginRequired, PageProblem
from radar_gateway.web.render import Page, page_of, redirect, render
from radar_gateway.web.services import ServiceError, call, together, vocabulary
from radar_gateway.web.views import ListPage, with_page
from radar_lib.token import Principal
from radar_lib.web import ApiError

router = APIRouter(include_in_schema=False)
PageDep = Annotated[Page, Depends(page_of)]
EMAIL_MAX, PASSWORD_MAX = 254, 1024
EMPTY_MEASURE: dict[str, Any] = {
    **dict.fromkeys(("title", "summary", "description", "field"), ""),
    **dict.fromkeys(("start_year", "end_year", "progress", "lead")),
    "status": "unbekannt",
    "principles": [],
    "goals": [],
}


# the staff areas, most specific first, and the roles that open each
STAFF_AREAS = (
    ("/moderation/protokoll", frozenset({"admin"})),
    ("/moderation", frozenset({"moderator", "admin"})),
    ("/redaktion", frozenset({"editor", "admin"})),
)


def home_of(roles: frozenset[str]) -> str:
    """Where a staff member starts: editors and admins in the editor, moderators in the queue."""
    if roles & {"editor", "admin"}:
        return "/redaktion"
    return "/moderation" if "moderator" in roles else "/"


def landing(target: str | None, roles: frozenset[str]) -> str:
    """Where a log-in leads: `next` if these roles may open it, else the roles' home (never a 403)."""
    path = local_target(target)
    if path is None:
        return home_of(roles)
    bare = path.partition("?")[0]
    for area, opening in STAFF_AREAS:
        if bare == area or bare.startswith(area + "/"):
            return path if roles & opening else home_of(roles)
    return path


@router.get("/anmelden")
async def login_page(page: PageDep, next: str | None = None) -> Response:
    """The staff log-in form; without `next` it leads to the home of the account's role."""
    return render(page, "login.html", next=local_target(next) or "", email="", error=None)


@router.post("/anmelden")
async def login(page: PageDep) -> Response:
    """Check e-mail and password as the API does (logins.log_in); open a session."""
    s = gateway_of(page.request).settings
    form = await page.request.form()
    email = str(form.get("email", "")).strip()[:EMAIL_MAX]
    password = str(form.get("password", ""))[:PASSWORD_MAX]
    target = local_target(str(form.get("next", ""))) or ""
    if not page.csrf_ok(str(form.get("csrf_token", ""))):
        return render(page, "login.html", status=403, next=target, email=email, error=page.t("error.csrf"))
    try:
        token, session = await log_in(page.request, email=email, password=password)
    except ApiError as exc:
        return _login_refused(page, exc, target=target, email=email)
    response = redirect(page, landing(target, session.roles), notice="angemeldet")
    for name, value, http_only in ((SESSION_COOKIE, token, True), (CSRF_COOKIE, session.csrf, False)):
        response.set_cookie(
            name,
            value,
            max_age=s.session_hours * 3600,
            httponly=http_only,
            samesite="lax",
            secure=s.secure_cookies,
            path="/",
        )
    return response


def _login_refused(page: Page, refusal: ApiError, *, target: str, email: str) -> Response:
    """The form again with the reason a log-in was refused; 503 (too many at once) as its error page."""
    if refusal.status == 503:
        raise PageProblem(503)
    error, wait = page.t("login.failed"), None
    if refusal.status == 429:
        wait = int(refusal.extra["retry_after"])
        error = page.t("login.blocked", minutes=max(1, (wait + 59) // 60))
    elif refusal.status == 422:  # not an e-mail address: not shown back either
        email, error = "", page.error_text(refusal.code)
    response = render(page, "login.html", status=refusal.status, next=target, email=email, error=error)
    if wait is not None:
        response.headers["Retry-After"] = str(wait)
    return response


@router.get("/abmelden")
async def logout_page(page: PageDep) -> Response:
    """Asks before logging out: a log-out is a change, so it is a POST with the session's token."""
    if page.session is None:
        return redirect(page, "/")
    return render(page, "logout.html")


@router.post("/abmelden")
async def logout(page: PageDep) -> Response:
    """Close the staff session."""
    form = await page.request.form()
    if page.session is not None:
        if not page.csrf_ok(str(form.get("csrf_token", ""))):
            return render(page, "logout.html", status=403, error=page.t("error.csrf"))
        gw = gateway_of(page.request)
        await close_session(
            gw.redis, page.request.cookies.get(SESSION_COOKIE), key=gw.settings.session_id_key
        )
    response = redirect(page, "/", notice="abgemeldet")
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


def _staff_member(page: Page, *, has_role: bool) -> Principal:
    """The logged-in staff member if `has_role`; log-in first for anyone else, 403 for staff without it."""
    if page.session_unknown:  # Redis is away: the session may well exist, but nobody can tell now
        raise PageProblem(503)
    if page.session is None:
        # a form sent after the session ended cannot be sent again by a redirect: back to the role's home
        raise LoginRequired(routed_path(page.request) if page.request.method in ("GET", "HEAD") else "")
    if not has_role:
        raise PageProblem(403)
    return Principal(kind="staff", id=page.session.staff_id, roles=page.session.roles)


def editor_of(page: Page) -> Principal:
    """The logged-in editor (or admin)."""
    return _staff_member(page, has_role=page.is_editor)


def moderator_of(page: Page) -> Principal:
    """The logged-in moderator (or admin)."""
    return _staff_member(page, has_role=page.is_moderator)


def admin_of(page: Page) -> Principal:
    """The logged-in admin."""
    return _staff_member(page, has_role=page.is_admin)


@router.get("/redaktion")
async def editor_home(page: PageDep) -> Response:
    """Every measure, archived ones too, each with a link to its edit form."""
    who = editor_of(page)
    number = page_number(page.request.query_params.get("seite"))
    size = gateway_of(page.request).settings.list_page_size
    query = {"archived": "true", "page": number, "per_page": size}
    answer = await call(page.request, "catalog", "/measures", query=query, principal=who)
    measures = sorted(answer["items"], key=lambda m: (m["archived"], m["title"].casefold()))
    listing = ListPage(number=number, total=answer["total"], size=size)
    page_url = partial(with_page, "/redaktion")
    return render(page, "editor_list.html", measures=measures, listing=listing, page_url=page_url)


async def _form_page(
    page: Page, form: MeasureForm, *, measure: dict[str, Any] | None, status: int = 200
) -> Response:
    fields, known = await together(call(page.request, "catalog", "/fields"), vocabulary(page.request))
    context = {"form": form, "measure": measure, "fields": fields["items"], "vocabulary": known}
    return render(page, "editor_form.html", status=status, **context)


async def _goals_by_field(page: Page) -> dict[str, list[str]]:
    fields = await call(page.request, "catalog", "/fields")
    return {f["slug"]: [g["slug"] for g in f["goals"]] for f in fields["items"]}


@router.get("/redaktion/massnahmen/neu")
async def new_measure_page(page: PageDep) -> Response:
    """The form for a new measure."""
    editor_of(page)
    form = MeasureForm(values=dict(EMPTY_MEASURE))
    return await _form_page(page, form, measure=None)


@router.post("/redaktion/massnahmen/neu")
async def create_measure(page: PageDep) -> Response:
    """Create the measure in the catalog; its refusal comes back next to the form."""
    who = editor_of(page)
    posted = await page.request.form()
    form = read_form(posted, goals_by_field=await _goals_by_field(page))
    if not page.csrf_ok(str(posted.get("csrf_token", ""))):
        form.refuse("CSRF_FAILED")
    if not form.errors:
        body = form.payload() | ({"slug": form.slug} if form.slug else {})
        try:
            created = await call(
                page.request, "catalog", "/measures", method="POST", body=body, principal=who
            )
        except ServiceError as exc:
            if exc.status >= 500:
                raise
            form.refuse(exc.code)
        else:
            return redirect(page, f"/redaktion/massnahmen/{created['slug']}", notice="angelegt")
    return await _form_page(page, form, measure=None, status=422)


async def _measure_for_staff(page: Page, slug: str, who: Principal) -> dict[str, Any]:
    measure: dict[str, Any] = await call(page.request, "catalog", f"/measures/{slug}", principal=who)
    return measure


@router.get("/redaktion/massnahmen/{slug}")
async def edit_measure_page(slug: Slug, page: PageDep) -> Response:
    """The edit form of a measure, filled with its current state."""
    who = editor_of(page)
    measure = await _measure_for_staff(page, slug, who)
    return await _form_page(page, from_measure(measure), measure=measure)


@router.post("/redaktion/massnahmen/{slug}")
async def change_measure(slug: Slug, page: PageDep) -> Response:
    """Send the change, with its note, to the catalog as the next version of the measure."""
    who = editor_of(page)
    measure = await _measure_for_staff(page, slug, who)
    posted = await page.request.form()
    form = read_form(posted, goals_by_field=await _goals_by_field(page))
    form.slug = measure["slug"]
    if not page.csrf_ok(str(posted.get("csrf_token", ""))):
        form.refuse("CSRF_FAILED")
    if not form.errors:
        body = form.payload() | {"expected_version": form.expected_version}
        try:
            await call(page.request, "catalog", f"/measures/{slug}", method="PATCH", body=body, principal=who)
        except ServiceError as exc:
            if exc.status >= 500:
                raise
            form.refuse(exc.code)
        else:
            return redirect(page, f"/redaktion/massnahmen/{slug}", notice="gespeichert")
    return await _form_page(
        page, form, measure=measure, status=409 if "VERSION_CONFLICT" in form.errors.values() else 422
    )


@router.get("/redaktion/massnahmen/{slug}/archivieren")
async def archive_page(slug: Slug, page: PageDep) -> Response:
    """Asks for confirmation and a change note before archiving."""
    who = editor_of(page)
    measure = await _measure_for_staff(page, slug, who)
    return render(page, "archive.html", measure=measure, change_note="", error=None)


@router.post("/redaktion/massnahmen/{slug}/archivieren")
async def archive(slug: Slug, page: PageDep) -> Response:
    """Archive the measure in the catalog."""
    who = editor_of(page)
    measure = await _measure_for_staff(page, slug, who)
    posted = await page.request.form()
    note = str(posted.get("change_note", "")).strip()
    error = None if page.csrf_ok(str(posted.get("csrf_token", ""))) else "CSRF_FAILED"
    if error is None:
        version = str(posted.get("expected_version", ""))
        body = {"change_note": note, "expected_version": whole_number(version)}
        try:
            await call(
                page.request, "catalog", f"/measures/{slug}/archive", method="POST", body=body, principal=who
            )
        except ServiceError as exc:
            if exc.status >= 500:
                raise
            error = exc.code
        else:
            return redirect(page, "/redaktion", notice="archiviert")
    return render(page, "archive.html", status=422, measure=measure, change_note=note, error=error)
