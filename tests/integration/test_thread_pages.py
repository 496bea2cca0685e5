"""A long thread on a measure's page, a page at a time (`?kommentare=N`, web/thread_view.py): every
top-level comment on exactly one page, oldest first; the pages linked both ways; the total on each;
a page past the end or a page number that is none; and where the forms send their authors."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from radar_gateway.cache import PublicReadCache
from tests.integration.gateway_system import SMALL_CITY, System, start_system
from tests.integration.helpers import eventually, form_link

pytestmark = pytest.mark.integration
PAGE_SIZE = 3
COMMENTS = 7  # pages of 3, 3 and 1
NAV = re.compile(r'<nav class="list-pager thread-pager" aria-label="([^"]*)">(.*?)</nav>', re.S)


Site = tuple[System, str]


@pytest.fixture
async def site(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[Site]:
    """A system showing PAGE_SIZE top-level comments a page, and a measure with no comment yet."""
    async with start_system(
        new_database, redis_url, city=SMALL_CITY, thread_page_size=PAGE_SIZE, comments_per_window=50
    ) as system:
        yield system, await system.measure(title="Offene Daten")


def top_level(html: str) -> list[str]:
    """The ids of the page's top-level comments, in order (their replies are nested deeper)."""
    start = html.index('<ol class="comments">')
    ids: list[str] = []
    depth = 0
    for tag in re.finditer(r'<li id="kommentar-([0-9a-f-]+)"|<li\b|</li>|</ol>', html[start:]):
        if depth == 0 and tag.group(0) == "</ol>":
            return ids
        if depth == 0 and tag.group(1):
            ids.append(tag.group(1))
        depth += {"</li>": -1, "</ol>": 0}.get(tag.group(0), 1)
    raise AssertionError("the thread's list does not end")


def pager(html: str) -> dict[str, str]:
    """The thread's page nav: its label, position, and the address of each link by its text (or rel)."""
    [(label, inner)] = NAV.findall(html)
    position = re.search(r"<span>(.*?)</span>", inner, re.S)
    assert position, "the nav says not where this page is"
    found = {"label": label, "position": " ".join(position.group(1).split())}
    for href, rel, text in re.findall(r'<a href="([^"]*)"(?: rel="([^"]*)")?>([^<]*)</a>', inner):
        found[rel or text] = href
    return found


def pages_of(system: System) -> PublicReadCache:
    pages: PublicReadCache = system.apps["gateway"].state.gateway.pages
    return pages


async def page(browser: httpx.AsyncClient, address: str) -> str:
    r = await browser.get(address.split("#")[0])
    assert r.status_code == 200, (address, r.text)
    return r.text


async def post_form(browser: httpx.AsyncClient, html: str, marker: str, **fields: str) -> httpx.Response:
    """Send the page's one <form> that holds this marker, to its own action, with these fields."""
    [form] = [f for f in (part.split("</form>")[0] for part in html.split("<form ")[1:]) if marker in f]
    action = re.search(r'action="([^"]*)"', form)
    assert action, "the form has no action"
    hidden = dict(re.findall(r'type="hidden" name="([^"]*)" value="([^"]*)"', form))
    return await browser.post(action.group(1).replace("&amp;", "&"), data={**hidden, **fields})


async def published_thread(system: System, slug: str, texts: list[str]) -> list[str]:
    """These comments sent through the measure's page, approved; their ids in the thread's order."""
    author = system.client()
    for text in texts:
        html = await page(author, f"/massnahmen/{slug}")
        sent = await post_form(author, html, 'id="comment-body"', body=text)
        assert sent.status_code == 303, sent.text
    moderator = await system.moderator()

    async def all_published() -> list[str] | None:
        queue = (await moderator.get("/api/v1/moderation/queue", params={"per_page": 100})).json()["items"]
        for item in queue:
            path = f"/api/v1/moderation/comments/{item['comment_id']}/decision"
            decided = await moderator.post(path, json={"decision": "approve"})
            assert decided.status_code == 200, decided.text
        r = await system.client().get(f"/api/v1/measures/{slug}/comments", params={"per_page": 100})
        thread: dict[str, Any] = r.json()
        return [c["id"] for c in thread["items"]] if thread["total"] == len(texts) else None

    ordered = list(await eventually(all_published))
    # the author's first visit kept the public page without them (and a test may have kept another
    # page of the thread): kept pages go once participation.changed reaches the gateway, a moment
    # after participation's own answer shows the thread
    await eventually(lambda: _shown_to_anyone(system, slug, ordered[0]))
    return ordered


async def _shown_to_anyone(system: System, slug: str, comment_id: str) -> bool:
    return f'<li id="kommentar-{comment_id}"' in await page(system.client(), f"/massnahmen/{slug}")


