"""Every Atom feed the gateway serves reads cleanly in feedparser, in every language.

Ids are `urn:uuid:` names that no host is part of, the same for a change in every language
and at every address; each language's feed links to itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import feedparser
import pytest
from fastapi.routing import APIRoute

from radar_gateway.web import feeds
from radar_gateway.web.i18n import Translate, catalogs, translator

pytestmark = pytest.mark.unit
BASE = "https://radar.example.org"
EVIL = '<script>alert("x")</script> & Co'
MEASURE = {"id": "3f0c1d7e-9a4b-4c1e-8f2a-6b5d4c3e2a10", "slug": "e-akte", "title": f"E-Akte {EVIL}"}
CHANGES = [
    {"version": 2, "kind": "updated", "changed_at": "2026-03-02T10:15:00+00:00", "change_note": EVIL,
     "changes": [{"field": "status", "old": "geplant", "new": "in_umsetzung"}], "measure": MEASURE},
    {"version": 1, "kind": "published", "changed_at": "2026-01-10T08:00:00+00:00", "change_note": "Neu.",
     "changes": [], "measure": MEASURE},
]  # fmt: skip
REPORTS = [
    {"measure": MEASURE, "year": 2025, "version": 1, "progress": 58,
     "achievements": f"Zwölf Referate. {EVIL}", "change_note": "Bericht 2025.",
     "published_at": "2026-02-01T09:00:00+00:00"},
]  # fmt: skip
Head = Callable[[str, Translate], feeds.FeedHead]
FEEDS: dict[str, tuple[str, Head]] = {  # route: (the address of one such feed, its head)
    "/feeds/changes.atom": (
        "/feeds/changes.atom",
        lambda lang, t: feeds.changes_head(base=BASE, lang=lang, t=t),
    ),
    "/feeds/measures/{slug}.atom": (
        "/feeds/measures/e-akte.atom",
        lambda lang, t: feeds.measure_head(MEASURE, base=BASE, lang=lang, t=t),
    ),
}


def parsed(route: str, lang: str, *, base: str = BASE) -> Any:
    t = translator(lang)
    head = FEEDS[route][1](lang, t)
    items = feeds.newest_first(
        [feeds.change_entry(c, c["measure"], base=base, t=t, lang=lang) for c in CHANGES],
        [feeds.report_entry(r, base=base, t=t, lang=lang) for r in REPORTS],
    )
    document = feeds.atom_feed(head, items, t=t, lang=lang)
    return feedparser.parse(
        document, response_headers={"content-type": "application/atom+xml; charset=utf-8"}
    )


def test_every_feed_route_is_read_here() -> None:
    served = {r.path for r in feeds.router.routes if isinstance(r, APIRoute)}
    assert served == set(FEEDS)


@pytest.mark.parametrize("lang", catalogs().languages)
@pytest.mark.parametrize("route", FEEDS)
def test_feedparser_reads_the_feed_without_complaint(route: str, lang: str) -> None:
    feed = parsed(route, lang)

    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.language == lang
    assert len(feed.entries) == len(CHANGES) + len(REPORTS)
    assert feed.entries[0].title.startswith(f"E-Akte {EVIL}")  # escaped on the wire, whole when read
    assert EVIL in feed.entries[0].summary


@pytest.mark.parametrize("lang", catalogs().languages)
def test_report_publications_stand_among_the_changes_by_their_time(lang: str) -> None:
    t = translator(lang)
    feed = parsed("/feeds/changes.atom", lang)

    assert [e.updated for e in feed.entries] == [
        "2026-03-02T10:15:00+00:00", "2026-02-01T09:00:00+00:00", "2026-01-10T08:00:00+00:00",
    ]  # fmt: skip
    report = feed.entries[1]
    assert report.title == f"E-Akte {EVIL}: {t('annual.title', year=2025)} ({t('measure.version', n=1)})"
    assert report.summary.splitlines() == [
        "Bericht 2025.",
        f"{t('annual.progress')}: 58 %",
        f"Zwölf Referate. {EVIL}",
    ]
    assert report.link.endswith("#bericht-2025")


def test_a_feed_holds_only_its_newest_entries() -> None:
    t = translator("de")
    many = [{**CHANGES[0], "version": n, "changed_at": f"2026-01-01T00:{n % 60:02d}:{n // 60:02d}+00:00"}
            for n in range(1, feeds.FEED_SIZE + 1)]  # fmt: skip
    items = feeds.newest_first(
        [feeds.change_entry(c, MEASURE, base=BASE, t=t, lang="de") for c in many],
        [feeds.report_entry(r, base=BASE, t=t, lang="de") for r in REPORTS],
    )
    assert len(items) == feeds.FEED_SIZE
    assert items[0].entry_id == feeds.urn(f"report:{MEASURE['id']}:2025:v1")  # the newest of all
    assert feeds.urn(f"measure:{MEASURE['id']}:v1") not in {i.entry_id for i in items}


@pytest.mark.parametrize("lang", catalogs().languages)
@pytest.mark.parametrize("route", FEEDS)
def test_each_language_links_to_itself_and_its_own_pages(route: str, lang: str) -> None:
    feed = parsed(route, lang)
    own = BASE + FEEDS[route][0] + ("" if lang == "de" else f"?lang={lang}")

    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == own
    assert links["alternate"].endswith("" if lang == "de" else f"?lang={lang}")
    for entry in feed.entries:
        assert entry.link.partition("#")[0] == f"{BASE}/massnahmen/e-akte" + (
            "" if lang == "de" else f"?lang={lang}"
        )


@pytest.mark.parametrize("route", FEEDS)
def test_ids_are_uuid_urns_that_no_host_or_language_changes(route: str) -> None:
    german = parsed(route, "de")
    elsewhere = parsed(route, "en", base="http://127.0.0.1:8000")

    for feed in (german, elsewhere):
        for found in [feed.feed.id, *(e.id for e in feed.entries)]:
            assert found.startswith("urn:uuid:") and uuid.UUID(found.removeprefix("urn:uuid:")), found
    assert [e.id for e in german.entries] == [e.id for e in elsewhere.entries]  # a change is one entry
    assert len({e.id for e in german.entries}) == len(CHANGES) + len(REPORTS)  # each version its own entry
    assert german.feed.id != elsewhere.feed.id  # each language a feed of its own
