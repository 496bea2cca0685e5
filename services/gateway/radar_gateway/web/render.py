"""What every page shares: its language, the staff session, form tokens, notices and rendering."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from radar_gateway.context import gateway_of
from radar_gateway.failures import REDIS_AWAY
from radar_gateway.limits import client_key
from radar_gateway.numbers import whole_number
from radar_gateway.security_log import Event, record
from radar_gateway.sessions import SESSION_COOKIE, Session, load_session
from radar_gateway.web.i18n import (
    LANG_COOKIE,
    Translate,
    has_text,
    other_languages,
    page_gettext,
    page_ngettext,
    pick_language,
    translator,
)
from radar_gateway.web.links import routed_path
from radar_gateway.web.radar_layout import RING_ORDER
from radar_gateway.web.radar_svg import status_symbol
from radar_gateway.web.validators import conditional

STATIC = Path(__file__).parent / "static"
R = TypeVar("R", bound=Response)
FORM_COOKIE = "radar_form"
DATA_LANGUAGE = "de"  # the language the catalog's texts and the comments are written in
NOTICE_COOKIE = "radar_hinweis"  # a notice for the next page: signed, shown once, then cleared
NOTICE_SECONDS = 60
NOTICES = {  # the notice after a redirect: a fixed key picks a fixed text
    "kommentar": "notice.comment_pending",
    "angemeldet": "notice.logged_in",
    "abgemeldet": "notice.logged_out",
    "gespeichert": "notice.saved",
    "angelegt": "notice.created",
    "archiviert": "notice.archived",
}


def notice_of(key: str) -> str | None:
    """The text key of a notice: one of NOTICES, or `notice.<key>` when such a text exists."""
    if key in NOTICES:
        return NOTICES[key]
    return f"notice.{key}" if key.isidentifier() and has_text(f"notice.{key}") else None


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("radar_gateway.web", "templates"),
        autoescape=True,  # every text from a service or a user is escaped on output
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.add_extension("jinja2.ext.i18n")  # _("key", name=value) in templates: the page's t
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=page_gettext, ngettext=page_ngettext, newstyle=False
    )
    env.globals.update(other_languages=other_languages)
    env.globals.update(static=static_url, statuses=RING_ORDER, status_symbol=_symbol)
    return env


def _symbol(status: str) -> Markup:
    return Markup(status_symbol(status))  # noqa: S704 - ElementTree escaped it; no user text in it


@cache
def static_url(name: str) -> str:
    """The address of a static file, with a version so that a changed file is fetched anew."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]
    return f"/static/{name}?v={digest}"


@dataclass
class Page:
    """One request's view of the site: language, staff session, form token, cookies to set."""

    request: Request
    lang: str
    t: Translate
    session: Session | None
    session_unknown: bool = False  # a session cookie came while Redis was away: shown what anyone sees
    cookies: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # to set: value, max-age
    token_hole: str | None = None  # rendering for the page cache: forms carry this in place of a token
    rendered: tuple[int, bytes] | None = None  # what render() made for the page cache: status, body
    degraded: bool = False  # a part could not be had (a service away): the page is shown, never kept

    @property
    def form_key(self) -> bytes:
        return gateway_of(self.request).settings.form_token_key

    @property
    def is_editor(self) -> bool:
        return self.session is not None and bool({"editor", "admin"} & self.session.roles)

    @property
    def is_moderator(self) -> bool:
        return self.session is not None and bool({"moderator", "admin"} & self.session.roles)

    @property
    def is_admin(self) -> bool:
        return self.session is not None and "admin" in self.session.roles

    def csrf_token(self) -> str:
        """The token a form of this page carries: the session's for staff, else a signed per-browser one."""
        if self.session is not None:
            return self.session.csrf
        if self.token_hole is not None:
            return self.token_hole  # each browser's own token is filled in where the page is served
        nonce = self.request.cookies.get(FORM_COOKIE) or self.cookies.get(FORM_COOKIE, ("", None))[0]
        if not nonce or len(nonce) > 64:
            nonce = secrets.token_urlsafe(18)
            self.cookies[FORM_COOKIE] = (nonce, None)
        return _signed(nonce, self.form_key)

    def csrf_ok(self, sent: str | None) -> bool:
        """True if a posted form carries this browser's token; a refusal goes to the security log."""
        if sent and self.session is not None:
            ok = hmac.compare_digest(sent.encode(), self.session.csrf.encode())
        elif sent and (nonce := self.request.cookies.get(FORM_COOKIE)):
            ok = hmac.compare_digest(sent.encode(), _signed(nonce, self.form_key).encode())
        else:
            ok = False
        if not ok:
            address = client_key(self.request, gateway_of(self.request).settings.address_hash_key)
            staff_id = str(self.session.staff_id) if self.session else None
            record(Event.CSRF_FAILED, address=address, method=self.request.method,
                   path=self.request.url.path, staff_id=staff_id)  # fmt: skip
        return ok

    def url_with(self, **changes: str | None) -> str:
        """This page's address with some query parameters changed (None removes one)."""
        params = dict(self.request.query_params)
        params.update({k: v for k, v in changes.items() if v is not None})
        for k in [k for k, v in changes.items() if v is None]:
            params.pop(k, None)
        query = urlencode(params)
        return routed_path(self.request) + (f"?{query}" if query else "")

    @property
    def data_lang(self) -> Markup:
        """` lang="de"` on catalog and participant texts when the page is not German (they are)."""
        return Markup("") if self.lang == DATA_LANGUAGE else Markup(f' lang="{DATA_LANGUAGE}"')  # noqa: S704

    def error_text(self, code: str) -> str:
        """What an error code means, in the page's language."""
        text = self.t(f"err.{code}")
        return self.t("err.generic", code=code) if text == f"err.{code}" else text

    def date(self, iso: str | None) -> str:
        """A timestamp as the language writes dates."""
        if not iso:
            return self.t("unknown")
        moment = datetime.fromisoformat(iso)
        return moment.strftime("%d.%m.%Y" if self.lang == "de" else "%Y-%m-%d")


