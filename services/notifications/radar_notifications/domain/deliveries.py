"""A delivery as the sender sees it, what it says on each channel, and what a refusal leads to."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from radar_notifications.domain import mails
from radar_notifications.domain.links import Links
from radar_notifications.domain.render import Mail

WEBHOOK_TYPES = {
    "confirm": "subscription.confirmation",
    "comment": "comment.published",
    "decision": "comment.decided",
}


@dataclass(frozen=True)
class Delivery:
    """One notification owed to one subscriber, with where it goes."""

    delivery_id: uuid.UUID
    event_id: uuid.UUID
    subscriber_id: uuid.UUID
    subscription_id: uuid.UUID | None
    kind: str  # confirm | measure | comment | decision | digest
    payload: dict[str, Any]
    language: str
    attempts: int
    occurred_at: datetime
    channel: str  # email | webhook
    email: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None

    def unsubscribe_url(self, links: Links) -> str:
        """One click ends what this delivery came from; a digest speaks for all, so it ends all."""
        if self.kind == "digest" or self.subscription_id is None:
            return links.leave(self.subscriber_id)
        return links.unsubscribe(self.subscription_id)


def mail_of(delivery: Delivery, *, links: Links, confirm_hours: int) -> Mail:
    """The mail of a delivery: subject, parts, and the footer with manage and unsubscribe links."""
    language, payload = delivery.language, delivery.payload
    if delivery.kind == "confirm":
        assert delivery.subscription_id is not None  # a confirmation is always for one subscription
        url = links.confirm(delivery.subscription_id, expires=int(payload["expires"]))
        subject, parts = mails.confirm_parts(payload, language=language, confirm_url=url, hours=confirm_hours)
    elif delivery.kind == "digest":
        subject, parts = mails.digest_parts(payload["items"], language=language, links=links)
    else:
        subject, parts = mails.COMPOSERS[delivery.kind](payload, language=language, links=links)
    foot = mails.footer(
        language=language,
        manage_url=links.manage(delivery.subscriber_id),
        unsubscribe_url=delivery.unsubscribe_url(links),
        everything=delivery.kind == "digest",
    )
    return mails.mail(subject, parts, language=language, foot=foot)


def webhook_document(delivery: Delivery, *, links: Links) -> dict[str, Any]:
    """The JSON a webhook receives: what happened, its data, and the links to confirm, manage, leave."""
    payload = delivery.payload
    kind = f"measure.{payload['event']}" if delivery.kind == "measure" else WEBHOOK_TYPES[delivery.kind]
    document: dict[str, Any] = {
        "type": kind,
        "delivery_id": str(delivery.delivery_id),
        "event_id": str(delivery.event_id),
        "occurred_at": delivery.occurred_at.isoformat(),
        "data": {k: v for k, v in payload.items() if k != "expires"},
        "links": {
            "manage": links.manage(delivery.subscriber_id),
            "unsubscribe": delivery.unsubscribe_url(links),
        },
    }
    if delivery.kind == "confirm" and delivery.subscription_id is not None:
        confirm = links.confirm(delivery.subscription_id, expires=int(payload["expires"]))
        document["links"]["confirm"] = confirm
    return document


def retry_delay(attempts: int, *, first: float, cap: float) -> float:
    """Seconds until the next try after `attempts` refusals: doubling from `first`, at most `cap`."""
    return float(min(cap, first * 2 ** max(0, attempts - 1)))


def gives_up(*, attempts: int, permanent: bool, max_attempts: int) -> bool:
    """A permanent refusal fails the delivery at once; a temporary one after max_attempts."""
    return permanent or attempts >= max_attempts


def pauses(*, bounces: int, limit: int) -> bool:
    """After `limit` failed deliveries in a row the subscriber hears nothing until they resume."""
    return bounces >= limit
