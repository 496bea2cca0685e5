"""A measure's page as the place where citizens comment, reply, withdraw, rate and report (no browser).

The gateway in front of a real catalog, participation and moderation service: decisions are
taken by a logged-in moderator through the gateway, as on the moderators' screens.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest

from radar_catalog.config import CatalogSettings
from radar_catalog.main import create_app as create_catalog
from radar_gateway.accounts import add_staff
from radar_gateway.cache import PublicReadCache
from radar_gateway.config import GatewaySettings
from radar_gateway.main import create_app as create_gateway
from radar_moderation.config import ModerationSettings
from radar_moderation.main import create_app as create_moderation
from radar_participation.config import ParticipationSettings
from radar_participation.main import create_app as create_participation
from tests.conftest import TOKEN_SECRET
from tests.integration.gateway_system import serving
from tests.integration.helpers import eventually, form_link, seed_catalog

pytestmark = pytest.mark.integration
PASSWORD = "correct horse battery staple"
SLUG = "offene-daten"
CLOSED = "altes-vorhaben"
CITY: dict[str, Any] = {
    "principles": [], "departments": [], "core_areas": [],
    "fields": [{"slug": "daten", "name": "Daten"}],
    "measures": [
        {"slug": SLUG, "title": "Offene Daten", "field": "daten", "status": "in_umsetzung"},
        {"slug": CLOSED, "title": "Altes Vorhaben", "field": "daten", "status": "abgeschlossen"},
    ],
}  # fmt: skip
INSULT_TEXT = "Beschimpfungen, Beleidigungen, Drohungen und vulgäre Ausdrücke haben hier keinen Platz."


@dataclass
class Site:
    client: httpx.AsyncClient
    gateway_dsn: str
    participation_dsn: str
    stop_moderation: Callable[[], Any]

    def browser(self) -> httpx.AsyncClient:
        """Another browser: its own cookies."""
        return httpx.AsyncClient(transport=self.client._transport, base_url="http://gateway")

    async def staff(self, role: str) -> httpx.AsyncClient:
        """A JSON client logged in as staff with this role."""
        email = f"{role}-{uuid.uuid4().hex[:6]}@example.org"
        await add_staff(self.gateway_dsn, email=email, password=PASSWORD, role=role)
        client = self.browser()
        r = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = client.cookies["radar_csrf"]
        return client

    async def decide(self, comment_id: str, decision: str, **why: str) -> None:
        """A moderator's decision, once moderation has the comment in its queue."""
        moderator = await self.staff("moderator")
        path = f"/api/v1/moderation/comments/{comment_id}/decision"

        async def decided() -> bool:
            r = await moderator.post(path, json={"decision": decision, **why})
            assert r.status_code in (200, 404), r.text
            return r.status_code == 200

        await eventually(decided)


@asynccontextmanager
async def start_site(
    new_database: Callable[[str], str], redis_url: str, **gateway_settings: Any
) -> AsyncIterator[Site]:
    common = {"redis_url": redis_url, "internal_token_secret": TOKEN_SECRET}
    catalog_dsn = new_database("catalog")
    await seed_catalog(catalog_dsn, CITY)
    catalog = create_catalog(CatalogSettings(database_url=catalog_dsn, **common))
    participation_dsn = new_database("participation")
    participation = create_participation(ParticipationSettings(database_url=participation_dsn, **common))
    moderation = create_moderation(ModerationSettings(database_url=new_database("moderation"), **common))
    async with AsyncExitStack() as stack:
        catalog_url = await stack.enter_async_context(serving(catalog))
        part_url = await stack.enter_async_context(serving(participation))
        moderation_stack = AsyncExitStack()
        stack.push_async_callback(moderation_stack.aclose)
        mod_url = await moderation_stack.enter_async_context(serving(moderation))
        gateway_dsn = new_database("gateway")
        settings = GatewaySettings(
            database_url=gateway_dsn, catalog_url=catalog_url, participation_url=part_url,
            moderation_url=mod_url, **gateway_settings, **common,
        )  # fmt: skip
        app = create_gateway(settings)
        await stack.enter_async_context(app.router.lifespan_context(app))
        client = await stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")
        )
        for slug in (SLUG, CLOSED):

            async def known(slug: str = slug) -> bool:
                return (await client.get(f"/api/v1/measures/{slug}/comments")).status_code == 200

            await eventually(known)
        yield Site(client, gateway_dsn, participation_dsn, moderation_stack.aclose)


