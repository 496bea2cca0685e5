"""Erasure: a participant's subscriptions and watches go, and with them what they were sent.

On participant.erasure_requested, in the transaction that records the event: every
subscription and comment watch the participant asked for is deleted; what was still owed for
them is not sent; what was sent for them keeps no payload (a watched comment's note is theirs);
and a subscriber left following nothing loses its address (store.forgetting). Subscriptions
of the same address that were not asked for by this participant stay: nothing ties them to
the participant. Unsubscribing from everything forgets the address at once.
"""

from __future__ import annotations

import asyncpg

from radar_lib.events import ParticipantErasureRequested
from radar_notifications.store import deliveries, forgetting, subscriptions


async def erase_participant(conn: asyncpg.Connection, event: ParticipantErasureRequested) -> None:
    """Delete what the participant subscribed to, and the addresses left following nothing."""
    asked = await forgetting.subscriptions_of_participant(conn, event.payload.participant_id)
    if not asked:
        return
    await deliveries.cancel_unsent(conn, asked)
    await forgetting.scrub_deliveries_of(conn, asked)
    subscribers = await subscriptions.delete_subscriptions(conn, asked)
    await forgetting.forget_if_unsubscribed(conn, subscribers)
