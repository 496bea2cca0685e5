"""Atom 1.0 feeds of measure changes and yearly report publications: all of them, and one per measure.

Built with ElementTree, which escapes every text. Ids are `urn:uuid:` names derived from the
measure's id and the version (UUID 5), so that a change keeps its id forever, whatever the host.
Each language is a feed of its own with its own self link. Every feed carries an ETag of its
bytes and the time of its newest entry as Last-Modified, and answers 304 to a client that has it.
A feed is built once per change: kept beside the rendered pages (page_cache.py) and emptied with them.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from radar_gateway.cache import etag_of
from radar_gateway.context import gateway_of
from radar_gateway.web.i18n import Translate, translator
from radar_gateway.web.links import Slug
from radar_gateway.web.page_cache import Fresh, Kind, answer_feed, feed_language, kept
from radar_gateway.web.services import call, together
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


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed: a new version of a measure, or a publication of one of its yearly reports."""

    entry_id: str
    title: str
    updated: str
    link: str
    summary: str


def change_entry(
    change: Mapping[str, Any], measure: Mapping[str, Any], *, base: str, t: Translate, lang: str
) -> FeedEntry:
    """The entry of a version of a measure: its note and what changed."""
    lines = [change["change_note"]]
    lines += [f"{name}: {old} → {new}" for name, old, new in history_lines(change, t=t, names={})]
    kind, version = t(f"history.{change['kind']}"), t("measure.version", n=change["version"])
    return FeedEntry(
        entry_id=urn(f"measure:{measure['id']}:v{change['version']}"),
        title=f"{measure['title']}: {kind} ({version})",
        updated=change["changed_at"],
        link=f"{base}/massnahmen/{measure['slug']}{_in(lang)}",
        summary="\n".join(lines),
    )


def report_entry(published: Mapping[str, Any], *, base: str, t: Translate, lang: str) -> FeedEntry:
    """The entry of a publication of a measure's yearly report: its note, progress and achievements."""
    measure, year, version = published["measure"], published["year"], published["version"]
    lines = [published["change_note"]]
    if published["progress"] is not None:
        lines.append(f"{t('annual.progress')}: {published['progress']} %")
    lines.append(published["achievements"])
    return FeedEntry(
        entry_id=urn(f"report:{measure['id']}:{year}:v{version}"),
        title=f"{measure['title']}: {t('annual.title', year=year)} ({t('measure.version', n=version)})",
        updated=published["published_at"],
        link=f"{base}/massnahmen/{measure['slug']}{_in(lang)}#bericht-{year}",
        summary="\n".join(lines),
    )


def newest_first(*lists: Sequence[FeedEntry]) -> list[FeedEntry]:
    """The entries of several lists, newest first, as many as a feed holds."""
    merged = sorted(
        (e for entries in lists for e in entries),
        key=lambda e: datetime.fromisoformat(e.updated),
        reverse=True,
    )
    return merged[:FEED_SIZE]


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


def atom_feed(head: FeedHead, items: Sequence[FeedEntry], *, t: Translate, lang: str) -> bytes:
    """An Atom document of entries, in the order given (newest first)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: lang})
    _sub(feed, "title", head.title)
    _sub(feed, "id", head.feed_id)
    newest = max((e.updated for e in items), default=None, key=datetime.fromisoformat)
    _sub(feed, "updated", newest or datetime.now(UTC).isoformat())
    _sub(feed, "link", rel="self", type="application/atom+xml", href=head.self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=head.alternate)
    _sub(_sub(feed, "author"), "name", t("site.name"))
    _sub(feed, "generator", "Digitalisierungsradar")
    for item in items:
        entry = _sub(feed, "entry")
        _sub(entry, "title", item.title)
        _sub(entry, "id", item.entry_id)
        _sub(entry, "updated", item.updated)
        _sub(entry, "link", rel="alternate", type="text/html", href=item.link)
        _sub(entry, "summary", item.summary, type="text")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
        feed, encoding="utf-8", xml_declaration=False
    )


def _language(request: Request) -> tuple[str, Translate]:
    lang = feed_language(request)
    return lang, translator(lang)


def _validators(document: bytes, items: Sequence[FeedEntry]) -> dict[str, str]:
    """The feed's ETag, and the time of its newest entry as Last-Modified."""
    headers = {"etag": etag_of(document), "cache-control": "public, no-cache"}
    newest = max((datetime.fromisoformat(e.updated) for e in items), default=None)
    if newest is not None:
        headers["last-modified"] = format_datetime(newest.astimezone(UTC), usegmt=True)
    return headers


async def _kept_feed(
    request: Request, build: Callable[[], Awaitable[tuple[bytes, list[FeedEntry]]]]
) -> Response:
    """The feed as built once per change (kept beside the rendered pages and emptied with them)."""

    async def fresh() -> Fresh:
        document, items = await build()
        return Fresh(200, document, _validators(document, items), keep=True)

    entry, _ = await kept(request, lang=feed_language(request), kind=Kind.FEED, build=fresh)
    return answer_feed(request, entry)


@router.get("/feeds/changes.atom")
async def changes_feed(request: Request) -> Response:
    """The newest changes to all measures and the newest publications of their yearly reports."""
    return await _kept_feed(request, lambda: _changes_feed(request))


async def _changes_feed(request: Request) -> tuple[bytes, list[FeedEntry]]:
    lang, t = _language(request)
    base = gateway_of(request).settings.public_url.rstrip("/")
    query = {"per_page": FEED_SIZE}
    changes, reports = await together(
        call(request, "catalog", "/changes", query=query, lang=lang),
        call(request, "catalog", "/reports", query=query, lang=lang),
    )
    items = newest_first(
        [change_entry(c, c["measure"], base=base, t=t, lang=lang) for c in changes["items"]],
        [report_entry(r, base=base, t=t, lang=lang) for r in reports["items"]],
    )
    head = changes_head(base=base, lang=lang, t=t)
    return atom_feed(head, items, t=t, lang=lang), items


@router.get("/feeds/measures/{slug}.atom")
async def measure_feed(slug: Slug, request: Request) -> Response:
    """Every version of one measure and every publication of its yearly reports."""
    return await _kept_feed(request, lambda: _measure_feed(slug, request))


async def _measure_feed(slug: str, request: Request) -> tuple[bytes, list[FeedEntry]]:
    lang, t = _language(request)
    base = gateway_of(request).settings.public_url.rstrip("/")
    measure, history, reports = await together(
        call(request, "catalog", f"/measures/{slug}", lang=lang),
        call(request, "catalog", f"/measures/{slug}/history", lang=lang),
        call(request, "catalog", "/reports", query={"per_page": FEED_SIZE, "measure": slug}, lang=lang),
    )
    items = newest_first(
        [change_entry(c, measure, base=base, t=t, lang=lang) for c in history["items"][:FEED_SIZE]],
        [report_entry(r, base=base, t=t, lang=lang) for r in reports["items"]],
    )
    head = measure_head(measure, base=base, lang=lang, t=t)
    return atom_feed(head, items, t=t, lang=lang), items
