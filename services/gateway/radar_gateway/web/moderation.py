"""The moderators' pages: the queue of submitted comments, the report queue and the audit log.

Everything works without JavaScript: each action is a plain form whose answer is a redirect
back to its list (keeping the flag filter and the page), with a notice and the anchor of the
item to go on with. A refusal of the moderation service is shown on the list with its text and
error code. The rules (leases, states, reasons) are moderation's; these pages forward, render
and guard: the queue and the reports for moderators, the audit log for admins.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

import asyncpg
from fastapi import APIRouter, Depends
from fastapi.responses import Response
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from radar_gateway import accounts
from radar_gateway.context import gateway_of
from radar_gateway.web.render import Page, page_of, redirect, render
from radar_gateway.web.services import ServiceError, call, together
from radar_gateway.web.staff import admin_of, moderator_of
from radar_lib.token import Principal

router = APIRouter(include_in_schema=False)
PageDep = Annotated[Page, Depends(page_of)]
PER_PAGE = {"queue": 20, "reports": 20, "audit": 50}
LAST_PAGE = 10_000  # the services page no further
EXCERPT = 40
FLAG, PAGE_NUMBER = re.compile(r"[A-Za-z0-9_]{1,40}"), re.compile(r"[1-9][0-9]{0,4}")
QUEUE, REPORTS, AUDIT = "/moderation", "/moderation/meldungen", "/moderation/protokoll"
QUEUE_NOTICES = {"approve": "freigegeben", "reject": "abgelehnt"}  # the queue's decisions
ACTIONS = {  # the audit log's actions, in words
    "queued": "mod.action.queued",
    "approve": "mod.action.approved",
    "reject": "mod.action.rejected",
    "hide": "mod.action.hidden",
    "dismiss": "mod.action.dismissed",
    "withdrawn": "mod.action.withdrawn",
}


def comment_id_of(comment_id: str) -> uuid.UUID:
    """The comment named in the path; anything but a UUID names no page (404)."""
    try:
        return uuid.UUID(comment_id)
    except ValueError:
        raise HTTPException(404, "There is no such page.") from None


CommentId = Annotated[uuid.UUID, Depends(comment_id_of)]


@dataclass(frozen=True)
class Place:
    """Where on a list a form was sent from: the flag filter, the page, the item to go on with."""

    flag: str | None = None
    number: int = 1
    anchor: str | None = None

    @classmethod
    def read(cls, values: Any) -> Place:
        flag = str(values.get("flag") or "")
        number = str(values.get("seite") or "1")
        anchor = str(values.get("weiter") or "")
        return cls(
            flag=flag if FLAG.fullmatch(flag) else None,
            number=min(int(number), LAST_PAGE) if PAGE_NUMBER.fullmatch(number) else 1,
            anchor=anchor if _is_uuid(anchor) else None,
        )

    def url(self, base: str) -> str:
        query = {"flag": self.flag, "seite": str(self.number) if self.number > 1 else None}
        kept = urlencode({k: v for k, v in query.items() if v})
        return base + (f"?{kept}" if kept else "") + (f"#k-{self.anchor}" if self.anchor else "")


@dataclass(frozen=True)
class Refusal:
    """What moderation (or the page) refused, on which comment, and what the form held."""

    code: str
    comment_id: str | None = None
    reason: str = ""
    note: str = ""


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _text(form: FormData, name: str) -> str:
    return str(form.get(name, "")).strip()


def moment(page: Page, iso: str | None) -> str:
    """A timestamp as the page's language writes date and time (in UTC, as the services keep it)."""
    if not iso:
        return page.t("unknown")
    at = datetime.fromisoformat(iso)
    return page.t("mod.time", date=page.date(iso), time=at.strftime("%H:%M"))


def excerpt(text: str | None) -> str:
    """The start of a comment, on one line, to name it in buttons and messages."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1].rstrip() + "…"


async def staff_emails(page: Page, ids: set[str]) -> dict[str, str]:
    """The e-mail addresses of these staff accounts (the gateway keeps the accounts); {} if it cannot say."""
    wanted = [uuid.UUID(i) for i in ids if i and _is_uuid(i)]
    if not wanted:
        return {}
    try:
        return await accounts.staff_emails(gateway_of(page.request).pool, wanted)
    except (OSError, asyncpg.PostgresError):  # the ids are shown instead
        return {}


async def _vocabulary(page: Page, who: Principal) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The flags' labels by code, and the netiquette's clauses (code, title, text), in the page's language."""
    kinds, netiquette = await together(
        call(page.request, "moderation", "/moderation/flags", principal=who),
        call(page.request, "moderation", "/netiquette"),
    )
    labels = {k["code"]: k["label"].get(page.lang, k["label"]["de"]) for k in kinds["flags"]}
    clauses = [
        {"code": c["code"], "title": c["title"].get(page.lang, c["title"]["de"]),
         "text": c["text"].get(page.lang, c["text"]["de"])}
        for c in netiquette["clauses"]
    ]  # fmt: skip
    return labels, clauses


