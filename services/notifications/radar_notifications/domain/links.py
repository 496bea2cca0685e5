"""The public addresses that mails and webhook payloads link to (pages the gateway serves)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import quote

from radar_notifications.domain.tokens import CONFIRM, LEAVE, MANAGE, UNSUBSCRIBE, LinkToken, sign_link

CONFIRM_PATH = "/subscriptions/confirm"
MANAGE_PATH = "/subscriptions/manage"
UNSUBSCRIBE_PATH = "/subscriptions/unsubscribe"  # GET: a page with a button; POST: RFC 8058 one-click
MEASURE_PATH = "/massnahmen/{slug}"
COMMENT_PATH = "/kommentare/{comment_id}"  # below the measure's: the gateway leads to its page of the thread


@dataclass(frozen=True)
class Links:
    """Builds links below the public URL, with tokens signed by `key`."""

    public_url: str
    key: bytes

    def _with_token(self, path: str, token: LinkToken) -> str:
        return f"{self.public_url.rstrip('/')}{path}?token={sign_link(token, key=self.key)}"

    def confirm(self, subscription_id: uuid.UUID, *, expires: int) -> str:
        return self._with_token(CONFIRM_PATH, LinkToken(CONFIRM, subscription_id, expires))

    def manage(self, subscriber_id: uuid.UUID) -> str:
        return self._with_token(MANAGE_PATH, LinkToken(MANAGE, subscriber_id))

    def unsubscribe(self, subscription_id: uuid.UUID) -> str:
        """One subscription's one-click unsubscribe."""
        return self._with_token(UNSUBSCRIBE_PATH, LinkToken(UNSUBSCRIBE, subscription_id))

    def leave(self, subscriber_id: uuid.UUID) -> str:
        """Unsubscribe from everything in one click (digests, which speak for many subscriptions)."""
        return self._with_token(UNSUBSCRIBE_PATH, LinkToken(LEAVE, subscriber_id))

    def measure(self, slug: str, *, comment_id: str | None = None) -> str:
        url = f"{self.public_url.rstrip('/')}{MEASURE_PATH.format(slug=quote(slug, safe=''))}"
        return url + (COMMENT_PATH.format(comment_id=quote(str(comment_id), safe="")) if comment_id else "")
