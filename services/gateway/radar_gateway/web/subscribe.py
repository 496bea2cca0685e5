"""Following by e-mail: the subscribe form, and the pages the links of the mails open.

The form posts to /abonnieren and ends in a redirect back with a notice that reads the same
whether or not the address was known (post/redirect/get); a refusal shows the form again on a
page of its own, with what was typed. The links of the mails (notifications' domain/links.py)
open /subscriptions/confirm, /manage and /unsubscribe with a signed token: confirming happens
on opening; unsubscribing asks first, and its POST is also the RFC 8058 one-click POST of a mail
client, which carries no form token, no cookie and no Origin of ours (security.py lets exactly
that path through). Addresses are notifications'; the gateway only passes them on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import FormData

from radar_gateway.context import gateway_of
from radar_gateway.limits import Kind, take
from radar_gateway.web.pages import PageDep, viewer_principal
from radar_gateway.web.problems import PageProblem
from radar_gateway.web.render import Page, redirect, render
from radar_gateway.web.services import ServiceError, call
from radar_lib.token import Principal
from radar_lib.web import ApiError

router = APIRouter(include_in_schema=False)
SCOPES = ("measure", "field", "all")
MODES = ("immediate", "digest")
PLACE = "abonnieren"  # the form's anchor on every page that has it


@dataclass(frozen=True)
class SubscribeForm:
    """What the subscribe form sent (or shows first)."""

    scope: str
    ref: str
    email: str = ""
    mode: str = "immediate"
    new_comments: bool = False
    language: str = "de"


def _field(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def back_of(kept: SubscribeForm) -> str:
    """The page the form belongs to."""
    return {"measure": f"/massnahmen/{kept.ref}", "field": f"/felder/{kept.ref}"}.get(kept.scope, "/")


def _wait(page: Page, seconds: int) -> str:
    if seconds <= 60:
        return page.t("wait.seconds", n=max(seconds, 1))
    return page.t("wait.minutes", n=math.ceil(seconds / 60))


@router.get("/abonnieren")
async def subscribe_page(page: PageDep, typ: str = "all", id: str = "") -> Response:
    """The form on a page of its own (the radar links here; a refused form comes back here)."""
    if typ not in SCOPES:
        raise PageProblem(404)
    kept = SubscribeForm(scope=typ, ref=id, language=page.lang)
    return render(page, "subscribe_page.html", sub_form=kept, sub_refusal=None)


@router.post("/abonnieren")
async def subscribe(page: PageDep) -> Response:
    """Hand the subscription to notifications; back to the page with the same notice either way.

    Notifications checks scope, address, mode and language: only a measure or field it knows
    comes back here as the page to return to.
    """
    request = page.request
    form = await request.form()
    kept = SubscribeForm(
        scope=_field(form, "scope"),
        ref=_field(form, "ref"),
        email=_field(form, "email").strip(),
        mode=_field(form, "mode") or "immediate",
        new_comments=_field(form, "new_comments") == "1",
        language=_field(form, "language") or page.lang,
    )
    try:
        if not page.csrf_ok(_field(form, "csrf_token")):
            raise ApiError(403, "CSRF_FAILED", "The form token is missing or wrong.")
        await take(request, gateway_of(request), Kind.SUBSCRIBE, None)
        body = {
            "email": kept.email,
            "scope": {"type": kept.scope, "id": kept.ref or None},
            "new_comments": kept.new_comments,
            "language": kept.language,
            "mode": kept.mode,
        }
        who = viewer_principal(page)  # a participant's subscriptions go with their erasure
        await call(request, "notifications", "/subscriptions", method="POST", body=body, principal=who)
    except (ApiError, ServiceError) as exc:
        return _refused(page, kept, exc)
    return redirect(page, f"{back_of(kept)}#{PLACE}", notice="abo_angefragt")


def _refused(page: Page, kept: SubscribeForm, exc: ApiError | ServiceError) -> Response:
    """The form again on its own page with the reason; 503 when notifications is away."""
    if isinstance(exc, ServiceError) and exc.status >= 500:
        raise PageProblem(503) from exc
    wait = exc.extra.get("retry_after") if isinstance(exc, ApiError) else None
    text = page.t("limit.subscriptions", wait=_wait(page, int(wait))) if wait else page.error_text(exc.code)
    response = render(page, "subscribe_page.html", status=exc.status, sub_form=kept, sub_refusal=text)
    if wait:
        response.headers["Retry-After"] = str(wait)
    return response


async def watch_comment(page: Page, principal: Principal, *, comment_id: str, email: str, slug: str) -> bool:
    """Ask notifications to tell the comment's author its decision; False when that could not be set."""
    request = page.request
    body = {"comment_id": comment_id, "email": email.strip(), "language": page.lang, "measure": slug}
    try:
        await take(request, gateway_of(request), Kind.SUBSCRIBE, None)
        await call(request, "notifications", "/comment-watch", method="POST", body=body, principal=principal)
    except (ApiError, ServiceError):
        return False
    return True


