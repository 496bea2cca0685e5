"""The sender: takes due deliveries from the outbox of deliveries and sends them, one at a time.

Guarantees: a delivery is claimed with SELECT ... FOR UPDATE SKIP LOCKED in a transaction that
stays open while it is sent and commits its mark; so several workers and replicas never send
one delivery at once, and a crash between sending and marking leaves it pending: it is sent
once more, with the same Message-ID (mailer.py). A refused delivery is tried again with
doubling back-off until max_attempts, a permanent refusal fails it at once; each failure is a
bounce of its subscriber, and bounce_limit failures in a row pause the subscriber. When our own
mail relay is away nothing is counted: the transaction is rolled back and the worker waits,
with back-off, as long as it takes. A delivery that cannot even be composed fails alone; it
never stops the others.
"""

from __future__ import annotations

import asyncio
import logging

import asyncpg

from radar_lib.failures import Backoff, is_transient
from radar_notifications import figures
from radar_notifications.config import NotificationsSettings
from radar_notifications.domain.deliveries import (
    Delivery,
    gives_up,
    mail_of,
    pauses,
    retry_delay,
    webhook_document,
)
from radar_notifications.domain.links import Links
from radar_notifications.domain.tokens import link_key
from radar_notifications.sending.mailer import Mailer, message_of
from radar_notifications.sending.outcomes import Outcome, ServerAway, refused
from radar_notifications.sending.webhooks import WebhookClient
from radar_notifications.store import deliveries as store

log = logging.getLogger(__name__)


def links_of(settings: NotificationsSettings) -> Links:
    """The links of mails and payloads under this service's settings."""
    return Links(settings.public_url, link_key(settings.subscription_link_secret))


class Sender:
    """One worker: sends due deliveries until cancelled."""

    def __init__(self, pool: asyncpg.Pool, settings: NotificationsSettings) -> None:
        self.pool = pool
        self.settings = settings
        self.links = links_of(settings)
        self.mailer = Mailer(settings)
        self.webhooks = WebhookClient(
            allow_private=settings.webhook_allow_private, timeout=settings.webhook_timeout_seconds
        )

    async def run(self) -> None:
        """Send what is due; wait for what is not; wait out a relay or database that is away."""
        backoff = Backoff(first=min(0.1, self.settings.sender_poll_seconds), cap=30.0)
        try:
            while True:
                try:
                    sent = await self.send_one()
                    backoff.reset()
                except ServerAway as exc:
                    log.warning("notifications sender: %s; deliveries wait", exc)
                    await backoff.sleep()
                    continue
                except Exception as exc:
                    if not is_transient(exc):
                        raise
                    log.warning("notifications sender: %s; retrying", exc)
                    await backoff.sleep()
                    continue
                if not sent:
                    await asyncio.sleep(self.settings.sender_poll_seconds)
        finally:
            await self.mailer.close()
            await self.webhooks.close()

    async def send_one(self) -> bool:
        """Send the delivery due longest and record what became of it; False when none is due."""
        async with self.pool.acquire() as conn, conn.transaction():
            delivery = await store.claim_due(conn)
            if delivery is None:
                return False
            outcome = await self.deliver(delivery)  # ServerAway rolls back: nothing is counted
            await self.record(conn, delivery, outcome)
        return True

    async def deliver(self, delivery: Delivery) -> Outcome:
        """One attempt on the delivery's channel."""
        try:
            if delivery.channel == "webhook":
                assert delivery.webhook_url is not None and delivery.webhook_secret is not None
                document = webhook_document(delivery, links=self.links)
                return await self.webhooks.call(
                    delivery.webhook_url,
                    secret=delivery.webhook_secret,
                    delivery_id=str(delivery.delivery_id),
                    document=document,
                )
            assert delivery.email is not None
            mail = mail_of(delivery, links=self.links, confirm_hours=round(self.settings.confirm_hours))
            message = message_of(
                mail,
                delivery_id=str(delivery.delivery_id),
                to=delivery.email,
                mail_from=self.settings.mail_from,
                unsubscribe_url=delivery.unsubscribe_url(self.links),
            )
        except Exception as exc:  # a fault of ours in one delivery: it fails alone
            log.exception("cannot compose delivery %s", delivery.delivery_id)
            return refused(f"cannot compose: {type(exc).__name__}: {exc}", permanent=True, bounce=False)
        return await self.mailer.send(message)

    async def record(self, conn: asyncpg.Connection, delivery: Delivery, outcome: Outcome) -> None:
        """Mark the delivery sent, due again later, or failed (and pause a subscriber that keeps bouncing)."""
        s = self.settings
        if outcome.sent:
            lag = await store.mark_sent(conn, delivery)
            figures.observe_sent(delivery.channel, digest=delivery.kind == "digest", lag_seconds=lag)
            return
        attempts = delivery.attempts + 1
        if not gives_up(attempts=attempts, permanent=outcome.permanent, max_attempts=s.max_attempts):
            delay = retry_delay(attempts, first=s.retry_first_seconds, cap=s.retry_cap_seconds)
            await store.mark_retry(conn, delivery, error=outcome.error, delay=delay)
            figures.observe_retry(delivery.channel)
            return
        bounces = await store.mark_failed(conn, delivery, error=outcome.error, bounce=outcome.bounce)
        figures.observe_failed(delivery.channel)
        # the code only: a relay's answer can name the address, which stays out of the logs
        log.warning("delivery %s failed: %s", delivery.delivery_id, outcome.error.split(" ", 1)[0])
        if outcome.bounce and pauses(bounces=bounces, limit=s.bounce_limit):
            await store.pause_subscriber(conn, delivery.subscriber_id)
            log.warning("subscriber %s paused after %d bounces", delivery.subscriber_id, bounces)
