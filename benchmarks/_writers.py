"""The write load, from one Python process with aiohttp on asyncio: participants posting comments
through the gateway, a moderator approving them, and the two ways of pacing them.

Each participant is its own aiohttp session with its own cookie jar, so it keeps the participant
cookie the gateway sets on its first comment, as a browser would. A closed loop keeps a fixed
number of requests in flight (what a fixed concurrency can get through); an open loop sends at a
fixed rate whatever the answers do, and notes how late each send left (a generator that cannot
keep its schedule has saturated).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp

TIMEOUT = aiohttp.ClientTimeout(total=30)


@dataclass(frozen=True)
class Sample:
    """One request on the monotonic clock; status None: no answer at all."""

    began: float
    ended: float
    status: int | None
    comment_id: str | None = None

    @property
    def seconds(self) -> float:
        return self.ended - self.began


def _session(url: str) -> aiohttp.ClientSession:
    # unsafe: keep cookies of an IP-address host; limit 0: an open loop may need several connections
    return aiohttp.ClientSession(
        base_url=url,
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        connector=aiohttp.TCPConnector(limit=0),
        timeout=TIMEOUT,
    )


async def _timed(request: Callable[[], Awaitable[tuple[int, str | None]]]) -> Sample:
    began = time.monotonic()
    try:
        status, comment_id = await request()
    except (aiohttp.ClientError, TimeoutError):
        return Sample(began, time.monotonic(), None)
    return Sample(began, time.monotonic(), status, comment_id)


class Participants:
    """Participants who post comments, each on its own session, over a few measures in turn."""

    def __init__(self, url: str, *, count: int, slugs: list[str], run_id: str) -> None:
        self.sessions = [_session(url) for _ in range(count)]
        self.slugs = slugs
        self.run_id = run_id
        self.numbers = itertools.count(1)

    async def post(self, participant: int) -> Sample:
        """Post one new comment as this participant; the sample carries the comment id of a 202."""
        number = next(self.numbers)
        slug = self.slugs[number % len(self.slugs)]
        text = {"body": f"Lasttest {self.run_id}-{number:06d}: ein Kommentar von Person {participant}."}
        session = self.sessions[participant % len(self.sessions)]

        async def request() -> tuple[int, str | None]:
            async with session.post(f"/api/v1/measures/{slug}/comments", json=text) as r:
                if r.status != 202:
                    await r.read()
                    return r.status, None
                return r.status, str((await r.json())["id"])

        return await _timed(request)

    async def close(self) -> None:
        await asyncio.gather(*(s.close() for s in self.sessions))


class Moderator:
    """The admin, logged in once, approving comments by id."""

    def __init__(self, url: str) -> None:
        self.session = _session(url)
        self.headers: dict[str, str] = {}

    async def log_in(self, password: str) -> None:
        """Log in as admin@example.org; the CSRF token from its cookie goes with every decision."""
        credentials = {"email": "admin@example.org", "password": password}
        async with self.session.post("/api/v1/auth/login", json=credentials) as r:
            r.raise_for_status()
            self.headers = {"X-CSRF-Token": r.cookies["radar_csrf"].value}

    async def approve(self, comment_id: str) -> Sample:
        async def request() -> tuple[int, str | None]:
            async with self.session.post(
                f"/api/v1/moderation/comments/{comment_id}/decision",
                json={"decision": "approve"},
                headers=self.headers,
            ) as r:
                await r.read()
                return r.status, comment_id

        return await _timed(request)

    async def close(self) -> None:
        await self.session.close()


async def closed_loop(
    send: Callable[[int], Awaitable[Sample]], *, workers: int, seconds: float
) -> list[Sample]:
    """`workers` senders, each sending again as soon as its answer came, for `seconds`."""
    stop_at = time.monotonic() + seconds
    samples: list[Sample] = []

    async def worker(index: int) -> None:
        while time.monotonic() < stop_at:
            samples.append(await send(index))

    await asyncio.gather(*(worker(i) for i in range(workers)))
    return samples


async def open_loop(
    send: Callable[[int], Awaitable[Sample]], *, rate: float, count: int
) -> tuple[list[Sample], list[float]]:
    """`count` sends at `rate` per second whatever the answers do; the samples and each send's lateness."""
    began = time.monotonic()
    late: list[float] = []
    tasks: list[asyncio.Future[Sample]] = []
    for index in range(count):
        due = began + index / rate
        wait = due - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        late.append(max(0.0, time.monotonic() - due))
        tasks.append(asyncio.ensure_future(send(index)))
    return list(await asyncio.gather(*tasks)), late
