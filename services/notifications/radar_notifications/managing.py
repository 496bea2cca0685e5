"""Managing without an account: the signed manage link shows and changes all of an address's
subscriptions; the unsubscribe links end one (or, from a digest, all) in one click.

A change is checked whole before anything is written, and written in one transaction.
Unsubscribing is idempotent: a link whose subscription is gone answers as unsubscribed.
An address that follows nothing any more is forgotten at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg

from radar_notifications.config import NotificationsSettings
from radar_notifications.domain.rules import LANGUAGES, MODES, NotificationsError
from radar_notifications.domain.tokens import LEAVE, MANAGE, UNSUBSCRIBE, LinkToken, link_key, read_link
from radar_notifications.store import deliveries, forgetting, subscriptions


def _link(settings: NotificationsSettings, token: str | None, kinds: tuple[str, ...]) -> LinkToken:
    return read_link(token, key=link_key(settings.subscription_link_secret), kinds=kinds)


def _item(row: asyncpg.Record) -> dict[str, Any]:
    scope: dict[str, Any] = {"type": row["scope_type"], "id": row["scope_key"] or None}
    if row["scope_type"] == "measure":
        scope |= {"id": row["measure_slug"] or row["scope_key"], "title": row["measure_title"]}
    elif row["scope_type"] == "field":
        scope["title"] = row["scope_key"]
    return {
        "id": str(row["subscription_id"]),
        "scope": scope,
        "new_comments": row["new_comments"],
        "language": row["language"],
        "mode": row["mode"],
        "confirmed": row["confirmed_at"] is not None,
    }


async def _view(conn: asyncpg.Connection | asyncpg.Pool, subscriber_id: uuid.UUID) -> dict[str, Any]:
    found = await subscriptions.subscriber(conn, subscriber_id)
    if found is None:
        raise NotificationsError("TOKEN_INVALID", "This link is not valid (any more).", 400)
    items = [_item(r) for r in await subscriptions.subscriptions_of(conn, subscriber_id)]
    return {
        "channel": found["channel"],
        "address": found["email"] or found["webhook_url"],
        "paused": found["paused_at"] is not None,
        "subscriptions": items,
    }


async def show(pool: asyncpg.Pool, settings: NotificationsSettings, token: str | None) -> dict[str, Any]:
    """The address, whether it is paused, and all its subscriptions."""
    return await _view(pool, _link(settings, token, (MANAGE,)).id)


@dataclass(frozen=True)
class ItemChange:
    id: uuid.UUID
    new_comments: bool | None = None
    mode: str | None = None
    remove: bool = False


def read_changes(items: Any) -> list[ItemChange]:
    """The per-subscription changes of a PATCH, checked before anything is written."""
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > 500:
        raise NotificationsError("SUBSCRIPTIONS_INVALID", "subscriptions is a list of changes.")
    changes = []
    for item in items:
        if not isinstance(item, dict) or set(item) - {"id", "new_comments", "mode", "remove"}:
            raise NotificationsError(
                "SUBSCRIPTIONS_INVALID", "A change names id, new_comments, mode, remove."
            )
        try:
            subscription_id = uuid.UUID(str(item.get("id")))
        except ValueError:
            raise NotificationsError(
                "SUBSCRIPTION_NOT_FOUND", "There is no such subscription.", 404
            ) from None
        if item.get("mode") is not None and item["mode"] not in MODES:
            raise NotificationsError("MODE_UNKNOWN", "The mode is immediate or digest.")
        if not all(isinstance(item.get(k, False), bool) for k in ("new_comments", "remove")):
            raise NotificationsError("SUBSCRIPTIONS_INVALID", "new_comments and remove are true or false.")
        changes.append(
            ItemChange(subscription_id, item.get("new_comments"), item.get("mode"), item.get("remove", False))
        )
    return changes


async def change(
    pool: asyncpg.Pool,
    settings: NotificationsSettings,
    token: str | None,
    *,
    language: Any = None,
    paused: Any = None,
    items: Any = None,
) -> dict[str, Any]:
    """Change the language of all, pause or resume, change or remove single subscriptions; all or nothing."""
    subscriber_id = _link(settings, token, (MANAGE,)).id
    if language is not None and language not in LANGUAGES:
        raise NotificationsError("LANGUAGE_UNKNOWN", "The language is de or en.")
    if paused is not None and not isinstance(paused, bool):
        raise NotificationsError("PAUSED_INVALID", "paused is true or false.")
    changes = read_changes(items)
    async with pool.acquire() as conn, conn.transaction():
        found = await subscriptions.subscriber(conn, subscriber_id)
        if found is None:
            raise NotificationsError("TOKEN_INVALID", "This link is not valid (any more).", 400)
        current = {r["subscription_id"]: r for r in await subscriptions.subscriptions_of(conn, subscriber_id)}
        if any(c.id not in current for c in changes):
            raise NotificationsError("SUBSCRIPTION_NOT_FOUND", "There is no such subscription.", 404)
        if found["channel"] == "webhook" and any(c.mode == "digest" for c in changes):
            raise NotificationsError("MODE_UNKNOWN", "A webhook is called at once; it has no digest.")
        by_id = {c.id: c for c in changes}
        for subscription_id, row in current.items():
            c = by_id.get(subscription_id, ItemChange(subscription_id))
            if c.remove:
                continue
            await subscriptions.change_subscription(
                conn,
                subscription_id=subscription_id,
                new_comments=row["new_comments"] if c.new_comments is None else c.new_comments,
                language=language or row["language"],
                mode=c.mode or row["mode"],
            )
        removed = [c.id for c in changes if c.remove]
        if removed:
            await deliveries.cancel_unsent(conn, removed)
            await subscriptions.delete_subscriptions(conn, removed)
        if paused is not None:
            await subscriptions.set_paused(conn, subscriber_id, paused=paused)
        if await forgetting.forget_if_unsubscribed(conn, [subscriber_id]):
            return {"channel": found["channel"], "address": None, "paused": False, "subscriptions": []}
        return await _view(conn, subscriber_id)


async def leave(pool: asyncpg.Pool, settings: NotificationsSettings, token: str | None) -> None:
    """Unsubscribe from everything: the address is forgotten, with what it was sent."""
    subscriber_id = _link(settings, token, (MANAGE, LEAVE)).id
    async with pool.acquire() as conn, conn.transaction():
        await forgetting.forget_subscribers(conn, [subscriber_id])


async def unsubscribe(pool: asyncpg.Pool, settings: NotificationsSettings, token: str | None) -> None:
    """One click: end the subscription the link names (a digest's link: all); idempotent."""
    link = _link(settings, token, (UNSUBSCRIBE, LEAVE))
    if link.kind == LEAVE:
        await leave(pool, settings, token)
        return
    async with pool.acquire() as conn, conn.transaction():
        await deliveries.cancel_unsent(conn, [link.id])
        subscribers = await subscriptions.delete_subscriptions(conn, [link.id])
        await forgetting.forget_if_unsubscribed(conn, subscribers)


async def describe_unsubscribe(
    pool: asyncpg.Pool, settings: NotificationsSettings, token: str | None
) -> dict[str, Any]:
    """What a one-click link would end, for the page that asks before it does."""
    link = _link(settings, token, (UNSUBSCRIBE, LEAVE))
    if link.kind == LEAVE:
        found = await subscriptions.subscriber(pool, link.id)
        return {"everything": True, "subscribed": found is not None, "scope": None}
    row = await subscriptions.scope_of(pool, link.id)
    scope = (
        {"type": row["scope_type"], "id": row["scope_key"] or None, "title": row["title"]} if row else None
    )
    return {"everything": False, "subscribed": row is not None, "scope": scope}