# --- the links of the mails -----------------------------------------------------------------------


def scope_text(page: Page, scope: dict[str, Any] | None) -> str:
    """What a subscription follows, as people say it."""
    if not scope:
        return page.t("sub.scope.all")
    return page.t(f"sub.scope.{scope['type']}", title=scope.get("title") or scope.get("id") or "")


def _link_problem(page: Page, exc: ServiceError | ApiError) -> Response:
    """A page that says the link does not work (4xx); 503 when notifications is away."""
    if isinstance(exc, ServiceError) and exc.status >= 500:
        raise PageProblem(503) from exc
    if exc.code == "TOKEN_EXPIRED":
        text = page.t("sub.link_expired")
    elif exc.code == "TOKEN_INVALID":
        text = page.t("sub.link_invalid")
    else:
        text = page.error_text(exc.code)
    return render(page, "subscribe_problem.html", status=exc.status, text=text)


@router.get("/subscriptions/confirm")
async def confirm(page: PageDep, token: str = "") -> Response:
    """Opening the link of the confirmation mail confirms; the page says so."""
    try:
        done = await call(page.request, "notifications", "/subscriptions/confirm", query={"token": token})
    except ServiceError as exc:
        return _link_problem(page, exc)
    return render(page, "subscribe_confirmed.html", done=done, scope=scope_text(page, done.get("scope")))


@router.get("/subscriptions/manage")
async def manage(page: PageDep, token: str = "") -> Response:
    """Every subscription of the link's address, each to change or end, and leaving altogether."""
    try:
        found = await call(page.request, "notifications", "/subscriptions/manage", query={"token": token})
    except ServiceError as exc:
        return _link_problem(page, exc)
    items = [(s, scope_text(page, s["scope"])) for s in found["subscriptions"]]
    action = "/subscriptions/manage?" + urlencode({"token": token})
    return render(page, "subscribe_manage.html", found=found, items=items, action=action, modes=MODES)


@router.post("/subscriptions/manage")
async def change(page: PageDep, token: str = "") -> Response:
    """Change one subscription, end one, or leave all (the address is then forgotten)."""
    request = page.request
    form = await request.form()
    action = _field(form, "action")
    item: dict[str, Any] = {"id": _field(form, "id")}
    if action == "change":
        item |= {"mode": _field(form, "mode") or None, "new_comments": _field(form, "new_comments") == "1"}
    else:
        item["remove"] = True
    try:
        if not page.csrf_ok(_field(form, "csrf_token")):
            raise ApiError(403, "CSRF_FAILED", "The form token is missing or wrong.")
        query = {"token": token}
        if action == "leave":
            await call(request, "notifications", "/subscriptions/manage", method="DELETE", query=query)
            return redirect(page, "/", notice="abos_beendet")
        if action not in ("change", "remove"):
            raise ApiError(422, "VALIDATION_FAILED", "The action is change, remove or leave.")
        changes = {"subscriptions": [{k: v for k, v in item.items() if v is not None}]}
        await call(
            request, "notifications", "/subscriptions/manage", method="PATCH", query=query, body=changes
        )
    except (ApiError, ServiceError) as exc:
        return _link_problem(page, exc)
    return redirect(page, "/subscriptions/manage?" + urlencode({"token": token}), notice="abo_geaendert")


@router.get("/subscriptions/unsubscribe")
async def ask_unsubscribe(page: PageDep, token: str = "") -> Response:
    """The unsubscribe link of a mail, opened: what it ends, and a button to end it."""
    try:
        found = await call(
            page.request, "notifications", "/subscriptions/unsubscribe", query={"token": token}
        )
    except ServiceError as exc:
        return _link_problem(page, exc)
    action = "/subscriptions/unsubscribe?" + urlencode({"token": token})
    scope = scope_text(page, found.get("scope"))
    return render(page, "subscribe_unsubscribe.html", found=found, scope=scope, action=action, done=False)


@router.post("/subscriptions/unsubscribe")
async def unsubscribe(page: PageDep, token: str = "") -> Response:
    """End the subscription: the page's button, or a mail client's RFC 8058 one-click POST (no form token)."""
    query = {"token": token}
    try:
        await call(page.request, "notifications", "/subscriptions/unsubscribe", method="POST", query=query)
    except ServiceError as exc:
        return _link_problem(page, exc)
    return render(page, "subscribe_unsubscribe.html", found={}, scope="", action="", done=True)
