"""Letters: one rendering shared by every recipient of an event, each letter with its own links."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

import pytest

from radar_notifications.domain.deliveries import Delivery
from radar_notifications.domain.links import Links
from radar_notifications.domain.tokens import KINDS, link_key, read_link
from radar_notifications.sending.letters import Composer, Letter

pytestmark = pytest.mark.unit

KEY = link_key("a-test-secret-for-links")
CHANGE = {
    "event": "updated",
    "measure": {"id": str(uuid.uuid4()), "slug": "e-akte", "title": "E-Akte für alle Ämter"},
    "changes": {"progress": {"old": 10, "new": 20}},
    "change_note": "Weiter so & <mehr>.",
}


def delivery(payload: dict[str, Any], *, email: str = "anna@example.org") -> Delivery:
    return Delivery(
        delivery_id=uuid.uuid4(),
        event_id=uuid.uuid4(),
        subscriber_id=uuid.uuid4(),
        subscription_id=uuid.uuid4(),
        kind="measure",
        payload=payload,
        language="de",
        attempts=0,
        occurred_at=datetime(2025, 3, 1, tzinfo=UTC),
        channel="email",
        email=email,
    )


def parsed(letter: Letter, *, eightbit: bool = True) -> EmailMessage:
    return cast(EmailMessage, message_from_bytes(letter.as_bytes(eightbit=eightbit), policy=policy.default))


def body(mail: EmailMessage, subtype: str) -> str:
    part = mail.get_body(preferencelist=(subtype,))
    assert part is not None
    return cast(str, cast(EmailMessage, part).get_content())


def tokens(text: str, path: str) -> list[str]:
    """The tokens of every link to `path` in the text."""
    return re.findall(re.escape(path) + r"\?token=([\w.-]+)", text)


def test_each_recipient_of_a_shared_rendering_gets_only_their_own_links() -> None:
    composer = Composer(
        Links("https://radar.example.org", KEY), mail_from="radar@localhost", confirm_hours=48
    )
    anna, ben = delivery(CHANGE), delivery(CHANGE, email="ben@example.org")
    assert composer.rendering(anna) is composer.rendering(ben)  # rendered once for both

    for who in (anna, ben):
        mail = parsed(composer.letter(who))
        text, html = body(mail, "plain"), body(mail, "html")
        assert "radarslot" not in text + html
        manage = tokens(text, "/subscriptions/manage") + tokens(html, "/subscriptions/manage")
        leave = tokens(text, "/unsubscribe") + tokens(str(mail["List-Unsubscribe"]), "/unsubscribe")
        assert [read_link(t, key=KEY, kinds=KINDS).id for t in manage] == [who.subscriber_id] * 2
        assert [read_link(t, key=KEY, kinds=KINDS).id for t in leave] == [who.subscription_id] * 2
        assert mail["Message-ID"] == f"<{who.delivery_id}@localhost>"
        assert mail["To"] == who.email and mail["Subject"] == "Geändert: E-Akte für alle Ämter"
        assert "Weiter so &amp; &lt;mehr&gt;." in html


def test_list_unsubscribe_keeps_its_url_readable_and_the_language_is_named() -> None:
    composer = Composer(
        Links("https://radar.example.org", KEY), mail_from="radar@localhost", confirm_hours=48
    )
    raw = composer.letter(delivery(CHANGE)).as_bytes(eightbit=True)

    assert b"\r\nList-Unsubscribe: <https://radar.example.org/subscriptions/unsubscribe?token=" in raw
    assert b"\r\nContent-Language: de\r\n" in raw


def test_a_part_is_8bit_only_where_the_relay_offers_it_and_base64_past_998_octets() -> None:
    composer = Composer(
        Links("https://radar.example.org", KEY), mail_from="radar@localhost", confirm_hours=48
    )
    letter = composer.letter(delivery(CHANGE))
    long_note = composer.letter(delivery({**CHANGE, "change_note": "x" * 1200}))

    def encodings(mail: EmailMessage) -> list[str]:
        return [str(part["Content-Transfer-Encoding"]) for part in mail.iter_parts()]

    assert encodings(parsed(letter)) == ["8bit", "8bit"]
    assert encodings(parsed(letter, eightbit=False)) == ["base64", "base64"]
    assert body(parsed(letter, eightbit=False), "plain") == body(parsed(letter), "plain")
    assert encodings(parsed(long_note)) == ["base64", "base64"]
    assert "x" * 1200 in body(parsed(long_note), "plain")
