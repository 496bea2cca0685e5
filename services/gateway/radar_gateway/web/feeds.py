"""Atom 1.0 feeds of measure changes: all of them, and one per measure.

Built with ElementTree, which escapes every text; ids are tag URIs made from the public
address, the measure's id and the version, so that a change keeps its id forever.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import Response

from radar_gateway.context import gateway_of
from radar_gateway.web.i18n import Translate, pick_language, translator
from radar_gateway.web.links import Slug
from radar_gateway.web.services import call
from radar_gateway.web.views import history_lines

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_SIZE = 50
router = APIRouter(include_in_schema=False)


def _tag_uri(public_url: str, specific: str) -> str:
    host = urlsplit(public_url).hostname or "localhost"
    return f"tag:{host},2019:{specific}"


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def _entry(
    feed: ET.Element, change: Mapping[str, Any], measure: Mapping[str, Any], *, base: str, t: Translate
) -> None:
    entry = _sub(feed, "entry")
    kind = t(f"history.{change['kind']}")
    _sub(entry, "title", f"{measure['title']}: {kind} ({t('measure.version', n=change['version'])})")
    _sub(entry, "id", _tag_uri(base, f"measure:{measure['id']}:v{change['version']}"))
    _sub(entry, "updated", change["changed_at"])
    _sub(entry, "link", rel="alternate", type="text/html", href=f"{base}/massnahmen/{measure['slug']}")
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
        _entry(feed, change, measure, base=base, t=t)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
        feed, encoding="utf-8", xml_declaration=False
    )


def _language(request: Request) -> tuple[str, Translate]:
    lang, _ = pick_language(request.query_params.get("lang"), None)
    return lang, translator(lang)


def _answer(document: bytes) -> Response:
    return Response(document, media_type="application/atom+xml; charset=utf-8")


@router.get("/feeds/changes.atom")
async def changes_feed(request: Request) -> Response:
    """The newest changes to all measures."""
    lang, t = _language(request)
    base = gateway_of(request).settings.public_url.rstrip("/")
    answer = await call(request, "catalog", "/changes", query={"per_page": FEED_SIZE})
    items = [(c, c["measure"]) for c in answer["items"]]
    head = FeedHead(t("footer.feed"), _tag_uri(base, "changes"), f"{base}/feeds/changes.atom", f"{base}/")
    return _answer(atom_feed(head, items, base=base, t=t, lang=lang))


@router.get("/feeds/measures/{slug}.atom")
async def measure_feed(slug: Slug, request: Request) -> Response:
    """Every version of one measure."""
    lang, t = _language(request)
    base = gateway_of(request).settings.public_url.rstrip("/")
    measure = await call(request, "catalog", f"/measures/{slug}")
    history = await call(request, "catalog", f"/measures/{slug}/history")
    items = [(c, measure) for c in history["items"][:FEED_SIZE]]
    head = FeedHead(
        title=f"{measure['title']} – {t('measure.history')}",
        feed_id=_tag_uri(base, f"measure:{measure['id']}"),
        self_url=f"{base}/feeds/measures/{measure['slug']}.atom",
        alternate=f"{base}/massnahmen/{measure['slug']}",
    )
    return _answer(atom_feed(head, items, base=base, t=t, lang=lang))
