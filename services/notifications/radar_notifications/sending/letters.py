"""The bytes of each mail: rendered once per event and language, filled in per recipient.

A measure change to 100,000 subscribers is one mail in two languages with 100,000 sets of
recipient links. So a delivery's mail (domain.deliveries.mail_of) is rendered with the
recipient's own links (manage, unsubscribe) left as slots, and that rendering is kept for the
next deliveries of the same kind, language and payload; each recipient's letter is the kept
rendering with the slots filled (escaped for HTML) and its own headers. Slots are random per
composer, so no text of an editor or a moderator can name one.

The message is MIME as RFC 2045-2049 and 5322 want it: multipart/alternative with a plain-text
and an HTML part in UTF-8, each 7bit or 8bit (when the relay offers 8BITMIME) as long as no line
is longer than 998 octets, else base64. Subject and From are encoded words where they are not
ASCII; List-Unsubscribe carries its URL as it is (RFC 2369 and 8058 want it readable).
"""

from __future__ import annotations

import base64
import email.utils
import json
import secrets
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from email import policy
from html import escape

from radar_notifications.domain.deliveries import Delivery, mail_of
from radar_notifications.domain.links import Links

MAX_LINE = 998  # octets in a line of a 7bit or 8bit part (RFC 5322 2.1.1)
KEPT = 64  # renderings kept: events in flight at once, times their languages
SHARED_KINDS = ("measure", "comment", "decision")  # the same payload for every recipient of an event


def mail_domain(mail_from: str) -> str:
    """The domain Message-IDs are made in: the sender address's."""
    return mail_from.rpartition("@")[2] or "localhost"


def header(name: str, value: str) -> str:
    """One header line as RFC 5322 wants it (encoded words where the value is not ASCII)."""
    if value.isascii() and len(name) + 2 + len(value) <= MAX_LINE and "\n" not in value and "\r" not in value:
        return f"{name}: {value}\r\n"
    return policy.SMTP.header_factory(name, value).fold(policy=policy.SMTP)


@dataclass(frozen=True)
class SlotLinks(Links):
    """Links whose recipient's own ones (manage, unsubscribe, leave) are slots, filled per letter."""

    manage_slot: str = ""
    unsubscribe_slot: str = ""

    def manage(self, subscriber_id: uuid.UUID) -> str:
        return self.manage_slot

    def unsubscribe(self, subscription_id: uuid.UUID) -> str:
        return self.unsubscribe_slot

    def leave(self, subscriber_id: uuid.UUID) -> str:
        return self.unsubscribe_slot


@dataclass(frozen=True)
class Rendering:
    """A mail rendered once, with the recipient's links as slots."""

    subject: str  # the header line
    language: str
    text: str
    html: str


@dataclass(frozen=True)
class Letter:
    """One recipient's mail: its headers and both parts, encoded when the relay's extensions are known."""

    to: str
    head: str
    text: str
    html: str

    def as_bytes(self, *, eightbit: bool) -> bytes:
        """The message as it goes out; 8bit parts only where the relay offers 8BITMIME."""
        boundary = f"radar-{secrets.token_hex(16)}"  # hex: never a line of a part's content
        return b"".join(
            [
                self.head.encode(),
                f'MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'
                f"--{boundary}\r\n".encode(),
                _part("plain", self.text, eightbit=eightbit),
                f"\r\n--{boundary}\r\n".encode(),
                _part("html", self.html, eightbit=eightbit),
                f"\r\n--{boundary}--\r\n".encode(),
            ]
        )


def _part(subtype: str, content: str, *, eightbit: bool) -> bytes:
    data = content.replace("\r\n", "\n").replace("\n", "\r\n").encode()  # text's canonical line breaks
    short = all(len(line) <= MAX_LINE for line in data.split(b"\r\n"))
    if short and data.isascii():
        encoding = "7bit"
    elif short and eightbit:
        encoding = "8bit"
    else:
        encoding, data = "base64", base64.encodebytes(data).replace(b"\n", b"\r\n")
    head = f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n'
    return head.encode() + data


class Composer:
    """Letters for deliveries; renderings shared by many recipients are kept, the latest KEPT of them."""

    def __init__(self, links: Links, *, mail_from: str, confirm_hours: int) -> None:
        self.links = links
        self.mail_from = mail_from
        self.confirm_hours = confirm_hours
        self.slots = SlotLinks(
            links.public_url,
            links.key,
            manage_slot=f"radarslot{secrets.token_hex(12)}",
            unsubscribe_slot=f"radarslot{secrets.token_hex(12)}",
        )
        self._kept: OrderedDict[tuple[str, str, str], Rendering] = OrderedDict()

    def rendering(self, delivery: Delivery) -> Rendering:
        """The delivery's mail with slots for the recipient's links: kept when others share it."""
        if delivery.kind not in SHARED_KINDS:
            return self._render(delivery)
        key = (delivery.kind, delivery.language, json.dumps(delivery.payload, sort_keys=True))
        found = self._kept.get(key)
        if found is None:
            found = self._kept[key] = self._render(delivery)
            if len(self._kept) > KEPT:
                self._kept.popitem(last=False)
        else:
            self._kept.move_to_end(key)
        return found

    def _render(self, delivery: Delivery) -> Rendering:
        mail = mail_of(delivery, links=self.slots, confirm_hours=self.confirm_hours)
        return Rendering(header("Subject", mail.subject), mail.language, mail.text(), mail.html())

    def letter(self, delivery: Delivery) -> Letter:
        """The delivery's letter: the kept rendering with this recipient's links and headers."""
        assert delivery.email is not None
        shared = self.rendering(delivery)
        manage, unsubscribe = self.links.manage(delivery.subscriber_id), delivery.unsubscribe_url(self.links)
        slots = self.slots
        text = shared.text.replace(slots.manage_slot, manage).replace(slots.unsubscribe_slot, unsubscribe)
        html = shared.html.replace(slots.manage_slot, escape(manage, quote=True)).replace(
            slots.unsubscribe_slot, escape(unsubscribe, quote=True)
        )
        head = "".join(
            [
                header("From", self.mail_from),
                f"To: {delivery.email}\r\n",  # checked when subscribing; UTF-8 as is (SMTPUTF8)
                shared.subject,
                header("Date", email.utils.formatdate(localtime=False, usegmt=True)),
                header("Message-ID", f"<{delivery.delivery_id}@{mail_domain(self.mail_from)}>"),
                header("List-Unsubscribe", f"<{unsubscribe}>"),
                "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
                "Auto-Submitted: auto-generated\r\n",
                header("Content-Language", shared.language),
            ]
        )
        return Letter(to=delivery.email, head=head, text=text, html=html)
