"""The moderators' pages on real servers (catalog, participation, moderation, gateway; no browser).

Staff log in through the log-in page; every action is the plain form a browser would send,
with the form token taken from the page, and its effect is read back where people see it.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from radar_catalog.config import CatalogSettings
from radar_catalog.main import create_app as create_catalog
from radar_gateway.accounts import add_staff
from radar_gateway.config import GatewaySettings
from radar_gateway.main import create_app as create_gateway
from radar_gateway.web.i18n import has_text
from radar_moderation.config import ModerationSettings
from radar_moderation.main import create_app as create_moderation
from radar_participation.config import ParticipationSettings
from radar_participation.main import create_app as create_participation
from tests.conftest import TOKEN_SECRET
from tests.integration.gateway_system import serving
from tests.integration.helpers import eventually, seed_catalog

pytestmark = pytest.mark.integration
PASSWORD = "correct horse battery staple"
TITLE = "Bürgerbüro & Online-Termine"
INSULT = "Der Stadtrat ist ein Haufen Vollidioten!"
EMAIL = "Fragen bitte an max.mustermann@example.org"
MODERATION = Path(__file__).parents[2] / "services" / "moderation" / "radar_moderation"


def city(slug: str) -> dict[str, Any]:
    return {
        "core_areas": [{"slug": "verwaltung", "name": "Verwaltung"}],
        "fields": [{"slug": "buergerservice", "name": "Bürgerservice", "core_area": "verwaltung"}],
        "measures": [{"slug": slug, "title": TITLE, "field": "buergerservice", "status": "in_umsetzung"}],
    }


@dataclass
class Desk:
    """The whole system behind the gateway, with one published measure."""

    client: httpx.AsyncClient
    gateway_dsn: str
    moderation_pool: asyncpg.Pool
    slug: str

    def browser(self) -> httpx.AsyncClient:
        """Another browser: its own cookies."""
        return httpx.AsyncClient(transport=self.client._transport, base_url="http://gateway")

    async def account(self, role: str) -> str:
        email = f"{role}-{uuid.uuid4().hex[:6]}@example.org"
        await add_staff(self.gateway_dsn, email=email, password=PASSWORD, role=role)
        return email

    async def log_in(self, email: str, *, next_path: str | None = None) -> tuple[httpx.AsyncClient, str]:
        """A browser logged in through the log-in page, and where the log-in sent it."""
        browser = self.browser()
        login = await browser.get("/anmelden", params={"next": next_path} if next_path else None)
        fields = {"email": email, "password": PASSWORD, "csrf_token": form_token(login.text)}
        if found := re.search(r'name="next" value="([^"]*)"', login.text):
            fields["next"] = html.unescape(found.group(1))
        r = await browser.post("/anmelden", data=fields)
        assert r.status_code == 303, r.text
        return browser, r.headers["location"]

    async def staff(self, role: str) -> httpx.AsyncClient:
        browser, _ = await self.log_in(await self.account(role))
        return browser

    async def comment(self, text: str, *, author: httpx.AsyncClient | None = None) -> str:
        """A citizen's comment on the measure, once it waits in moderation's queue."""
        author = author or self.browser()
        r = await author.post(f"/api/v1/measures/{self.slug}/comments", json={"body": text})
        assert r.status_code == 202, r.text
        comment_id = r.json()["id"]

        async def queued() -> bool:
            return bool(await self.state(comment_id))

        await eventually(queued)
        return str(comment_id)

    async def state(self, comment_id: str) -> str | None:
        sql = "SELECT state FROM queue_items WHERE comment_id = $1"
        state = await self.moderation_pool.fetchval(sql, uuid.UUID(comment_id))
        return str(state) if state else None

    async def shown_on_measure_page(self, text: str) -> bool:
        page = await self.browser().get(f"/massnahmen/{self.slug}")
        assert page.status_code == 200
        return html.escape(text, quote=False) in page.text


@pytest.fixture
async def desk(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[Desk]:
    common = {"redis_url": redis_url, "internal_token_secret": TOKEN_SECRET}
    slug = f"buergerbuero-{uuid.uuid4().hex[:6]}"
    catalog_dsn = new_database("catalog")
    await seed_catalog(catalog_dsn, city(slug))
    catalog_app = create_catalog(CatalogSettings(database_url=catalog_dsn, **common))
    part_app = create_participation(
        ParticipationSettings(database_url=new_database("participation"), **common)
    )
    mod_app = create_moderation(ModerationSettings(database_url=new_database("moderation"), **common))
    async with (
        serving(catalog_app) as catalog_url,
        serving(part_app) as part_url,
        serving(mod_app) as mod_url,
    ):
        gateway_dsn = new_database("gateway")
        settings = GatewaySettings(
            database_url=gateway_dsn, catalog_url=catalog_url, participation_url=part_url,
            moderation_url=mod_url, comments_per_window=100, reports_per_window=100, **common,
        )  # fmt: skip
        app = create_gateway(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:

                async def measure_known() -> bool:
                    r = await client.get(f"/api/v1/measures/{slug}/comments")
                    return r.status_code == 200

                await eventually(measure_known)
                yield Desk(client, gateway_dsn, mod_app.state.runtime.pool, slug)


def form_token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no form token"
    return found.group(1)


def queue_ids(page: str) -> list[str]:
    return re.findall(r'<article id="k-([0-9a-f-]{36})"', page)


def item_html(page: str, comment_id: str) -> str:
    start = page.index(f'<article id="k-{comment_id}"')
    return page[start : page.index("</article>", start)]


async def queue_page(moderator: httpx.AsyncClient, **params: str) -> str:
    r = await moderator.get("/moderation", params=params)
    assert r.status_code == 200, r.text
    return r.text


async def test_a_log_in_lands_on_the_home_of_the_accounts_role(desk: Desk) -> None:
    assert 'name="next"' not in (await desk.browser().get("/anmelden")).text  # no editor by default
    moderator = await desk.account("moderator")
    for asked, landed in (
        (None, "/moderation"),
        ("/redaktion", "/moderation"),
        ("/redaktion/massnahmen/neu", "/moderation"),
        ("/moderation/protokoll", "/moderation"),
        ("/moderation/meldungen", "/moderation/meldungen"),
        (f"/massnahmen/{desk.slug}", f"/massnahmen/{desk.slug}"),
    ):
        browser, location = await desk.log_in(moderator, next_path=asked)
        assert location == landed, asked
        assert (await browser.get(location)).status_code == 200

    editor = await desk.account("editor")
    for asked in (None, "/redaktion", "/moderation"):
        _, location = await desk.log_in(editor, next_path=asked)
        assert location == "/redaktion", asked

    admin, location = await desk.log_in(await desk.account("admin"))
    assert location == "/redaktion"
    _, location = await desk.log_in(await desk.account("admin"), next_path="/moderation/protokoll")
    assert location == "/moderation/protokoll"
    nav = (await admin.get("/moderation")).text
    assert '<a href="/moderation">Moderation</a>' in nav and '<a href="/redaktion">Redaktion</a>' in nav
    assert 'href="/moderation/protokoll"' in nav


async def test_the_moderation_pages_are_for_moderators_and_the_audit_log_for_admins(desk: Desk) -> None:
    comment_id = await desk.comment("Bitte auch am Samstag.")
    anonymous = await desk.browser().get("/moderation")
    assert (anonymous.status_code, anonymous.headers["location"]) == (303, "/anmelden?next=%2Fmoderation")
    sent_after_log_out = await desk.browser().post(f"/moderation/kommentare/{comment_id}/uebernehmen")
    assert sent_after_log_out.headers["location"] == "/anmelden?next="  # then the role's home

    editor = await desk.staff("editor")
    for path in ("/moderation", "/moderation/meldungen", "/moderation/protokoll"):
        refused = await editor.get(path)
        assert refused.status_code == 403 and "Kein Zugriff" in refused.text, path
    token = form_token((await editor.get("/redaktion")).text)
    r = await editor.post(
        f"/moderation/kommentare/{comment_id}/entscheidung", data={"decision": "approve", "csrf_token": token}
    )
    assert r.status_code == 403 and await desk.state(comment_id) == "pending"

    moderator = await desk.staff("moderator")
    queue = await queue_page(moderator)
    assert '<a href="/moderation">Moderation</a>' in queue and 'href="/redaktion"' not in queue
    assert 'href="/moderation/protokoll"' not in queue  # not offered ...
    refused = await moderator.get("/moderation/protokoll")
    assert refused.status_code == 403 and "Kein Zugriff" in refused.text  # ... and not shown
    assert '<a href="/moderation" aria-current="page">Warteschlange</a>' in queue
    reports = (await moderator.get("/moderation/meldungen")).text
    assert '<a href="/moderation/meldungen" aria-current="page">Meldungen</a>' in reports

    admin = await desk.staff("admin")
    assert (await admin.get("/moderation/protokoll")).status_code == 200
    assert (await admin.get("/moderation")).status_code == 200
    r = await moderator.post("/moderation/kommentare/not-a-uuid/uebernehmen", data={"csrf_token": token})
    assert r.status_code == 404


async def test_the_queue_shows_each_comment_with_its_measure_flags_and_reasons(desk: Desk) -> None:
    author = desk.browser()
    insult = await desk.comment(INSULT, author=author)
    tricky = await desk.comment('Erste Zeile\n<script>alert("x")</script> & zweite', author=author)
    moderator = await desk.staff("moderator")

    async def titled() -> str | None:
        page = await queue_page(moderator)
        return page if TITLE.replace("&", "&amp;") in page else None

    page = await eventually(titled)
    assert queue_ids(page) == [insult, tricky]  # oldest first
    item = item_html(page, insult)
    assert f'<a href="/massnahmen/{desk.slug}">Bürgerbüro &amp; Online-Termine</a>' in item
    assert desk.slug not in re.sub(r'href="[^"]*"', "", item)  # the title, not an id or slug
    assert "Beleidigung oder Vulgärsprache" in item  # the flag, in words
    assert "(gefunden: idiot)" in item  # what the check found
    assert '<a href="/netiquette#INSULT">Keine Beleidigungen</a>' in item  # the clause it points to
    assert "Beschimpfungen, Beleidigungen" in item  # and its text
    assert "Von derselben Person: 2 in 24 Stunden, 2 in 7 Tagen" in item
    assert "Von niemandem übernommen" in item
    assert 'value="INSULT" selected' in item  # the flag's clause is offered as the reason
    tricky_item = item_html(page, tricky)
    assert "Erste Zeile\n&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; zweite" in tricky_item
    assert "<script>" not in page
    assert "Keine automatischen Hinweise." in tricky_item
    for action in ("Übernehmen", "Freigeben", "Ablehnen", "Zur Sammelfreigabe auswählen"):
        names = re.findall(rf'>{action}<span class="visually-hidden"> – ([^<]+)</span>', page)
        assert names == [
            "Kommentar 1 („Der Stadtrat ist ein Haufen Vollidioten!“)",
            "Kommentar 2 („Erste Zeile &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;…“)",
        ]


async def test_claim_approve_and_reject_through_the_forms_need_the_form_token(desk: Desk) -> None:
    first = await desk.comment("Gute Idee, bitte bald.")
    second = await desk.comment(INSULT)
    moderator, other = await desk.staff("moderator"), await desk.staff("moderator")
    token = form_token(await queue_page(moderator))
    claim = f"/moderation/kommentare/{first}/uebernehmen"
    decide = f"/moderation/kommentare/{first}/entscheidung"

    no_token = await moderator.post(claim, data={"weiter": first})
    assert no_token.status_code == 403 and "Das Formular ist abgelaufen" in no_token.text
    assert "Fehlercode: CSRF_FAILED" in no_token.text
    assert "Von niemandem übernommen" in item_html(no_token.text, first)
    claimed = await moderator.post(claim, data={"csrf_token": token, "weiter": first})
    assert claimed.status_code == 303
    assert claimed.headers["location"] == f"/moderation#k-{first}"
    page = await queue_page(moderator)  # the notice comes along in a cookie
    assert "Sie haben den Kommentar übernommen." in page
    assert "Von Ihnen übernommen bis" in item_html(page, first)
    assert f"/moderation/kommentare/{first}/uebernehmen" not in page  # claimed once is enough

    other_page = await queue_page(other)
    assert "In Bearbeitung durch moderator-" in item_html(other_page, first)  # who holds it, by e-mail
    assert f"/moderation/kommentare/{first}/entscheidung" not in other_page
    taken = await other.post(decide, data={"decision": "approve", "csrf_token": form_token(other_page)})
    assert taken.status_code == 409 and "CLAIMED_BY_OTHER" in taken.text
    assert "Eine andere Person aus der Moderation bearbeitet diesen Kommentar gerade." in taken.text

    no_token = await moderator.post(decide, data={"decision": "approve"})
    assert no_token.status_code == 403 and await desk.state(first) == "pending"
    approved = await moderator.post(
        decide, data={"decision": "approve", "csrf_token": token, "weiter": second}
    )
    assert approved.status_code == 303
    assert approved.headers["location"] == f"/moderation#k-{second}"  # on to the next
    assert await desk.state(first) == "approved"
    assert await eventually(lambda: desk.shown_on_measure_page("Gute Idee, bitte bald."))
    again = await moderator.post(decide, data={"decision": "approve", "csrf_token": token})
    assert again.status_code == 409 and "Über diesen Kommentar ist schon entschieden." in again.text
    hide = await moderator.post(decide, data={"decision": "hide", "reason": "INSULT", "csrf_token": token})
    assert hide.status_code == 422 and "Fehlercode: DECISION_UNKNOWN" in hide.text  # not from the queue
    assert await desk.state(first) == "approved"
    assert "Fehlercode: COMMENT_ALREADY_DECIDED" in again.text

    reject = f"/moderation/kommentare/{second}/entscheidung"
    note = "Bitte ohne Schimpfwörter."
    no_reason = await moderator.post(reject, data={"decision": "reject", "note": note, "csrf_token": token})
    assert no_reason.status_code == 422 and "Fehlercode: REASON_REQUIRED" in no_reason.text
    item = item_html(no_reason.text, second)
    assert f">{note}</textarea>" in item and 'aria-invalid="true"' in item  # kept, and marked
    too_long = await moderator.post(
        reject, data={"decision": "reject", "reason": "INSULT", "note": "x" * 1001, "csrf_token": token}
    )
    assert too_long.status_code == 422 and "Fehlercode: NOTE_TOO_LONG" in too_long.text
    assert 'value="INSULT" selected' in item_html(too_long.text, second)
    rejected = await moderator.post(
        reject, data={"decision": "reject", "reason": "INSULT", "note": note, "csrf_token": token}
    )
    assert rejected.status_code == 303 and rejected.headers["location"] == "/moderation"
    assert await desk.state(second) == "rejected"
    assert "Keine Kommentare warten auf Moderation." in await queue_page(moderator)
    assert not await desk.shown_on_measure_page(INSULT)


async def test_the_flag_filter_narrows_the_queue_and_actions_keep_it(desk: Desk) -> None:
    insult, email, clean = [
        await desk.comment(text) for text in (INSULT, EMAIL, "Wann kommt das in die Bezirke?")
    ]
    moderator = await desk.staff("moderator")
    assert queue_ids(await queue_page(moderator)) == [insult, email, clean]
    only = await queue_page(moderator, flag="PROFANITY")
    assert queue_ids(only) == [insult]
    assert '<option value="PROFANITY" selected>' in only
    assert "1 Kommentar mit dem Hinweis „Beleidigung oder Vulgärsprache“" in only
    assert queue_ids(await queue_page(moderator, flag="EMAIL_ADDRESS")) == [email]
    unknown = await moderator.get("/moderation", params={"flag": "NOPE"})
    assert unknown.status_code == 422 and "Fehlercode: FLAG_UNKNOWN" in unknown.text
    assert queue_ids(unknown.text) == [insult, email, clean]

    token = form_token(only)
    r = await moderator.post(
        f"/moderation/kommentare/{insult}/uebernehmen",
        data={"csrf_token": token, "flag": "PROFANITY", "weiter": insult},
    )
    assert r.headers["location"] == f"/moderation?flag=PROFANITY#k-{insult}"


async def test_bulk_approval_approves_all_selected_or_none(desk: Desk) -> None:
    one, two, three = [await desk.comment(f"Vorschlag Nummer {n}") for n in (1, 2, 3)]
    moderator = await desk.staff("moderator")
    page = await queue_page(moderator)
    assert page.count('form="mod-bulk"') == 3 and 'action="/moderation/sammelfreigabe"' in page
    token = form_token(page)

    approved = await moderator.post(
        "/moderation/sammelfreigabe", data={"ids": [one, two], "csrf_token": token}
    )
    assert approved.status_code == 303 and approved.headers["location"] == "/moderation"
    assert [await desk.state(c) for c in (one, two, three)] == ["approved", "approved", "pending"]
    assert await eventually(lambda: desk.shown_on_measure_page("Vorschlag Nummer 2"))

    refused = await moderator.post(
        "/moderation/sammelfreigabe", data={"ids": [three, one], "csrf_token": token}
    )
    assert refused.status_code == 409 and "Fehlercode: BULK_REFUSED" in refused.text
    assert "Nichts wurde freigegeben" in refused.text
    assert await desk.state(three) == "pending"  # all or nothing
    nothing = await moderator.post("/moderation/sammelfreigabe", data={"csrf_token": token})
    assert nothing.status_code == 422 and "Fehlercode: BULK_SIZE" in nothing.text
    no_token = await moderator.post("/moderation/sammelfreigabe", data={"ids": [three]})
    assert no_token.status_code == 403 and await desk.state(three) == "pending"


async def published(desk: Desk, moderator: httpx.AsyncClient, text: str) -> str:
    comment_id = await desk.comment(text)
    token = form_token(await queue_page(moderator))
    r = await moderator.post(
        f"/moderation/kommentare/{comment_id}/entscheidung", data={"decision": "approve", "csrf_token": token}
    )
    assert r.status_code == 303
    await eventually(lambda: desk.shown_on_measure_page(text))
    return comment_id


async def test_the_report_queue_hides_a_comment_or_dismisses_its_reports(desk: Desk) -> None:
    moderator = await desk.staff("moderator")
    rude = await published(desk, moderator, "Das ist doch alles Unsinn, ihr Trottel.")
    fine = await published(desk, moderator, "Ich finde das gut.")
    for comment_id, reasons in ((rude, ("INSULT", "INSULT", "SPAM")), (fine, ("OFF_TOPIC",))):
        for reason in reasons:
            r = await desk.browser().post(f"/api/v1/comments/{comment_id}/reports", json={"reason": reason})
            assert r.status_code in (201, 202), r.text

    async def both_reported() -> str | None:
        page = (await moderator.get("/moderation/meldungen")).text
        complete = queue_ids(page) == [rude, fine] and "3 Meldungen" in item_html(page, rude)
        return page if complete else None

    page = await eventually(both_reported)
    assert "2 gemeldete Kommentare" in page
    item = item_html(page, rude)
    assert f'<a href="/massnahmen/{desk.slug}">Bürgerbüro &amp; Online-Termine</a>' in item
    assert (
        '<a href="/netiquette#INSULT">Keine Beleidigungen</a>: <span class="mod-count">2 Meldungen</span>'
        in item
    )
    assert (
        '<a href="/netiquette#SPAM">Keine Werbung, kein Spam</a>: <span class="mod-count">1 Meldung</span>'
        in item
    )
    assert 'value="INSULT" selected' in item  # the most frequent reason is offered
    token = form_token(page)
    decide = f"/moderation/meldungen/{rude}/entscheidung"

    no_reason = await moderator.post(decide, data={"decision": "hide", "csrf_token": token})
    assert no_reason.status_code == 422 and "Fehlercode: REASON_REQUIRED" in no_reason.text
    no_token = await moderator.post(decide, data={"decision": "hide", "reason": "INSULT"})
    assert no_token.status_code == 403 and await desk.state(rude) == "approved"
    hidden = await moderator.post(decide, data={"decision": "hide", "reason": "INSULT", "csrf_token": token,
                                                "weiter": fine})  # fmt: skip
    assert hidden.status_code == 303
    assert hidden.headers["location"] == f"/moderation/meldungen#k-{fine}"
    assert await desk.state(rude) == "hidden"

    async def gone() -> bool:
        return not await desk.shown_on_measure_page("Das ist doch alles Unsinn, ihr Trottel.")

    assert await eventually(gone)
    dismissed = await moderator.post(
        f"/moderation/meldungen/{fine}/entscheidung", data={"decision": "dismiss", "csrf_token": token}
    )
    assert dismissed.headers["location"] == "/moderation/meldungen"
    page = (await moderator.get(dismissed.headers["location"])).text
    assert "Die Meldungen sind verworfen." in page and "Keine offenen Meldungen." in page
    assert await desk.shown_on_measure_page("Ich finde das gut.")
    again = await moderator.post(decide, data={"decision": "hide", "reason": "INSULT", "csrf_token": token})
    assert again.status_code == 409 and "Fehlercode: COMMENT_ALREADY_HIDDEN" in again.text


async def test_the_audit_log_shows_who_decided_what_when_and_why(desk: Desk) -> None:
    email = await desk.account("moderator")
    moderator, _ = await desk.log_in(email)
    approved = await desk.comment("Sehr gut gemacht.")
    rejected = await desk.comment(INSULT)
    token = form_token(await queue_page(moderator))
    for comment_id, form in (
        (approved, {"decision": "approve"}),
        (rejected, {"decision": "reject", "reason": "INSULT", "note": "Bitte <b>sachlich</b>\nbleiben."}),
    ):
        r = await moderator.post(
            f"/moderation/kommentare/{comment_id}/entscheidung", data={**form, "csrf_token": token}
        )
        assert r.status_code == 303

    admin = await desk.staff("admin")
    log = await admin.get("/moderation/protokoll")
    assert log.status_code == 200
    assert '<a href="/moderation/protokoll" aria-current="page">Protokoll</a>' in log.text
    rows = re.findall(r"<tr>(.*?)</tr>", log.text, flags=re.S)[1:]
    assert len(rows) == 4  # newest first: rejected, approved, and both queued
    cells = [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in rows
    ]
    note = "Bitte &lt;b&gt;sachlich&lt;/b&gt;\nbleiben."  # escaped, its line break kept
    assert cells[0][1:] == [email, "Abgelehnt", rejected[:8], "Keine Beleidigungen", note]
    assert cells[1][1:] == [email, "Freigegeben", approved[:8], "", ""]
    assert cells[2][1].startswith("System") and cells[2][2].startswith("In die Warteschlange aufgenommen")
    assert "Hinweise: Beleidigung oder Vulgärsprache" in cells[2][2]
    assert "<b>sachlich</b>" not in log.text


def test_every_refusal_of_moderation_has_a_text() -> None:
    sources = [MODERATION / "domain.py", *sorted((MODERATION / "api").glob("*.py"))]
    codes = {code for p in sources for code in re.findall(r'ModerationError\(\s*"([A-Z_]+)"', p.read_text())}
    codes |= {
        "LOGIN_REQUIRED",
        "ROLE_REQUIRED",
        "VALIDATION_FAILED",
        "CSRF_FAILED",
    }  # radar_lib and the pages
    assert {"CLAIMED_BY_OTHER", "BULK_REFUSED", "REASON_REQUIRED", "NO_OPEN_REPORTS"} <= codes
    assert sorted(c for c in codes if not has_text(f"err.{c}")) == []