@pytest.fixture
async def site(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[Site]:
    async with start_site(new_database, redis_url) as running:
        yield running


# --- reading the page ----------------------------------------------------------------------------


def hidden(html: str, name: str) -> str:
    found = re.search(f'name="{name}" value="([^"]*)"', html)
    assert found, f"the page has no {name}"
    return found.group(1)


def form_with(html: str, marker: str) -> str:
    """The one <form> of the page that holds this marker (an id or an action)."""
    [form] = [f for f in (part.split("</form>")[0] for part in html.split("<form ")[1:]) if marker in f]
    return form


def comment_block(html: str, comment_id: str) -> str:
    """The markup of one comment: its <li>, with the replies in it."""
    start = html.index(f'<li id="kommentar-{comment_id}"')
    depth = 0
    for tag in re.finditer(r"<li\b|</li>", html[start:]):
        depth += 1 if tag.group(0) == "<li" else -1
        if depth == 0:
            return html[start : start + tag.end()]
    raise AssertionError("the comment's <li> does not end")


async def opened(browser: httpx.AsyncClient, form: str, comment_id: str) -> str:
    """The measure's page with a comment's form opened by its link, as a browser follows it."""
    page = (await browser.get(f"/massnahmen/{SLUG}")).text
    r = await browser.get(form_link(page, form, comment_id).split("#")[0])
    assert r.status_code == 200, r.text
    return r.text


async def send(browser: httpx.AsyncClient, text: str, *, parent: str | None = None, **fields: str) -> Any:
    """Fill the comment form (or the reply form under `parent`) of a freshly loaded page and send it."""
    page = (
        await opened(browser, "antworten", parent)
        if parent
        else (await browser.get(f"/massnahmen/{SLUG}")).text
    )
    form = form_with(page, f'id="reply-{parent}-body"' if parent else 'id="comment-body"')
    data = {"csrf_token": hidden(form, "csrf_token"), "body": text}
    if parent:
        data["parent_id"] = hidden(form, "parent_id")
    return await browser.post(f"/massnahmen/{SLUG}/kommentare", data={**data, **fields})


async def my_comments(browser: httpx.AsyncClient) -> list[dict[str, Any]]:
    if "radar_pid" not in browser.cookies:
        return []  # participation has taken nothing from this browser
    r = await browser.get("/api/v1/me/comments")
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


async def commented(browser: httpx.AsyncClient, text: str, **fields: Any) -> str:
    """A new pending comment's id."""
    r = await send(browser, text, **fields)
    assert r.status_code == 303, r.text
    [mine] = [c for c in await my_comments(browser) if c["body"] == text]
    return str(mine["id"])


async def page_of(browser: httpx.AsyncClient, slug: str = SLUG) -> str:
    r = await browser.get(f"/massnahmen/{slug}")
    assert r.status_code == 200, r.text
    return r.text


# --- comments and replies ------------------------------------------------------------------------


async def test_a_pending_comment_is_shown_in_place_to_its_author_alone(site: Site) -> None:
    author, other = site.browser(), site.browser()
    await page_of(other)  # another browser with a participant cookie of its own
    await commented(other, "Ich bin auch da.")
    text = "Bitte als <b>CSV</b> & JSON.\nUnd mit Zeilenumbruch."

    r = await send(author, text, display_name="Anna")

    assert r.status_code == 303
    assert r.headers["location"] == f"/massnahmen/{SLUG}#kommentare"
    [comment_id] = [c["id"] for c in await my_comments(author)]
    mine = comment_block(await page_of(author), comment_id)
    assert '<strong class="badge">wartet auf Moderation</strong>' in mine
    assert "Bitte als &lt;b&gt;CSV&lt;/b&gt; &amp; JSON.\nUnd mit Zeilenumbruch." in mine
    assert "Anna" in mine and "Zurückziehen" in mine and "Melden" not in mine
    seen_by_other = await page_of(other)
    assert f"kommentar-{comment_id}" not in seen_by_other and "CSV" not in seen_by_other
    assert "CSV" not in await page_of(site.browser())

    await site.decide(comment_id, "approve")

    async def published() -> str | None:
        html = await page_of(other)
        return html if f"kommentar-{comment_id}" in html else None

    shown = comment_block(await eventually(published), comment_id)
    assert "wartet auf Moderation" not in shown and "Zurückziehen" not in shown
    assert (
        form_link(shown, "melden", comment_id)
        == f"/massnahmen/{SLUG}?melden={comment_id}#report-{comment_id}-reason"
    )
    assert "Anna" in shown and "<form" not in shown  # the forms under a comment come on demand


async def test_a_rejected_comment_shows_its_author_the_clause_and_the_note(site: Site) -> None:
    author = site.browser()
    comment_id = await commented(author, "Das ist alles Unsinn von euch.")

    await site.decide(comment_id, "reject", reason="INSULT", note="Bitte sachlich bleiben.")

    async def rejected() -> str | None:
        html = await page_of(author)
        return html if '<strong class="badge">abgelehnt</strong>' in html else None

    mine = comment_block(await eventually(rejected), comment_id)
    assert "Nicht veröffentlicht wegen: Keine Beleidigungen" in mine
    assert INSULT_TEXT in mine and "Bitte sachlich bleiben." in mine
    assert "Das ist alles Unsinn von euch." in mine
    assert "Unsinn" not in await page_of(site.browser())
    english = (await author.get(f"/massnahmen/{SLUG}", params={"lang": "en"})).text
    assert "Not published because of: No insults" in english and "Abuse, insults, threats" in english
    assert "0 of 2,000 characters" not in english and 'data-counter="{n} of 2,000 characters"' in english
    for html in (await page_of(author), english):  # every text has its key's words
        assert re.findall(r"[^/\w](?:thread|rating|comment|report|limit|wait|err)\.[\w.]+", html) == []


async def test_a_reply_is_nested_under_its_comment_once_approved(site: Site) -> None:
    first, second = site.browser(), site.browser()
    top = await commented(first, "Gute Idee!")
    await site.decide(top, "approve")
    await eventually(lambda: _shows(site.browser(), f"kommentar-{top}"))

    reply = await commented(second, "Finde ich auch.", parent=top)
    assert f"kommentar-{reply}" not in await page_of(first)
    await site.decide(reply, "approve")
    await eventually(lambda: _shows(first, f"kommentar-{reply}"))
    # the public page is kept until participation.changed reaches the gateway: a moment later
    await eventually(lambda: _shows(site.browser(), f"kommentar-{reply}"))

    html = await page_of(site.browser())
    block = comment_block(html, top)
    assert block.index('<ol class="comments replies"') < block.index(f'<li id="kommentar-{reply}"')
    assert "Finde ich auch." in comment_block(block, reply)
    assert f"antworten={reply}" not in html  # two levels: a reply takes no replies
    assert form_link(html, "antworten", top) == f"/massnahmen/{SLUG}?antworten={top}#reply-{top}-body"

    token = hidden(await page_of(first), "csrf_token")
    withdrawn = await first.post(
        f"/massnahmen/{SLUG}/kommentare/{top}/zurueckziehen", data={"csrf_token": token}
    )
    assert withdrawn.status_code == 303
    own = comment_block(await page_of(first), top)  # its author sees it at once (a page of their own)
    assert "Dieser Kommentar wurde zurückgezogen." in own and "Gute Idee!" not in own
    # everyone else as soon as this gateway hears participation.changed (the kept page goes then)
    await eventually(lambda: _shows_text(site.browser(), "Dieser Kommentar wurde zurückgezogen."))
    block = comment_block(await page_of(site.browser()), top)
    assert "Dieser Kommentar wurde zurückgezogen." in block and "Gute Idee!" not in block
    assert "Finde ich auch." in comment_block(block, reply) and f"antworten={top}" not in block


async def _shows(browser: httpx.AsyncClient, marker: str) -> bool:
    return marker in await page_of(browser)


async def test_the_same_text_sent_twice_stores_one_comment_and_another_text_a_second(site: Site) -> None:
    browser = site.browser()
    page = await page_of(browser)
    form = form_with(page, 'id="comment-body"')
    data = {"csrf_token": hidden(form, "csrf_token"), "body": "Einmal."}

    first = await browser.post(f"/massnahmen/{SLUG}/kommentare", data=data)
    again = await browser.post(f"/massnahmen/{SLUG}/kommentare", data=data)  # Back, then send again

    assert first.status_code == again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    assert [c["body"] for c in await my_comments(browser)] == ["Einmal."]
    other_text = await browser.post(f"/massnahmen/{SLUG}/kommentare", data={**data, "body": "Anders."})
    assert other_text.status_code == 303
    assert sorted(c["body"] for c in await my_comments(browser)) == ["Anders.", "Einmal."]
    other_browser = site.browser()
    form = form_with(await page_of(other_browser), 'id="comment-body"')
    same_text = {"csrf_token": hidden(form, "csrf_token"), "body": "Einmal."}
    assert (await other_browser.post(f"/massnahmen/{SLUG}/kommentare", data=same_text)).status_code == 303
    assert [c["body"] for c in await my_comments(other_browser)] == ["Einmal."]  # another person's own


async def test_an_over_long_comment_comes_back_whole_with_the_reason_at_the_field(site: Site) -> None:
    browser = site.browser()
    text = "Ein langer Gedanke. " * 150  # 3,000 characters

    r = await send(browser, text, display_name="Bert")

    assert r.status_code == 422
    textarea = re.search(r"<textarea [^>]*>", r.text)
    assert textarea is not None
    tag = textarea.group(0)
    assert 'aria-invalid="true"' in tag and "autofocus" in tag and "maxlength" not in tag
    assert 'aria-describedby="comment-hint comment-error"' in tag
    assert 'id="comment-error"' in r.text and "Der Kommentar ist zu lang" in r.text
    assert f"{tag}\n{text}</textarea>" in r.text  # whole, not cut
    assert 'value="Bert"' in r.text
    assert r.text.count("autofocus") == 1
    assert await my_comments(browser) == []


async def test_a_bad_display_name_is_shown_at_the_name_field(site: Site) -> None:
    r = await send(site.browser(), "Hallo", display_name="x" * 61)

    assert r.status_code == 422 and "Der Name ist zu lang" in r.text
    name = re.search(r'<input type="text" id="comment-name"[^>]*>', r.text)
    assert name is not None and 'aria-invalid="true"' in name.group(0) and "autofocus" in name.group(0)
    assert "comment-name-error" in name.group(0)


async def test_every_address_a_form_leaves_can_be_asked_for_again(site: Site) -> None:
    browser = site.browser()
    for path, target in [
        (f"/massnahmen/{SLUG}/kommentare", f"/massnahmen/{SLUG}#kommentare"),
        (f"/massnahmen/{SLUG}/kommentare/{uuid.uuid4()}/zurueckziehen", f"/massnahmen/{SLUG}#kommentare"),
        (f"/massnahmen/{SLUG}/bewertung", f"/massnahmen/{SLUG}#bewertung"),
        (f"/massnahmen/{SLUG}/bewertung/entfernen", f"/massnahmen/{SLUG}#bewertung"),
        (f"/kommentare/{uuid.uuid4()}/melden?massnahme={SLUG}", f"/massnahmen/{SLUG}#kommentare"),
        (f"/kommentare/{uuid.uuid4()}/melden?massnahme=//evil.example", "/"),
    ]:
        r = await browser.get(path)
        assert (r.status_code, r.headers["location"]) == (303, target), path
    assert (await browser.get("/massnahmen/Nicht%20da/kommentare")).status_code == 404


async def test_forms_need_the_form_token(site: Site) -> None:
    author, other = site.browser(), site.browser()
    comment_id = await commented(author, "Token bitte.")
    await site.decide(comment_id, "approve")
    await eventually(lambda: _shows(other, f"kommentar-{comment_id}"))
    for path, data in [
        (f"/massnahmen/{SLUG}/kommentare", {"body": "Ohne Token"}),
        (f"/massnahmen/{SLUG}/bewertung", {"stars": "4"}),
        (f"/massnahmen/{SLUG}/kommentare/{comment_id}/zurueckziehen", {}),
        (f"/kommentare/{comment_id}/melden", {"massnahme": SLUG, "reason": "SPAM"}),
    ]:
        r = await other.post(path, data=data)
        assert r.status_code == 403 and "Das Formular ist abgelaufen" in r.text, path
    assert [c["status"] for c in await my_comments(author)] == ["published"]
    assert "Ihre Bewertung" not in await page_of(other)


async def test_an_author_withdraws_their_comment_and_nobody_else_can(site: Site) -> None:
    author, other = site.browser(), site.browser()
    comment_id = await commented(author, "Doch nicht.")
    token = hidden(await page_of(other), "csrf_token")
    path = f"/massnahmen/{SLUG}/kommentare/{comment_id}/zurueckziehen"

    refused = await other.post(path, data={"csrf_token": token})
    assert refused.status_code == 404 and "Diesen Kommentar gibt es nicht (mehr)." in refused.text
    assert 'id="thread-error"' in refused.text

    done = await author.post(path, data={"csrf_token": hidden(await page_of(author), "csrf_token")})
    assert done.status_code == 303
    assert done.headers["location"] == f"/massnahmen/{SLUG}#kommentare"
    assert [c["status"] for c in await my_comments(author)] == ["withdrawn"]
    html = (await author.get(done.headers["location"])).text
    assert "Doch nicht." not in html and "Ihr Kommentar ist zurückgezogen." in html


# --- ratings -------------------------------------------------------------------------------------


async def rate(browser: httpx.AsyncClient, stars: str, slug: str = SLUG) -> httpx.Response:
    token = hidden(await page_of(browser, slug), "csrf_token")
    return await browser.post(f"/massnahmen/{slug}/bewertung", data={"csrf_token": token, "stars": stars})


async def test_ratings_show_mean_count_distribution_and_the_viewers_own(site: Site) -> None:
    first, second = site.browser(), site.browser()
    assert "Noch keine Bewertungen." in await page_of(first)

    r = await rate(first, "5")
    await rate(second, "2")

    assert r.status_code == 303
    assert r.headers["location"] == f"/massnahmen/{SLUG}#bewertung"
    html = (await first.get(r.headers["location"])).text
    assert "Ihre Bewertung ist gespeichert." in html
    assert "Durchschnitt: 3,5 von 5 Sternen aus 2 Bewertungen" in html
    for line in ("5 Sterne: 1", "4 Sterne: 0", "3 Sterne: 0", "2 Sterne: 1", "1 Stern: 0"):
        assert f'<span class="rating-label">{line}</span>' in html
    assert 'id="rating-5" name="stars" value="5" checked' in html and html.count(" checked") == 1
    assert "Ihre Bewertung: 5 Sterne" in html
    theirs = await page_of(second)
    assert 'id="rating-2" name="stars" value="2" checked' in theirs and theirs.count(" checked") == 1

    changed = await rate(first, "3")
    assert changed.status_code == 303
    assert "Durchschnitt: 2,5 von 5 Sternen aus 2 Bewertungen" in await page_of(first)
    token = hidden(await page_of(first), "csrf_token")
    removed = await first.post(f"/massnahmen/{SLUG}/bewertung/entfernen", data={"csrf_token": token})
    assert removed.headers["location"] == f"/massnahmen/{SLUG}#bewertung"
    after = await page_of(first)
    assert "Durchschnitt: 2,0 von 5 Sternen aus 1 Bewertung" in after and "Bewertung entfernen" not in after


async def test_a_rating_without_stars_is_refused_beside_the_choices(site: Site) -> None:
    r = await rate(site.browser(), "")

    assert r.status_code == 422 and "Bitte wählen Sie 1 bis 5 Sterne." in r.text
    assert '<fieldset aria-describedby="rating-error">' in r.text
    assert 'id="rating-1" name="stars" value="1" autofocus' in r.text
    out_of_range = await rate(site.browser(), "7")
    assert out_of_range.status_code == 422 and "Bitte wählen Sie 1 bis 5 Sterne." in out_of_range.text


# --- an archived measure --------------------------------------------------------------------------


async def test_an_archived_measure_shows_its_figures_but_takes_nothing(site: Site) -> None:
    citizen = site.browser()
    assert (await rate(citizen, "4", CLOSED)).status_code == 303
    editor = await site.staff("editor")
    r = await editor.post(
        f"/api/v1/measures/{CLOSED}/archive", json={"change_note": "Vorbei.", "expected_version": 1}
    )
    assert r.status_code == 200, r.text

    async def closed_for_participation() -> bool:
        conn = await asyncpg.connect(site.participation_dsn)
        try:
            return bool(await conn.fetchval("SELECT archived FROM measures WHERE slug = $1", CLOSED))
        finally:
            await conn.close()

    await eventually(closed_for_participation)

    async def archived_on_the_page() -> bool:
        return "Diese Maßnahme ist archiviert." in await page_of(citizen, CLOSED)

    # the page reads the measure from the gateway's kept catalog answers, which go once measure.archived
    # reaches the gateway: a moment after participation has it
    await eventually(archived_on_the_page)
    html = await page_of(citizen, CLOSED)
    token = hidden(html, "csrf_token")
    sent = await citizen.post(
        f"/massnahmen/{CLOSED}/kommentare", data={"csrf_token": token, "body": "Zu spät?"}
    )
    assert sent.status_code == 409 and 'id="thread-error"' in sent.text
    assert "Diese Maßnahme ist archiviert und nimmt keine Kommentare mehr an." in sent.text
    assert 'id="comment-body"' not in html and 'name="stars"' not in html
    assert "Durchschnitt: 4,0 von 5 Sternen aus 1 Bewertung" in html
    assert "Die Maßnahme ist archiviert: Kommentare und Antworten sind geschlossen." in html
    rated = await rate(citizen, "2", CLOSED)
    assert rated.status_code == 409 and "nimmt keine Bewertungen mehr an" in rated.text
    assert 'id="rating-error"' in rated.text
    assert await my_comments(citizen) == []


# --- reports -------------------------------------------------------------------------------------


async def test_a_report_goes_to_moderation_and_a_second_one_is_refused(site: Site) -> None:
    author, reader = site.browser(), site.browser()
    comment_id = await commented(author, "Kauft alle bei mir ein.")
    await site.decide(comment_id, "approve")
    await eventually(lambda: _shows(reader, f"kommentar-{comment_id}"))
    html = await opened(reader, "melden", comment_id)
    form = form_with(html, f"/kommentare/{comment_id}/melden")
    assert html.count("<form ") == (await page_of(reader)).count("<form ") + 1  # this comment's form alone
    assert f'<select id="report-{comment_id}-reason" name="reason" required autofocus>' in form
    assert '<option value="">Bitte wählen</option>' in form
    assert '<option value="SPAM">Keine Werbung, kein Spam</option>' in form
    assert "melden=" not in comment_block(await page_of(author), comment_id)  # not one's own
    data = {
        "csrf_token": hidden(form, "csrf_token"),
        "massnahme": hidden(form, "massnahme"),
        "reason": "SPAM",
    }

    no_reason = await reader.post(f"/kommentare/{comment_id}/melden", data={**data, "reason": ""})
    assert no_reason.status_code == 422
    assert "Bitte wählen Sie eine Regel der Netiquette als Grund." in comment_block(
        no_reason.text, comment_id
    )
    first = await reader.post(f"/kommentare/{comment_id}/melden", data=data)
    landed = await reader.get(first.headers["location"])  # as a browser follows the redirect at once
    second = await reader.post(f"/kommentare/{comment_id}/melden", data=data)

    assert first.status_code == 303
    assert first.headers["location"] == f"/massnahmen/{SLUG}#kommentare"
    assert "Danke. Ihre Meldung ist bei der Moderation." in landed.text
    assert "Danke. Ihre Meldung ist bei der Moderation." not in second.text  # shown once, not again
    assert second.status_code == 409
    block = comment_block(second.text, comment_id)
    assert (
        "Sie haben diesen Kommentar schon gemeldet." in block and f'id="report-{comment_id}-error"' in block
    )
    assert f'<div class="comment-action" id="report-{comment_id}">' in block  # the form, beside its refusal
    own = await author.post(
        f"/kommentare/{comment_id}/melden",
        data={**data, "csrf_token": hidden(await page_of(author), "csrf_token")},
    )
    assert own.status_code == 422 and "Den eigenen Kommentar meldet man nicht" in own.text


async def test_without_moderation_the_page_works_shows_codes_and_offers_no_report(site: Site) -> None:
    author, reader = site.browser(), site.browser()
    published = await commented(author, "Sachlich und freundlich.")
    rejected = await commented(author, "Unfreundlich.")
    await site.decide(published, "approve")
    await site.decide(rejected, "reject", reason="RESPECT")
    await eventually(lambda: _shows(reader, f"kommentar-{published}"))
    await eventually(lambda: _shows_text(author, "abgelehnt</strong>"))

    await site.stop_moderation()

    html = await page_of(author)
    assert "Nicht veröffentlicht wegen: RESPECT" in comment_block(html, rejected)
    # the page kept from before still offers reports (participation takes them and moderation reads
    # them once it is back); once a rating changes the page, it is rendered anew without moderation
    rater = site.browser()
    assert (await rate(rater, "4")).status_code == 303
    await eventually(lambda: _lacks_text(reader, "melden="))
    assert len(pages_kept(site)) == 0  # a page rendered without one of its parts is not kept


async def _shows_text(browser: httpx.AsyncClient, text: str) -> bool:
    return text in await page_of(browser)


async def _lacks_text(browser: httpx.AsyncClient, text: str) -> bool:
    return text not in await page_of(browser)


def pages_kept(site: Site) -> PublicReadCache:
    """The gateway's rendered-page cache."""
    pages: PublicReadCache = site.client._transport.app.state.gateway.pages  # type: ignore[attr-defined]
    return pages


# --- rate limits ---------------------------------------------------------------------------------


def wait_words(seconds: int) -> str:
    return f"{seconds} Sekunden" if seconds <= 60 else f"{math.ceil(seconds / 60)} Minuten"


async def test_a_rate_limit_names_the_wait_and_sends_retry_after(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    limits = {"comments_per_window": 1, "ratings_per_window": 1, "reports_per_window": 1}
    async with start_site(new_database, redis_url, **limits) as limited:
        browser, reader = limited.browser(), limited.browser()
        comment_id = await commented(browser, "Erster.")
        assert (await rate(browser, "4")).status_code == 303
        await limited.decide(comment_id, "approve")
        await eventually(lambda: _shows(reader, f"kommentar-{comment_id}"))
        form = form_with(await opened(reader, "melden", comment_id), f"/kommentare/{comment_id}/melden")
        data = {"csrf_token": hidden(form, "csrf_token"), "massnahme": SLUG, "reason": "OFF_TOPIC"}
        assert (await reader.post(f"/kommentare/{comment_id}/melden", data=data)).status_code == 303

        comment = await send(browser, "Zweiter.")
        rating = await rate(browser, "5")
        report = await reader.post(f"/kommentare/{comment_id}/melden", data={**data, "reason": "SPAM"})

        assert comment.status_code == rating.status_code == report.status_code == 429
        for r, words in (
            (comment, "viele Kommentare gesendet"),
            (rating, "oft bewertet"),
            (report, "viele Meldungen eingegangen"),
        ):
            wait = int(r.headers["retry-after"])
            assert wait > 0 and words in r.text
            assert f"Bitte warten Sie {wait_words(wait)}" in r.text
        assert "Zweiter." in comment.text and 'aria-invalid="true"' in comment.text
        assert [c["body"] for c in await my_comments(browser)] == ["Erster."]


# --- the page itself -----------------------------------------------------------------------------


async def test_the_counter_script_is_served_and_the_page_may_stay_in_the_browsers_history(site: Site) -> None:
    r = await site.client.get(f"/massnahmen/{SLUG}")
    script = re.search(r'<script src="(/static/comment\.js\?v=[0-9a-f]+)" defer></script>', r.text)

    assert script is not None
    served = await site.client.get(script.group(1))
    assert served.status_code == 200 and "javascript" in served.headers["content-type"]
    assert "data-counter-max" in served.text and "aria-live" in served.text
    tag = re.search(r"<textarea [^>]*>", r.text)
    assert tag is not None and 'data-counter-max="2000"' in tag.group(0)
    assert 'data-counter="{n} von 2.000 Zeichen"' in tag.group(0)
    assert r.headers["cache-control"] == "private, no-cache"
    assert 'href="/netiquette"' in r.text and "pseudonymes Cookie" in r.text


async def test_a_form_sent_with_an_erased_pseudonym_says_so_and_the_next_one_takes_a_new_one(
    site: Site,
) -> None:
    browser = site.browser()
    await commented(browser, "Vor der Löschung geschrieben.")
    erased = browser.cookies["radar_pid"]
    stale = site.browser()  # the same cookie, kept by a second tab's request that raced the erasure
    for cookie in browser.cookies.jar:
        stale.cookies.jar.set_cookie(cookie)
    assert (await browser.post("/api/v1/me/erasure")).status_code == 202

    refused = await send(stale, "Nach der Löschung geschrieben.")
    assert refused.status_code == 403
    assert "unter einem neuen Kennzeichen" in refused.text
    assert "radar_pid" not in stale.cookies, "the erased pseudonym was kept"
    await commented(stale, "Unter neuem Kennzeichen geschrieben.")
    assert stale.cookies["radar_pid"] != erased
