"""The drill's load: participants who post comments at a steady rate, a moderator who approves
every queued comment, and the journal of every call they made."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import time
from dataclasses import dataclass, field

import httpx

MARKER = re.compile(r"drill-[0-9a-f]+-\d+")
TIMEOUT = httpx.Timeout(15.0, connect=5.0)


@dataclass(frozen=True)
class Call:
    """One HTTP call: who made it, when, and what came back (a status, or an error)."""

    actor: str  # "sender" or "moderator"
    what: str
    began: float
    ended: float
    status: int | None
    error: str | None = None

    @property
    def failed_hard(self) -> bool:
        """A 5xx or no answer at all: what a fault shows to a client."""
        return self.status is None or self.status >= 500


@dataclass
class Post:
    marker: str
    slug: str
    participant: int
    call: Call
    comment_id: str | None


@dataclass
class Journal:
    """Everything the senders and the moderator saw, on the monotonic clock."""

    calls: list[Call] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    queued: dict[str, tuple[str | None, float]] = field(default_factory=dict)  # id -> (marker, first seen)
    decided: dict[str, int] = field(default_factory=dict)  # id -> status of the last decision
    queue_total: int | None = None  # the moderation queue's length at its last successful read

    def first_accepted(self, *, sent_after: float, done_after: float) -> float | None:
        """When the first 202 came for a comment sent after `sent_after`, no earlier than `done_after`."""
        times = [
            p.call.ended
            for p in self.posts
            if p.call.status == 202 and p.call.began >= sent_after and p.call.ended >= done_after
        ]
        return min(times, default=None)

    def first_queued(self, *, sent_after: float, seen_after: float) -> float | None:
        """When the moderator first saw a comment sent after `sent_after`, no earlier than `seen_after`."""
        sent = {p.comment_id: p.call.began for p in self.posts if p.comment_id}
        times = [
            seen
            for cid, (_, seen) in self.queued.items()
            if sent.get(cid, -1.0) >= sent_after and seen >= seen_after
        ]
        return min(times, default=None)


def _error_code(response: httpx.Response) -> str | None:
    """The error code of a 5xx answer (`{"error": CODE}`), so that the report tells 503 from 500."""
    if response.status_code < 500:
        return None
    try:
        return str(response.json().get("error"))
    except ValueError:
        return "not JSON"


async def _call(
    journal: Journal, client: httpx.AsyncClient, *, actor: str, what: str, method: str, url: str, **kw: object
) -> tuple[Call, httpx.Response | None]:
    """Make the call and note it in the journal; no answer at all gives None."""
    began = time.monotonic()
    response: httpx.Response | None = None
    try:
        response = await client.request(method, url, **kw)  # type: ignore[arg-type]
        call = Call(actor, what, began, time.monotonic(), response.status_code, _error_code(response))
    except httpx.HTTPError as exc:
        call = Call(actor, what, began, time.monotonic(), None, type(exc).__name__)
    journal.calls.append(call)
    return call, response


def participant_clients(url: str, count: int) -> list[httpx.AsyncClient]:
    """One client per participant: each keeps its own cookie jar, so its own participant cookie."""
    return [httpx.AsyncClient(base_url=url, timeout=TIMEOUT, trust_env=False) for _ in range(count)]


async def send_comments(
    journal: Journal,
    *,
    clients: list[httpx.AsyncClient],
    slugs: list[str],
    rate: float,
    run_id: str,
    stop: asyncio.Event,
) -> None:
    """Post comments from every participant until `stop`, together at `rate` per second."""
    numbers = itertools.count(1)
    interval = len(clients) / rate

    async def participant(index: int, client: httpx.AsyncClient) -> None:
        next_at = time.monotonic() + index * interval / len(clients)
        while not stop.is_set():
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            if stop.is_set():
                return
            number = next(numbers)
            marker = f"drill-{run_id}-{number:05d}"
            slug = slugs[number % len(slugs)]
            body = {"body": f"Drill-Kommentar {marker} von Teilnehmerin {index}."}
            url = f"/api/v1/measures/{slug}/comments"
            call, response = await _call(
                journal, client, actor="sender", what="post", method="POST", url=url, json=body
            )
            comment_id = str(response.json()["id"]) if response is not None and call.status == 202 else None
            journal.posts.append(Post(marker, slug, index, call, comment_id))
            next_at = max(next_at + interval, time.monotonic())  # no burst after a slow answer

    await asyncio.gather(*(participant(i, c) for i, c in enumerate(clients)))


class Moderator:
    """Logs in as the admin and approves whatever the queue shows, until stopped."""

    def __init__(self, journal: Journal, *, url: str, password: str) -> None:
        self.journal = journal
        self.client = httpx.AsyncClient(base_url=url, timeout=TIMEOUT, trust_env=False)
        self.password = password
        self.logged_in = False

    async def _login(self) -> None:
        credentials = {"email": "admin@example.org", "password": self.password}
        self.client.cookies.clear()
        _, r = await _call(
            self.journal, self.client, actor="moderator", what="login",
            method="POST", url="/api/v1/auth/login", json=credentials,
        )  # fmt: skip
        if r is not None and r.status_code == 200:
            self.client.headers["X-CSRF-Token"] = self.client.cookies["radar_csrf"]
            self.logged_in = True

    async def _approve(self, comment_id: str) -> None:
        _, r = await _call(
            self.journal, self.client, actor="moderator", what="decision", method="POST",
            url=f"/api/v1/moderation/comments/{comment_id}/decision", json={"decision": "approve"},
        )  # fmt: skip
        if r is not None:
            self.journal.decided[comment_id] = r.status_code
            if r.status_code == 401:
                self.logged_in = False

    async def approve_once(self) -> int:
        """Read the queue's first page and approve it; the number of items it showed."""
        if not self.logged_in:
            await self._login()
            if not self.logged_in:
                return 0
        _, r = await _call(
            self.journal, self.client, actor="moderator", what="queue",
            method="GET", url="/api/v1/moderation/queue", params={"per_page": 100},
        )  # fmt: skip
        if r is None or r.status_code != 200:
            self.logged_in = self.logged_in and (r is None or r.status_code != 401)
            return 0
        page = r.json()
        now = time.monotonic()
        self.journal.queue_total = int(page["total"])
        for item in page["items"]:
            found = MARKER.search(item["body"])
            self.journal.queued.setdefault(item["comment_id"], (found.group() if found else None, now))
        ids = [item["comment_id"] for item in page["items"]]
        for start in range(0, len(ids), 5):  # a few at a time, as a moderator team would
            await asyncio.gather(*(self._approve(cid) for cid in ids[start : start + 5]))
        return len(ids)

    async def run(self, stop: asyncio.Event) -> None:
        """Approve until `stop`; an empty or failed read waits half a second."""
        while not stop.is_set():
            if await self.approve_once() == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 0.5)

    async def close(self) -> None:
        await self.client.aclose()
