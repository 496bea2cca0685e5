"""What mails say: what changed, in German or English, as text and as escaped HTML."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, get_args

import pytest

from radar_lib.events import (
    NETIQUETTE_CODES,
    MeasureChange,
    MeasureSnapshot,
    MeasureStatus,
    MeasureUpdatedPayload,
)
from radar_notifications.domain.changes import measure_change, moved_from
from radar_notifications.domain.deliveries import Delivery, mail_of, webhook_document
from radar_notifications.domain.links import Links
from radar_notifications.domain.texts import TEXTS, known
from radar_notifications.domain.tokens import link_key

pytestmark = pytest.mark.unit

LINKS = Links("https://radar.example.org", link_key("a-test-secret-for-links"))
HOSTILE = '<script>alert("x")</script> & <b>fett</b>'


def snapshot(**changes: Any) -> MeasureUpdatedPayload:
    return MeasureUpdatedPayload(
        measure_id=uuid.uuid4(),
        version=4,
        slug="e-akte",
        title=changes.pop("title", "E-Akte"),
        field_slug="verwaltung",
        status="abgeschlossen",
        changes=[MeasureChange(field=k, old=o, new=n) for k, (o, n) in changes.items()],
        change_note=HOSTILE,
    )


def delivery(kind: str, payload: dict[str, Any], *, language: str = "de") -> Delivery:
    return Delivery(
        delivery_id=uuid.uuid4(),
        event_id=uuid.uuid4(),
        subscriber_id=uuid.uuid4(),
        subscription_id=uuid.uuid4(),
        kind=kind,
        payload=payload,
        language=language,
        attempts=0,
        occurred_at=datetime(2025, 3, 1, tzinfo=UTC),
        channel="email",
        email="anna@example.org",
    )


def test_a_change_names_old_and_new_status_progress_period_and_the_note() -> None:
    change = measure_change(
        "updated",
        snapshot(
            status=("in_umsetzung", "abgeschlossen"),
            progress=(60, 100),
            end_year=(2026, 2025),
            lead=("A", "B"),
        ),
    )
    assert change["changes"] == {
        "status": {"old": "in_umsetzung", "new": "abgeschlossen"},
        "progress": {"old": 60, "new": 100},
        "end_year": {"old": 2026, "new": 2025},
    }
    assert change["other_changes"] == ["lead"]
    mail = mail_of(delivery("measure", change), links=LINKS, confirm_hours=48)
    text = mail.text()
    assert mail.subject == "Geändert: E-Akte"
    assert "Status: in Umsetzung → abgeschlossen" in text
    assert "Fortschritt: 60 % → 100 %" in text
    assert "Ende: 2026 → 2025" in text
    assert "Außerdem geändert: Federführung" in text
    assert "https://radar.example.org/massnahmen/e-akte" in text


def test_english_subscribers_get_english_mails() -> None:
    change = measure_change("updated", snapshot(status=("geplant", "in_umsetzung")))
    mail = mail_of(delivery("measure", change, language="en"), links=LINKS, confirm_hours=48)
    assert mail.subject == "Changed: E-Akte"
    assert "Status: planned → in progress" in mail.text()
    assert "Unsubscribe" in mail.text()


def test_a_published_measure_names_its_status_and_its_note() -> None:
    published = MeasureSnapshot.model_validate(
        {"measure_id": uuid.uuid4(), "version": 1, "slug": "neu", "title": "Neu", "field_slug": "f",
         "status": "geplant", "change_note": "Aufgenommen."}
    )  # fmt: skip
    change = measure_change("published", published)
    assert change["changes"] == {"status": {"old": None, "new": "geplant"}}
    assert change["change_note"] == "Aufgenommen."
    assert "Status: geplant" in mail_of(delivery("measure", change), links=LINKS, confirm_hours=48).text()


def test_a_measure_that_moves_field_names_the_field_it_left() -> None:
    assert moved_from(snapshot(field=("alt", "neu"))) == "alt"
    assert moved_from(snapshot(status=("geplant", "abgeschlossen"))) is None


def test_html_shows_markup_in_titles_and_notes_as_text() -> None:
    change = measure_change("updated", snapshot(title=HOSTILE, status=("geplant", "eingestellt")))
    html = mail_of(delivery("measure", change), links=LINKS, confirm_hours=48).html()
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;fett&lt;/b&gt;" in html
    assert "Änderungsnotiz" in html


def test_a_rejection_names_the_clause_and_the_note_escaped() -> None:
    payload = {
        "outcome": "rejected",
        "measure": {"id": str(uuid.uuid4()), "slug": "e-akte", "title": "E-Akte"},
        "comment_id": str(uuid.uuid4()),
        "reason_code": "INSULT",
        "note": HOSTILE,
    }
    mail = mail_of(delivery("decision", payload), links=LINKS, confirm_hours=48)
    assert mail.subject == "Ihr Kommentar wurde nicht veröffentlicht"
    assert "Grund (Netiquette): Keine Beleidigungen" in mail.text()
    assert "&lt;script&gt;" in mail.html() and "<script>" not in mail.html()


def test_a_digest_carries_every_item_and_a_link_to_leave_everything() -> None:
    change = measure_change("updated", snapshot(progress=(10, 20)))
    items = [
        {"kind": "measure", "payload": change, "occurred_at": ""},
        {"kind": "comment", "payload": {"measure": {"slug": "e-akte", "title": "E-Akte"}, "comment_id": "c1"},
         "occurred_at": ""},
    ]  # fmt: skip
    d = delivery("digest", {"items": items})
    mail = mail_of(d, links=LINKS, confirm_hours=48)
    assert mail.subject == "Ihre Zusammenfassung: 2 Neuigkeiten"
    assert "Neuer Kommentar zu E-Akte" in mail.text() and "/massnahmen/e-akte/kommentare/c1\n" in mail.text()
    assert "Von allem abmelden" in mail.text()
    assert "/subscriptions/unsubscribe?token=" in d.unsubscribe_url(LINKS)


def test_a_webhook_document_carries_the_data_and_the_links() -> None:
    change = measure_change("archived", snapshot())
    document = webhook_document(delivery("measure", change), links=LINKS)
    assert document["type"] == "measure.archived"
    assert document["data"]["measure"]["slug"] == "e-akte"
    assert set(document["links"]) == {"manage", "unsubscribe"}
    confirm = webhook_document(delivery("confirm", {"scope": {"type": "all"}, "expires": 2**31}), links=LINKS)
    assert confirm["type"] == "subscription.confirmation" and "confirm" in confirm["links"]


def test_every_text_has_german_and_english() -> None:
    assert all(de.strip() and en.strip() for de, en in TEXTS.values())


def test_every_netiquette_clause_and_status_has_a_name_in_mails() -> None:
    assert all(known(f"clause.{code}") for code in NETIQUETTE_CODES)
    assert all(known(f"status.{status}") for status in get_args(MeasureStatus))