async def walk(browser: httpx.AsyncClient, slug: str) -> list[list[str]]:
    """The top-level comments of each page, following "next" from the first page and "prev" back."""
    first = f"/massnahmen/{slug}#kommentare"
    onward, address = [], first
    while True:
        html = await page(browser, address)
        onward.append(top_level(html))
        if "next" not in pager(html):
            break
        address = pager(html)["next"]
    backward = []
    while True:
        html = await page(browser, address)
        backward.append(top_level(html))
        if "prev" not in pager(html):
            break
        address = pager(html)["prev"]
    assert address == first  # back at the measure's own address
    assert backward == onward[::-1]
    return onward


async def test_every_comment_of_a_long_thread_is_on_exactly_one_page_in_order(site: Site) -> None:
    system, slug = site
    ordered = await published_thread(system, slug, [f"Kommentar Nummer {i}." for i in range(COMMENTS)])
    anyone = system.client()

    pages = await walk(anyone, slug)

    assert pages == [ordered[0:3], ordered[3:6], ordered[6:7]]

    async def kept_apart() -> bool:  # each page kept by its own address, and given again as it was
        return await walk(anyone, slug) == pages and len(pages_of(system)) == 3

    await eventually(kept_apart)  # once the approvals' news has emptied the cache
    base = f"/massnahmen/{slug}"
    one, two, three = [await page(anyone, a) for a in (base, f"{base}?kommentare=2", f"{base}?kommentare=3")]
    assert pager(one) == {
        "label": "Seiten der Kommentare",
        "position": "Kommentare 1 bis 3 von 7",
        "next": f"{base}?kommentare=2#kommentare",
        "Letzte Seite": f"{base}?kommentare=3#kommentare",
    }
    assert pager(two) == {
        "label": "Seiten der Kommentare",
        "position": "Kommentare 4 bis 6 von 7",
        "prev": f"{base}#kommentare",
        "next": f"{base}?kommentare=3#kommentare",
    }
    assert pager(three) == {
        "label": "Seiten der Kommentare",
        "position": "Kommentare 7 bis 7 von 7",
        "Erste Seite": f"{base}#kommentare",
        "prev": f"{base}?kommentare=2#kommentare",
    }
    assert "<title>Offene Daten – Kommentare, Seite 2 –" in two and "<title>Offene Daten –" in one
    assert "Die ältesten Kommentare stehen vorn" in one
    english = await page(anyone, f"{base}?kommentare=2&lang=en")
    assert pager(english)["label"] == "Pages of the comments"
    assert pager(english)["position"] == "Comments 4 to 6 of 7"


async def test_a_page_past_the_end_shows_the_last_and_a_page_that_is_none_the_first(site: Site) -> None:
    system, slug = site
    empty = await page(system.client(), f"/massnahmen/{slug}?kommentare=4")
    assert "Noch keine veröffentlichten Kommentare." in empty and "thread-pager" not in empty
    assert "Seite 4" not in empty
    ordered = await published_thread(system, slug, [f"Kommentar Nummer {i}." for i in range(COMMENTS)])
    anyone = system.client()

    for asked in ("4", "99", "10000", "10001", "9" * 4000):
        html = await page(anyone, f"/massnahmen/{slug}?kommentare={asked}")
        assert top_level(html) == ordered[6:], asked
        assert pager(html)["position"] == "Kommentare 7 bis 7 von 7", asked
    for asked in ("0", "-2", "zwei", "²", "", "1.5"):
        html = await page(anyone, f"/massnahmen/{slug}?kommentare={asked}")
        assert top_level(html) == ordered[:3], asked
        assert "prev" not in pager(html), asked


async def test_the_forms_lead_back_to_their_page_and_a_new_comment_to_the_last(site: Site) -> None:
    system, slug = site
    ordered = await published_thread(system, slug, [f"Kommentar Nummer {i}." for i in range(COMMENTS)])
    base = f"/massnahmen/{slug}"
    citizen = system.client()
    second = await page(citizen, f"{base}?kommentare=2")
    parent = ordered[4]  # on the second page

    replying = form_link(second, "antworten", parent)
    assert replying == f"{base}?kommentare=2&antworten={parent}#reply-{parent}-body"  # on the same page
    opened = await page(citizen, replying)
    assert top_level(opened) == ordered[3:6]
    replied = await post_form(citizen, opened, f'id="reply-{parent}-body"', body="Eine Antwort.")

    assert (replied.status_code, replied.headers["location"]) == (303, f"{base}?kommentare=2#kommentare")
    own = await page(citizen, replied.headers["location"])
    assert top_level(own) == ordered[3:6] and "Eine Antwort." in own  # in place, under its comment
    assert pager(own)["position"] == "Kommentare 4 bis 6 von 7"  # a reply is no top-level comment
    reporting = await page(citizen, form_link(own, "melden", ordered[3]))
    reported = await post_form(citizen, reporting, f"/kommentare/{ordered[3]}/melden", reason="SPAM")
    assert (reported.status_code, reported.headers["location"]) == (
        303,
        f"{base}?kommentare=2#kommentare",
    )

    sent = await post_form(citizen, own, 'id="comment-body"', body="Ein neuer Gedanke.")

    assert (sent.status_code, sent.headers["location"]) == (303, f"{base}?kommentare=3#kommentare")
    last = await page(citizen, sent.headers["location"])
    assert "Ein neuer Gedanke." in last and pager(last)["position"] == "Kommentare 7 bis 8 von 8"
    [mine] = [c for c in top_level(last) if c not in ordered]
    public = await page(system.client(), f"{base}?kommentare=3")
    assert "Ein neuer Gedanke." not in public and pager(public)["position"] == "Kommentare 7 bis 7 von 7"

    withdrawn = await post_form(citizen, last, f"/kommentare/{mine}/zurueckziehen")
    assert (withdrawn.status_code, withdrawn.headers["location"]) == (
        303,
        f"{base}?kommentare=3#kommentare",
    )
    again = await citizen.get(f"{base}/kommentare?kommentare=3")  # the form's address asked for again
    assert (again.status_code, again.headers["location"]) == (303, f"{base}?kommentare=3#kommentare")


