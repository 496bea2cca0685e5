"""Subscribing with double opt-in: a request writes an unconfirmed subscription and its confirmation
delivery in one transaction; only opening the confirmation link makes it a subscription.

A request answers the same whether or not the address is known (no enumeration); an address is
sent at most pending_limit confirmations within confirm_hours, whoever asks. A request changes
nothing that exists: confirming it replaces the subscriber's subscription of the same scope.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from radar_notifications.config import NotificationsSettings
from radar_notifications.domain.rules import (
    NotificationsError,
    Preferences,
    Scope,
    confirmation_state,
)
from radar_notifications.domain.tokens import CONFIRM, link_key, read_link
from radar_notifications.store import deliveries, measures, subscriptions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Channel:
    """Where notifications go: an e-mail address, or a webhook URL with its secret."""

    email: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None


@dataclass(frozen=True)
class ScopeFound:
    type: str
    key: str  # the measure's id, the field's slug, the comment's id, '' for all
    title: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"type": self.type, "key": self.key, "title": self.title}


async def find_scope(conn: asyncpg.Connection, scope: Scope) -> ScopeFound:
    """The scope as stored; SCOPE_UNKNOWN for a measure or field notifications does not know."""
    if scope.type == "all":
        return ScopeFound("all", "")
    if scope.type == "field":
        if not await measures.field_known(conn, scope.ref):
            raise NotificationsError("SCOPE_UNKNOWN", "There is no such field of action.")
        return ScopeFound("field", scope.ref, scope.ref)
    measure = await measures.find_measure(conn, scope.ref)
    if measure is None or measure["archived"]:
        raise NotificationsError("SCOPE_UNKNOWN", "There is no such measure (or it is archived).")
    return ScopeFound("measure", str(measure["measure_id"]), measure["title"])


async def request_subscription(
    pool: asyncpg.Pool,
    settings: NotificationsSettings,
    *,
    channel: Channel,
    scope: Scope | ScopeFound,
    preferences: Preferences,
    participant_id: uuid.UUID | None,
) -> None:
    """Write an unconfirmed subscription and its confirmation, unless the address had enough of them."""
    expires = datetime.now(UTC) + timedelta(hours=settings.confirm_hours)
    async with pool.acquire() as conn, conn.transaction():
        found = scope if isinstance(scope, ScopeFound) else await find_scope(conn, scope)
        if channel.email is not None:
            subscriber_id = await subscriptions.email_subscriber(conn, channel.email)
            if await subscriptions.unconfirmed_count(conn, subscriber_id) >= settings.pending_limit:
                log.info("subscriber %s has enough unconfirmed requests; no confirmation sent", subscriber_id)
                return
        else:
            assert channel.webhook_url is not None and channel.webhook_secret is not None
            subscriber_id = await subscriptions.webhook_subscriber(
                conn, url=channel.webhook_url, secret=channel.webhook_secret
            )
        subscription_id = await subscriptions.add_subscription(
            conn,
            subscriber_id=subscriber_id,
            scope_type=found.type,
            scope_key=found.key,
            preferences=preferences,
            participant_id=participant_id,
            expires_at=expires,
        )
        await deliveries.add_confirmation(
            conn,
            subscription_id=subscription_id,
            subscriber_id=subscriber_id,
            payload={"scope": found.as_json(), "expires": int(expires.timestamp())},
            language=preferences.language,
        )


async def confirm(pool: asyncpg.Pool, settings: NotificationsSettings, token: str | None) -> dict[str, Any]:
    """Open a confirmation link: confirm once; TOKEN_EXPIRED, TOKEN_INVALID when it cannot."""
    link = read_link(token, key=link_key(settings.subscription_link_secret), kinds=(CONFIRM,))
    async with pool.acquire() as conn, conn.transaction():
        row = await subscriptions.lock_subscription(conn, link.id)
        if row is None:  # expired and swept, unsubscribed, replaced, or a watch already decided
            raise NotificationsError("TOKEN_INVALID", "This link is not valid (any more).", 400)
        scope = await subscriptions.scope_of(conn, link.id)
        state = confirmation_state(confirmed=row["confirmed_at"] is not None, expired=row["expired"])
        if state == "confirm":
            await subscriptions.confirm_subscription(conn, row)
            # whoever opened the link reads the mailbox again: a paused subscriber is resumed
            await subscriptions.set_paused(conn, row["subscriber_id"], paused=False)
            if row["scope_type"] == "comment" and row["decision"] is not None:
                await _send_decision_now(conn, row)
    assert scope is not None  # the row is locked: it is there
    shown = {"type": scope["scope_type"], "id": scope["scope_key"] or None, "title": scope["title"]}
    return {"status": "confirmed", "scope": shown, "already": state != "confirm"}


async def _send_decision_now(conn: asyncpg.Connection, row: asyncpg.Record) -> None:
    """A watch confirmed after its comment was decided hears the decision at once, and is done."""
    decision = json.loads(row["decision"])
    event_id = uuid.UUID(decision.pop("event_id"))
    occurred_at = datetime.fromisoformat(decision.pop("occurred_at"))
    done = await deliveries.notify_watchers(
        conn,
        event_id=event_id,
        occurred_at=occurred_at,
        comment_id=uuid.UUID(row["scope_key"]),
        payload=decision,
    )
    await subscriptions.delete_subscriptions(conn, done)
