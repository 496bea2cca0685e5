"""Rate limits for what citizens send: comments, ratings, reports, reports on one comment, subscriptions.

Each kind counts per participant and per address, both by keyed hash (neither the address nor
the participant id is stored, so an erased participant leaves no id behind in Redis either);
the address allows ADDRESS_FACTOR times as much, since many people may share one (a library,
an office). Reports also count per comment, over all participants, so that a
comment cannot be buried under a flood of reports. Subscriptions and comment watches count per
address only, at the setting itself: each sends a confirmation mail to any address. The windows
are fixed and live in Redis (ratelimit.py); the numbers are settings (config.py) and documented
in docs/architecture.md.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import uuid

from fastapi import Request

from radar_gateway.context import Gateway
from radar_gateway.ratelimit import Window
from radar_lib.web import ApiError

ADDRESS_FACTOR = 6


class Kind(enum.Enum):
    COMMENT = "comments"
    RATING = "ratings"
    REPORT = "reports"
    SUBSCRIBE = "subscriptions"  # per address only: each one may send a confirmation mail


REFUSALS = {
    Kind.COMMENT: "Too many comments; please wait a little.",
    Kind.RATING: "Too many ratings; please wait a little.",
    Kind.REPORT: "Too many reports; please wait a little.",
    Kind.SUBSCRIBE: "Too many subscriptions from this address; please wait a little.",
}


def client_key(request: Request, key: bytes) -> str:
    """A keyed hash of the caller's address: limits per address without storing the address."""
    address = request.client.host if request.client else "unknown"
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:24]


def participant_key(participant_id: uuid.UUID, key: bytes) -> str:
    """A keyed hash of a participant id: limits per participant without storing the id."""
    return hmac.new(key, f"participant:{participant_id}".encode(), hashlib.sha256).hexdigest()[:24]


def _windows(
    gw: Gateway, request: Request, kind: Kind, participant_id: uuid.UUID | None, comment_id: uuid.UUID | None
) -> list[Window]:
    s = gw.settings
    limit, window = {
        Kind.COMMENT: (s.comments_per_window, s.comment_window_seconds),
        Kind.RATING: (s.ratings_per_window, s.rating_window_seconds),
        Kind.REPORT: (s.reports_per_window, s.report_window_seconds),
        Kind.SUBSCRIBE: (s.subscriptions_per_window, s.subscription_window_seconds),
    }[kind]
    address = client_key(request, s.address_hash_key)
    if kind is Kind.SUBSCRIBE:  # no participant needed: counted by address alone
        return [(f"{kind.value}:a:{address}", limit, window)]
    assert participant_id is not None, "comments, ratings and reports are a participant's"
    windows = [
        (f"{kind.value}:p:{participant_key(participant_id, s.address_hash_key)}", limit, window),
        (f"{kind.value}:a:{address}", limit * ADDRESS_FACTOR, window),
    ]
    if kind is Kind.REPORT and comment_id is not None:
        windows.append((f"reports:c:{comment_id}", s.reports_per_comment_per_window, s.report_window_seconds))
    return windows


async def take(
    request: Request,
    gw: Gateway,
    kind: Kind,
    participant_id: uuid.UUID | None,
    *,
    comment_id: uuid.UUID | None = None,
) -> None:
    """Count one; ApiError 429 RATE_LIMITED with retry_after when a window is full.

    Subscriptions count by address alone, so a page may subscribe without a participant (None).
    """
    wait = await gw.limiter.take(_windows(gw, request, kind, participant_id, comment_id))
    if wait:
        raise ApiError(429, "RATE_LIMITED", REFUSALS[kind], retry_after=wait)
