"""The senders: each takes a batch of due deliveries from the outbox of deliveries and sends it.

Guarantees: a batch is claimed with SELECT ... FOR UPDATE SKIP LOCKED in a transaction that
stays open while it is sent and commits its marks; so several workers and replicas never send
one delivery at once, and unsubscribing, erasure or forgetting an address waits for the batch
(its deliveries are locked) instead of racing a mail out. A batch goes out over the worker's
SMTP connections at once (smtp_connections), and its marks are written together. When the
relay goes away or the service stops in the middle of a batch, the mails the relay already
took are marked sent and committed, and the rest stay pending as they were: the batch is
completed later without sending anything twice (save a mail whose answer from the relay was
still on its way). A process killed outright sends its open batch's mails once more, with the
same Message-IDs (mailer.py). A refused delivery is tried
again with doubling back-off until max_attempts, a permanent refusal fails it at once; each
failure is a bounce of its subscriber, and bounce_limit failures in a row pause the subscriber.
When our own mail relay is away nothing is counted against anyone and the worker waits, with
back-off, as long as it takes. A delivery that cannot even be composed fails alone; it never
stops the others.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterator

import asyncpg

from radar_lib.failures import Backoff, is_transient
from radar_notifications import figures
from radar_notifications.config import NotificationsSettings
from radar_notifications.domain.deliveries import Delivery, gives_up, pauses, retry_delay, webhook_document
from radar_notifications.domain.links import Links
from radar_notifications.domain.tokens import link_key
from radar_notifications.sending.letters import Composer
from radar_notifications.sending.mailer import Mailer
from radar_notifications.sending.outcomes import Outcome, ServerAway, refused
from radar_notifications.sending.webhooks import WebhookClient
from radar_notifications.store import deliveries as store

log = logging.getLogger(__name__)


def links_of(settings: NotificationsSettings) -> Links:
    """The links of mails and payloads under this service's settings."""
    return Links(settings.public_url, link_key(settings.subscription_link_secret))


class Sender:
    """One worker: sends batches of due deliveries until cancelled."""

    def __init__(self, pool: asyncpg.Pool, settings: NotificationsSettings) -> None:
        self.pool = pool
        self.settings = settings
        self.links = links_of(settings)
        self.composer = Composer(
            self.links, mail_from=settings.mail_from, confirm_hours=round(settings.confirm_hours)
        )
        self.mailers = [Mailer(settings) for _ in range(settings.smtp_connections)]
        self.webhooks = WebhookClient(
            allow_private=settings.webhook_allow_private, timeout=settings.webhook_timeout_seconds
        )
        self._sending: asyncio.Future[None] | None = None  # the open batch's sending, while it lasts
        self._stopping = False

    async def run(self) -> None:
        """Send what is due; wait for what is not; wait out a relay or database that is away."""
        backoff = Backoff(first=min(0.1, self.settings.sender_poll_seconds), cap=30.0)
        self._stopping = False
        try:
            while True:
                try:
                    sent = await self.send_batch()
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
            await asyncio.gather(*(mailer.close() for mailer in self.mailers))
            await self.webhooks.close()

    async def send_batch(self) -> int:
        """Send the deliveries due longest and record what became of them; how many were claimed.

        A stop (cancellation) ends the sending at once but not the batch: what went out is marked
        and committed before the cancellation goes on, however often it is repeated meanwhile.
        """
        batch = asyncio.ensure_future(self._send_batch())
        stopping = False
        while not batch.done():
            try:
                await asyncio.shield(batch)
            except asyncio.CancelledError:
                stopping = self._stopping = True
                if self._sending is not None:
                    self._sending.cancel()
        if stopping:
            raise asyncio.CancelledError
        return batch.result()

    async def _send_batch(self) -> int:
        """Claim, send, and mark what went out even when the relay went away or a fault stopped it."""
        failure: Exception | None = None
        async with self.pool.acquire() as conn, conn.transaction():
            batch = await store.claim_due(conn, limit=self.settings.sender_batch)
            outcomes: dict[uuid.UUID, Outcome] = {}
            self._sending = asyncio.ensure_future(self.deliver_all(batch, outcomes))
            try:
                await self._sending
            except asyncio.CancelledError:
                pass  # stopping: the rest stays pending as it was
            except Exception as exc:
                failure = exc
            finally:
                self._sending = None
            await self.record_all(conn, [d for d in batch if d.delivery_id in outcomes], outcomes)
        if failure is not None:
            raise failure
        return len(batch)

    async def deliver_all(self, batch: list[Delivery], outcomes: dict[uuid.UUID, Outcome]) -> None:
        """Send the batch over every connection at once, each outcome into `outcomes` as it comes."""
        todo = iter(batch)

        async def send_over(mailer: Mailer, todo: Iterator[Delivery]) -> None:
            for delivery in todo:
                if self._stopping:
                    return
                outcomes[delivery.delivery_id] = await self.deliver(delivery, mailer)

        try:
            async with asyncio.TaskGroup() as group:
                for mailer in self.mailers[: len(batch)]:
                    group.create_task(send_over(mailer, todo))
        except ExceptionGroup as failed:  # the first of them; the others were stopped with it
            raise failed.exceptions[0] from None

    async def deliver(self, delivery: Delivery, mailer: Mailer) -> Outcome:
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
            letter = self.composer.letter(delivery)
        except Exception as exc:  # a fault of ours in one delivery: it fails alone
            log.exception("cannot compose delivery %s", delivery.delivery_id)
            return refused(f"cannot compose: {type(exc).__name__}: {exc}", permanent=True, bounce=False)
        return await mailer.send(letter)

    async def record_all(
        self, conn: asyncpg.Connection, done: list[Delivery], outcomes: dict[uuid.UUID, Outcome]
    ) -> None:
        """Mark the sent ones together, then each refused one on its own."""
        sent = [d for d in done if outcomes[d.delivery_id].sent]
        if sent:
            lags = await store.mark_sent(conn, sent)
            for delivery in sent:
                figures.observe_sent(
                    delivery.channel,
                    digest=delivery.kind == "digest",
                    lag_seconds=lags.get(delivery.delivery_id, 0.0),
                )
        for delivery in done:
            if not outcomes[delivery.delivery_id].sent:
                await self.record(conn, delivery, outcomes[delivery.delivery_id])

    async def record(self, conn: asyncpg.Connection, delivery: Delivery, outcome: Outcome) -> None:
        """Mark a refused delivery due again later, or failed (and pause a subscriber that keeps bouncing)."""
        s = self.settings
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
