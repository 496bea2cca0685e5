"""Atom 1.0 feeds of measure changes: all of them, and one per measure.

Built with ElementTree, which escapes every text. Ids are `urn:uuid:` names derived from the
measure's id and the version (UUID 5), so that a change keeps its id forever, whatever the host.
Each language is a feed of its own with its own self link. Every feed carries an ETag of its
bytes and the time of its newest entry as Last-Modified, and answers 304 to a client that has it.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from radar_gateway.context import gateway_of
from radar_gateway.web.i18n import Translate, pick_language, translator
from radar_gateway.web.links import Slug
from radar_gateway.web.services import call
from radar_gateway.web.validators import etag_matches, etag_of
from radar_gateway.web.views import history_lines

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_SIZE = 50
FEED_NAMESPACE = uuid.UUID("5b0f3c0e-7d1a-5c52-9a51-8d0c2f6e4a17")  # the radar's feeds, once and for all
router = APIRouter(include_in_schema=False)


def urn(name: str) -> str:
    """A permanent id that no host name is part of."""
    return uuid.uuid5(FEED_NAMESPACE, name).urn


def _in(lang: str) -> str:
    """The query that keeps an address in the feed's language (German needs none)."""
    return "" if lang == "de" else f"?lang={lang}"


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def _entry(
    feed: ET.Element,
    change: Mapping[str, Any],
    measure: Mapping[str, Any],
    *,
    base: str,
    t: Translate,
    lang: str,
) -> None:
    entry = _sub(feed, "entry")
    kind = t(f"history.{change['kind']}")
    _sub(entry, "title", f"{measure['title']}: {kind} ({t('measure.version', n=change['version'])})")
    _sub(entry, "id", urn(f"measure:{measure['id']}:v{change['version']}"))
    _sub(entry, "updated", change["changed_at"])
    href = f"{base}/massnahmen/{measure['slug']}{_in(lang)}"
    _sub(entry, "link", rel="alternate", type="text/html", href=href)
    lines = [change["change_note"]]
    lines += [f"{name}: {old} → {new}" for name, old, new in history_lines(change, t=t, names={})]
    _sub(entry, "summary", "\n".join(lines), type="text")


Item = tuple[Mapping[str, Any], Mapping[str, Any]]  # a change and its measure


@dataclass(frozen=True)
class FeedHead:
    title: str
    feed_id: str
    self_url: str
    alternate: str


def changes_head(*, base: str, lang: str, t: Translate) -> FeedHead:
    """The head of the feed of all changes in one language."""
    return FeedHead(
        title=t("footer.feed"),
        feed_id=urn(f"changes:{lang}"),
        self_url=f"{base}/feeds/changes.atom{_in(lang)}",
        alternate=f"{base}/{_in(lang)}",
    )


def measure_head(measure: Mapping[str, Any], *, base: str, lang: str, t: Translate) -> FeedHead:
    """The head of one measure's feed in one language."""
    return FeedHead(
        title=f"{measure['title']} – {t('measure.history')}",
        feed_id=urn(f"measure:{measure['id']}:{lang}"),
        self_url=f"{base}/feeds/measures/{measure['slug']}.atom{_in(lang)}",
        alternate=f"{base}/massnahmen/{measure['slug']}{_in(lang)}",
    )


def atom_feed(head: FeedHead, items: Sequence[Item], *, base: str, t: Translate, lang: str) -> bytes:
    """An Atom document of (change, measure) pairs, newest first."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: lang})
    _sub(feed, "title", head.title)
    _sub(feed, "id", head.feed_id)
    newest = max((c["changed_at"] for c, _ in items), default=None)
    _sub(feed, "updated", newest or datetime.now(UTC).isoformat())
    _sub(feed, "link", rel="self", type="application/atom+xml", href=head.self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=head.alternate)
    _sub(_sub(feed, "author"), "name", t("site.name"))
    _sub(feed, "generator", "Digitalisierungsradar")
    for change, measure in items:
        _entry(feed, change, measure, base=base, t=t, lang=lang)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
        feed, encoding="utf-8", xml_declaration=False
    )


def _language(request: Request) -> tuple[str, Translate]:
    lang, _ = pick_language(request.query_params.get("lang"), None)
    return lang, translator(lang)


def _answer(request: Request, document: bytes, items: Sequence[Item]) -> Response:
    """The feed, or 304 when If-None-Match names its ETag or (without one) If-Modified-Since is not older."""
    headers = {"etag": etag_of(document), "cache-control": "public, no-cache"}
    newest = max((datetime.fromisoformat(c["changed_at"]) for c, _ in items), default=None)
    if newest is not None:
        headers["last-modified"] = format_datetime(newest.astimezone(UTC), usegmt=True)
    if "if-none-match" in request.headers:
        unchanged = etag_matches(request, headers["etag"])
    else:
        unchanged = newest is not None and _not_older(request.headers.get("if-modified-since"), newest)
    if unchanged:
        return Response(status_code=304, headers=headers)
    return Response(document, media_type="application/atom+xml; charset=utf-8", headers=headers)


def _not_older(since: str | None, newest: datetime) -> bool:
    """True if an If-Modified-Since date is at or after the newest entry (to the second)."""
    try:
        known = parsedate_to_datetime(since) if since else None
    except (TypeError, ValueError):
        return False  # a date that is no date is ignored, as RFC 9110 asks
    return known is not None and known.tzinfo is not None and known >= newest.replace(microsecond=0)


@router.get("/feeds/changes.atom")
async def changes_feed(request: Request) -> Response:
    """The newest changes to all measures."""
    lang, t = _language(request)
    base = gateway_of(request).settings.public_url.rstrip("/")
    answer = await call(request, "catalog", "/changes", query={"per_page": FEED_SIZE}, lang=lang)
    items = [(c, c["measure"]) for c in answer["items"]]
    head = changes_head(base=base, lang=lang, t=t)
    return _answer(request, atom_feed(head, items, base=base, t=t, lang=lang), items)


@router.get("/feeds/measures/{slug}.atom")
async def measure_feed(slug: Slug, request: Request) -> Response:
    """Every version of one measure."""
    lang, t = _language(request)
    base = gateway_of(request).settings.public_url.rstrip("/")
    measure = await call(request, "catalog", f"/measures/{slug}", lang=lang)
    history = await call(request, "catalog", f"/measures/{slug}/history", lang=lang)
    items = [(c, measure) for c in history["items"][:FEED_SIZE]]
    head = measure_head(measure, base=base, lang=lang, t=t)
    return _answer(request, atom_feed(head, items, base=base, t=t, lang=lang), items)