def _paging(total: int, *, number: int, per_page: int) -> dict[str, int]:
    return {"number": number, "pages": max(1, -(-total // per_page)), "offset": (number - 1) * per_page}


async def _queue_page(
    page: Page, who: Principal, *, place: Place, status: int = 200, refusal: Refusal | None = None
) -> Response:
    labels, clauses = await _vocabulary(page, who)
    flag = place.flag if place.flag in labels else None
    if place.flag is not None and flag is None and refusal is None:
        status, refusal = 422, Refusal("FLAG_UNKNOWN")
    query = {"flag": flag, "page": place.number, "per_page": PER_PAGE["queue"]}
    queue = await call(page.request, "moderation", "/moderation/queue", query=query, principal=who)
    items = queue["items"]
    emails = await staff_emails(page, {i["claim"]["moderator_id"] for i in items if i["claim"]})
    paging = _paging(queue["total"], number=place.number, per_page=PER_PAGE["queue"])
    names = {i["comment_id"]: (paging["offset"] + n + 1, excerpt(i["body"])) for n, i in enumerate(items)}
    return render(
        page, "moderation_queue.html", status=status, items=items, total=queue["total"], labels=labels,
        clauses=clauses, clause_of={c["code"]: c for c in clauses}, flag=flag, paging=paging, names=names,
        emails=emails, refusal=refusal, me=str(who.id), moment=moment,
        page_url=lambda number: Place(flag=flag, number=number).url(QUEUE),
    )  # fmt: skip


@router.get("/moderation")
async def queue_page(page: PageDep) -> Response:
    """The queue: pending comments, oldest first, with their flags and actions."""
    who = moderator_of(page)
    return await _queue_page(page, who, place=Place.read(page.request.query_params))


async def _act(
    page: Page, who: Principal, *, path: str, body: dict[str, Any] | None, back: str, notice: str,
    kept: Refusal,
) -> Response:  # fmt: skip
    """Send one action to moderation: back to the list with a notice, or the list again with the refusal.

    `kept` names the comment and what its form held, to show them again beside a refusal.
    """
    form = await page.request.form()
    place = Place.read(form)
    code = None if page.csrf_ok(_text(form, "csrf_token")) else "CSRF_FAILED"
    status = 403
    if code is None:
        try:
            await call(page.request, "moderation", path, method="POST", body=body, principal=who)
        except ServiceError as exc:
            if exc.status >= 500:
                raise
            code, status = exc.code, exc.status
        else:
            return redirect(page, place.url(back), notice=notice)
    refusal = Refusal(code, kept.comment_id, reason=kept.reason, note=kept.note)
    if back == REPORTS:
        return await _reports_page(page, who, place=place, status=status, refusal=refusal)
    return await _queue_page(page, who, place=place, status=status, refusal=refusal)


async def _decision_form(page: Page, comment_id: uuid.UUID) -> tuple[dict[str, Any], Refusal]:
    """The decision a form sends (decision, reason, note), and what to show again if it is refused."""
    form = await page.request.form()
    decision, reason, note = _text(form, "decision"), _text(form, "reason"), _text(form, "note")
    body = {"decision": decision, "reason": reason or None, "note": note or None}
    return body, Refusal("", str(comment_id), reason=reason, note=note)


@router.post("/moderation/kommentare/{comment_id}/uebernehmen")
async def claim(comment_id: CommentId, page: PageDep) -> Response:
    """Take the lease on a comment; back to it in the queue."""
    who = moderator_of(page)
    return await _act(page, who, path=f"/moderation/comments/{comment_id}/claim", body=None, back=QUEUE,
                      notice="uebernommen", kept=Refusal("", str(comment_id)))  # fmt: skip


@router.post("/moderation/kommentare/{comment_id}/entscheidung")
async def decide(comment_id: CommentId, page: PageDep) -> Response:
    """Approve, or reject with a netiquette clause and an optional note; on to the next item."""
    who = moderator_of(page)
    body, kept = await _decision_form(page, comment_id)
    notice = QUEUE_NOTICES.get(body["decision"])
    if notice is None:  # hiding a published comment belongs to the report queue
        place = Place.read(await page.request.form())
        refusal = Refusal("DECISION_UNKNOWN", str(comment_id))
        return await _queue_page(page, who, place=place, status=422, refusal=refusal)
    return await _act(page, who, path=f"/moderation/comments/{comment_id}/decision", body=body, back=QUEUE,
                      notice=notice, kept=kept)  # fmt: skip


@router.post("/moderation/sammelfreigabe")
async def approve_selected(page: PageDep) -> Response:
    """Approve every selected comment, or none of them (moderation's BULK_REFUSED)."""
    who = moderator_of(page)
    form = await page.request.form()
    body = {"ids": [str(i) for i in form.getlist("ids")], "decision": "approve"}
    return await _act(page, who, path="/moderation/comments/bulk-decision", body=body, back=QUEUE,
                      notice="alle_freigegeben", kept=Refusal(""))  # fmt: skip


async def _reports_page(
    page: Page, who: Principal, *, place: Place, status: int = 200, refusal: Refusal | None = None
) -> Response:
    query = {"page": place.number, "per_page": PER_PAGE["reports"]}
    (_, clauses), reported = await together(
        _vocabulary(page, who),
        call(page.request, "moderation", "/moderation/reports", query=query, principal=who),
    )
    items = reported["items"]
    paging = _paging(reported["total"], number=place.number, per_page=PER_PAGE["reports"])
    names = {i["comment_id"]: (paging["offset"] + n + 1, excerpt(i["body"])) for n, i in enumerate(items)}
    return render(
        page, "moderation_reports.html", status=status, items=items, total=reported["total"],
        clauses=clauses, clause_of={c["code"]: c for c in clauses}, paging=paging, names=names,
        refusal=refusal, moment=moment, page_url=lambda number: Place(number=number).url(REPORTS),
    )  # fmt: skip


@router.get("/moderation/meldungen")
async def reports_page(page: PageDep) -> Response:
    """The report queue: published comments that citizens reported, with how many and why."""
    who = moderator_of(page)
    return await _reports_page(page, who, place=Place.read(page.request.query_params))


@router.post("/moderation/meldungen/{comment_id}/entscheidung")
async def decide_reports(comment_id: CommentId, page: PageDep) -> Response:
    """Hide the reported comment with a clause, or dismiss its reports."""
    who = moderator_of(page)
    body, kept = await _decision_form(page, comment_id)
    notice = "ausgeblendet" if body["decision"] == "hide" else "meldung_verworfen"
    return await _act(page, who, path=f"/moderation/reports/{comment_id}/decision", body=body, back=REPORTS,
                      notice=notice, kept=kept)  # fmt: skip


def _audit_rows(
    page: Page, items: list[dict[str, Any]], *, emails: dict[str, str], labels: dict[str, str],
    titles: dict[str, str],
) -> list[dict[str, Any]]:  # fmt: skip
    """The audit log's entries in words: who (an e-mail where the account is known), what, why."""
    rows = []
    for entry in items:
        actor, details = entry["actor"], entry["details"]
        who = page.t("mod.audit.system") if actor["kind"] == "system" else page.t("mod.audit.auto")
        if actor["kind"] == "staff":
            who = emails.get(actor["id"]) or page.t("mod.audit.staff_unknown", id=actor["id"])
        extra = []
        if details.get("flags"):
            flags = ", ".join(labels.get(f, f) for f in details["flags"])
            extra.append(page.t("mod.audit.flags", flags=flags))
        if details.get("reports_closed"):
            extra.append(page.t("mod.audit.reports_closed", n=details["reports_closed"]))
        reason = details.get("reason_code")
        what = ACTIONS.get(entry["action"])
        rows.append({
            "at": entry["at"], "who": who, "what": page.t(what) if what else entry["action"], "extra": extra,
            "comment_id": entry["comment_id"], "reason": reason, "reason_title": titles.get(reason, reason),
            "note": details.get("note"),
        })  # fmt: skip
    return rows


@router.get("/moderation/protokoll")
async def audit_page(page: PageDep) -> Response:
    """The audit log, newest first: who did what to which comment, when and why (admins only)."""
    who = admin_of(page)
    place = Place.read(page.request.query_params)
    query = {"page": place.number, "per_page": PER_PAGE["audit"]}
    (labels, clauses), log = await together(
        _vocabulary(page, who),
        call(page.request, "moderation", "/moderation/audit", query=query, principal=who),
    )
    items = log["items"]
    emails = await staff_emails(page, {e["actor"]["id"] for e in items if e["actor"]["kind"] == "staff"})
    titles = {c["code"]: c["title"] for c in clauses}
    rows = _audit_rows(page, items, emails=emails, labels=labels, titles=titles)
    return render(
        page, "moderation_audit.html", rows=rows, total=log["total"], moment=moment,
        paging=_paging(log["total"], number=place.number, per_page=PER_PAGE["audit"]),
        page_url=lambda number: Place(number=number).url(AUDIT),
    )  # fmt: skip