async def test_a_link_to_a_comment_leads_to_its_page_of_the_thread_as_this_browser_sees_it(
    site: Site,
) -> None:
    system, slug = site
    ordered = await published_thread(system, slug, [f"Kommentar Nummer {i}." for i in range(COMMENTS)])
    base = f"/massnahmen/{slug}"
    anyone, citizen = system.client(), system.client()

    for n, comment_id in enumerate(ordered):  # as a mail links to a comment
        r = await anyone.get(f"{base}/kommentare/{comment_id}")
        number = n // PAGE_SIZE + 1
        query = f"?kommentare={number}" if number > 1 else ""
        assert (r.status_code, r.headers["location"]) == (303, f"{base}{query}#kommentar-{comment_id}")
        assert comment_id in top_level(await page(anyone, r.headers["location"]))
    moved = await anyone.get(f"/massnahmen/anderes-vorhaben/kommentare/{ordered[0]}")  # the comment's measure
    assert moved.headers["location"] == f"{base}#kommentar-{ordered[0]}"

    second = await page(citizen, f"{base}?kommentare=2&antworten={ordered[4]}")
    await post_form(citizen, second, f'id="reply-{ordered[4]}-body"', body="Eine Antwort.")
    shown = re.findall(r'<li id="kommentar-([0-9a-f-]+)"', await page(citizen, f"{base}?kommentare=2"))
    [reply] = set(shown) - set(ordered)
    reply_path = f"{base}/kommentare/{reply}"
    own = await citizen.get(reply_path)  # pending: its author finds it under its comment
    assert own.headers["location"] == f"{base}?kommentare=2#kommentar-{reply}"

    for browser, ref in [(anyone, reply), (citizen, "00000000-0000-4000-8000-000000000000")]:
        gone = await browser.get(f"{base}/kommentare/{ref}")
        assert (gone.status_code, gone.headers["location"]) == (303, base), ref  # the notice is on top
        assert "Dieser Kommentar ist hier nicht zu sehen" in await page(browser, gone.headers["location"])
    assert (await anyone.get(f"{base}/kommentare/kein-kommentar")).status_code == 404


async def test_a_comment_s_forms_come_on_demand_one_at_a_time_on_the_same_page(site: Site) -> None:
    system, slug = site
    ordered = await published_thread(system, slug, [f"Kommentar Nummer {i}." for i in range(COMMENTS)])
    base, anyone = f"/massnahmen/{slug}", system.client()
    plain = await page(anyone, f"{base}?kommentare=2")

    for comment_id in ordered[3:6]:  # a link for each form, none of the forms
        for form, field in (("antworten", "reply-{}-body"), ("melden", "report-{}-reason")):
            expected = f"{base}?kommentare=2&{form}={comment_id}#{field.format(comment_id)}"
            assert form_link(plain, form, comment_id) == expected
        assert (
            f'id="reply-{comment_id}-body"' not in plain and f"/kommentare/{comment_id}/melden" not in plain
        )

    chosen, kept = ordered[4], len(pages_of(system))
    opened = await page(anyone, form_link(plain, "antworten", chosen))
    assert len(pages_of(system)) == kept  # a page with an open form is not kept: one per comment
    assert top_level(opened) == ordered[3:6] and opened.count("<form ") == plain.count("<form ") + 1
    form = opened.split(f'<div class="comment-action reply" id="reply-{chosen}">')[1].split(
        "</div>\n  </div>"
    )[0]
    assert re.search(rf'<textarea id="reply-{chosen}-body"[^>]* autofocus>', form)  # the writer starts there
    assert f'<a href="{base}?kommentare=2#kommentar-{chosen}">Abbrechen</a>' in opened  # back, on this page
    assert form_link(opened, "melden", chosen) and form_link(opened, "antworten", ordered[3])

    for junk in ("kein-kommentar", chosen.upper() + "0", ordered[0]):  # none that this page shows a form for
        assert (await page(anyone, f"{base}?kommentare=2&antworten={junk}")).count("<form ") == plain.count(
            "<form "
        )
