"""The legal and trust pages: imprint, privacy, accessibility statement (the netiquette: citizen.py).

What only the city can say (who runs the radar, where, whom to write to, which authority
supervises it) comes from the JSON file RADAR_LEGAL_TEXTS_FILE names: each entry of LEGAL_FIELDS
is a text for both languages or {"de": ..., "en": ...}. An entry the file leaves out shows a
marked placeholder that asks the city to fill it in; nothing is made up.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

from radar_gateway.context import gateway_of
from radar_gateway.identity import PARTICIPANT_COOKIE
from radar_gateway.sessions import CSRF_COOKIE, SESSION_COOKIE
from radar_gateway.web.i18n import LANG_COOKIE
from radar_gateway.web.render import FORM_COOKIE, NOTICE_COOKIE, NOTICE_SECONDS, Page, page_of, render

router = APIRouter(include_in_schema=False)
PageDep = Annotated[Page, Depends(page_of)]
Text = str | dict[str, str]  # one text for both languages, or one per language code


class LegalTexts(BaseModel):
    """The city's own facts for the legal pages; whatever is left out shows as a placeholder."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    operator: Text | None = None  # who runs the radar (the controller under the GDPR)
    address: Text | None = None
    represented_by: Text | None = None
    contact: Text | None = None  # e-mail and telephone for anything about the radar
    dpo: Text | None = None  # the data protection officer and how to reach them
    supervisory_authority: Text | None = None
    legal_basis: Text | None = None  # the legal basis of the processing, as the city's lawyers name it
    log_retention: Text | None = None  # how long the operator keeps server and security logs
    accessibility_contact: Text | None = None
    enforcement_body: Text | None = None  # where to turn when the accessibility contact does not help
    statement_date: Text | None = None  # when the accessibility statement was made or last reviewed


LEGAL_FIELDS = tuple(LegalTexts.model_fields)


@cache
def load_legal_texts(path: str) -> LegalTexts:
    """The texts in the file (none: every entry a placeholder); a file that does not fit fails loudly."""
    if not path:
        return LegalTexts()
    return LegalTexts.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))


def localized(texts: LegalTexts, lang: str) -> dict[str, list[str] | None]:
    """Each entry as lines in this language (German when it has none in it); None for a placeholder."""
    shown: dict[str, list[str] | None] = {}
    for name in LEGAL_FIELDS:
        value = getattr(texts, name)
        if isinstance(value, dict):
            value = value.get(lang) or value.get("de")
        shown[name] = value.splitlines() if value else None
    return shown


def _facts(page: Page) -> dict[str, Any]:
    settings = gateway_of(page.request).settings
    windows = (
        settings.comment_window_seconds,
        settings.rating_window_seconds,
        settings.report_window_seconds,
        settings.login_window_seconds,
    )
    return {
        "legal": localized(load_legal_texts(settings.legal_texts_file), page.lang),
        "limit_minutes": max(windows) // 60,
        "session_hours": settings.session_hours,
        "cookies": [
            (PARTICIPANT_COOKIE, "legal.cookie.participant", "legal.keep.year"),
            (LANG_COOKIE, "legal.cookie.lang", "legal.keep.year"),
            (FORM_COOKIE, "legal.cookie.form", "legal.keep.browser"),
            (NOTICE_COOKIE, "legal.cookie.notice", "legal.keep.notice"),
            (SESSION_COOKIE, "legal.cookie.session", "legal.keep.session"),
            (CSRF_COOKIE, "legal.cookie.csrf", "legal.keep.session"),
        ],
        "notice_seconds": NOTICE_SECONDS,
    }


@router.get("/impressum")
async def imprint_page(page: PageDep) -> Response:
    """Who runs the radar and how to reach them."""
    return render(page, "legal_imprint.html", **_facts(page))


@router.get("/datenschutz")
async def privacy_page(page: PageDep) -> Response:
    """What the radar stores, why, for how long, the cookies, and how to have it erased."""
    return render(page, "legal_privacy.html", **_facts(page))


@router.get("/barrierefreiheit")
async def accessibility_page(page: PageDep) -> Response:
    """The accessibility statement (BITV 2.0): how far the site complies, its known limits, a contact."""
    return render(page, "legal_accessibility.html", **_facts(page))
