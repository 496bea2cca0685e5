"""A yearly report through the gateway: an editor drafts and publishes it, the public's cached reads
change at once, the year's report lists it, and a subscriber of the measure gets one mail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import feedparser
import pytest

from tests.integration.gateway_system import SMALL_CITY, start_system
from tests.integration.helpers import eventually
from tests.integration.subscription_site import address, count, followed_measure, mails_to, subscribed

pytestmark = pytest.mark.integration

REPORT: dict[str, Any] = {
    "achievements": "Digitale Bürgerdienste für alle Bezirke.",
    "kpis": [
        {"name": "Online-Dienste", "unit": "Anzahl", "target": 120, "actual": 87, "as_of": "2024-12-31"}
    ],
    "progress": 40,
    "status": "published",
    "change_note": "Bericht 2024.",
}


async def test_a_published_report_reaches_the_public_reads_and_the_subscriber_once(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with start_system(new_database, redis_url, city=SMALL_CITY) as system:
        slug = await followed_measure(system)
        email = address()
        await subscribed(system, slug, email)
        public = system.client()
        reports = f"/api/v1/measures/{slug}/reports"
        empty = await public.get(reports)
        assert (empty.status_code, empty.json()["items"]) == (200, [])
        etag = empty.headers["etag"]

        editor = await system.staff("editor")
        draft = await editor.put(f"{reports}/2024", json={**REPORT, "status": "draft"})
        assert draft.status_code == 200, draft.text
        assert [e["status"] for e in (await editor.get(reports)).json()["items"]] == ["draft"]
        assert (await public.get(reports, headers={"If-None-Match": etag})).status_code == 304
        refused = await (await system.staff("moderator")).put(f"{reports}/2024", json=REPORT)
        assert (refused.status_code, refused.json()["error"]) == (403, "ROLE_REQUIRED")

        published = await editor.put(f"{reports}/2024", json=REPORT)
        assert published.status_code == 200, published.text

        async def everyone_sees_it() -> bool:
            seen = await system.client().get(reports, headers={"If-None-Match": etag})
            return seen.status_code == 200 and [e["version"] for e in seen.json()["items"]] == [1]

        await eventually(everyone_sees_it)
        year = (await public.get("/api/v1/reports/2024")).json()
        [area] = year["core_areas"]
        assert area["slug"] == "stadtgesellschaft"
        assert [e["measure"]["slug"] for e in area["fields"][0]["entries"]] == [slug]
        page = (await public.get(f"/massnahmen/{slug}")).text
        assert REPORT["achievements"] in page and 'id="bericht-2024"' in page
        assert REPORT["achievements"] in (await public.get("/berichte/2024")).text
        feed = feedparser.parse((await public.get("/feeds/changes.atom")).content)
        [entry] = [e for e in feed.entries if "#bericht-2024" in e.link]
        assert REPORT["change_note"] in entry.summary
        own_feed = feedparser.parse((await public.get(f"/feeds/measures/{slug}.atom")).content)
        assert [e.id for e in own_feed.entries if "#bericht-2024" in e.link] == [entry.id]

        _confirmation, report_mail = await mails_to(system, email, 2)
        assert str(report_mail["Subject"]).startswith("Jahresbericht 2024: ")
        deliveries = (
            "SELECT count(*) FROM deliveries d JOIN subscribers s USING (subscriber_id) WHERE s.email = $1"
        )
        assert await count(system, deliveries + " AND d.kind = 'measure'", email) == 1

        revised = {**REPORT, "progress": 45, "change_note": "Zahl der Online-Dienste nachgetragen."}
        assert (await editor.put(f"{reports}/2024", json=revised)).status_code == 200

        async def the_revision_is_public() -> bool:
            [entry] = (await system.client().get(reports)).json()["items"]
            return entry["version"] == 2

        await eventually(the_revision_is_public)
        [entry] = (await public.get(reports)).json()["items"]
        assert (entry["progress"], entry["change_note"]) == (45, revised["change_note"])
        assert [h["change_note"] for h in entry["history"]] == [revised["change_note"], REPORT["change_note"]]
        page = (await public.get(f"/massnahmen/{slug}")).text
        assert revised["change_note"] in page  # the page says the year's report was revised, and why
        feed = feedparser.parse((await public.get(f"/feeds/measures/{slug}.atom")).content)
        assert len([e for e in feed.entries if "#bericht-2024" in e.link]) == 2  # each version an entry