def _signed(nonce: str, key: bytes, *, purpose: bytes = b"radar-form") -> str:
    return hmac.digest(key, purpose + b"|" + nonce.encode(), "sha256").hex()[:40]


def notice_cookie(notice: str, *, key: bytes, now: float) -> str:
    """The value of the notice cookie: the notice key and when it was given, signed."""
    content = f"{notice}.{int(now)}"
    return f"{content}.{_signed(content, key, purpose=b'radar-notice')}"


def read_notice(cookie: str | None, *, key: bytes, now: float) -> str | None:
    """The text key of a notice cookie that this gateway signed less than NOTICE_SECONDS ago."""
    content, _, signature = (cookie or "").rpartition(".")
    notice, _, given = content.partition(".")
    if not (
        whole_number(given) is not None
        and hmac.compare_digest(signature, _signed(content, key, purpose=b"radar-notice"))
    ):
        return None
    return notice_of(notice) if 0 <= now - int(given) <= NOTICE_SECONDS else None


async def page_of(request: Request) -> Page:
    """The Page of a request (a FastAPI dependency); while Redis is away a read is shown as to anyone."""
    return await read_page(request, outage_ok=request.method in ("GET", "HEAD"))


async def read_page(request: Request, *, outage_ok: bool) -> Page:
    """The Page of a request; with outage_ok a session Redis cannot tell about now is left unknown."""
    lang, remember = pick_language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))
    page = visitor_page(request, lang=lang, remember=remember)
    if token := request.cookies.get(SESSION_COOKIE):
        try:
            gw = gateway_of(request)
            page.session = await load_session(gw.redis, token, key=gw.settings.session_id_key)
        except REDIS_AWAY:
            if not outage_ok:
                raise
            page.session_unknown = True
    return page


def visitor_page(request: Request, *, lang: str, remember: bool) -> Page:
    """The Page of a request without a session, in the language pick_language chose (and whether
    the language cookie must be set)."""
    page = Page(request=request, lang=lang, t=translator(lang), session=None)
    if remember:
        page.cookies[LANG_COOKIE] = (lang, 365 * 86400)
    return page


def apply_cookies(page: Page, response: R) -> R:
    """Set the cookies the page collected: HttpOnly, SameSite=Lax, Secure outside development."""
    if page.cookies:
        secure = gateway_of(page.request).settings.secure_cookies
        response.raw_headers.extend(
            cookie_header(name, value, max_age=max_age, secure=secure)
            for name, (value, max_age) in page.cookies.items()
        )
    return response


_QUOTING = SimpleCookie()  # only for its value_encode: a value quoted as http.cookies quotes it


def cookie_header(name: str, value: str, *, max_age: int | None, secure: bool) -> tuple[bytes, bytes]:
    """The Set-Cookie header of one of our cookies, word for word as Starlette's set_cookie writes it
    (HttpOnly, Path=/, SameSite=lax), without building a SimpleCookie for each: a first visit pays it."""
    parts = [f"{name}={_QUOTING.value_encode(value)[1]}", "HttpOnly"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    parts += ["Path=/", "SameSite=lax"]
    if secure:
        parts.append("Secure")
    return b"set-cookie", "; ".join(parts).encode("latin-1")


def render(page: Page, template: str, *, status: int = 200, **context: Any) -> Response:
    """A template rendered in the page's language, with the one-time notice the last redirect left.

    A page for anyone but a staff session gets a strong ETag of its body and answers 304 to a
    browser that holds exactly this body; `private` keeps it out of shared caches, since the
    language, the form token and the participant's own comments come from cookies.
    """
    notice_key = None
    if NOTICE_COOKIE in page.request.cookies:
        notice_key = read_notice(page.request.cookies[NOTICE_COOKIE], key=page.form_key, now=time.time())
        page.cookies[NOTICE_COOKIE] = ("", 0)
    html = (
        _environment()
        .get_template(template)
        .render(
            page=page, t=page.t, lang=page.lang, notice=page.t(notice_key) if notice_key else None, **context
        )
    )
    if page.token_hole is not None:
        page.rendered = (status, html.encode())
    response: Response
    if page.session is not None or page.cookies:
        response = HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})
    else:
        response = conditional(page.request, html.encode(), status=status, media_type="text/html")
        response.headers["cache-control"] = "private, no-cache"
        response.headers["vary"] = "Cookie"
    return apply_cookies(page, response)


def redirect(page: Page, target: str, *, notice: str | None = None) -> RedirectResponse:
    """303 See Other to a local address; a notice key goes along in a short-lived signed cookie."""
    if notice is not None:
        page.cookies[NOTICE_COOKIE] = (
            notice_cookie(notice, key=page.form_key, now=time.time()),
            NOTICE_SECONDS,
        )
    return apply_cookies(page, RedirectResponse(target, status_code=303))
