"""Section 2, writes: comments accepted through the gateway, the pipeline's latency, the raw limits.

1. Accept: 32 participants in a closed loop (each posts again as soon as its 202 came) for the
   run's seconds, after a one-second warm-up in which each gets its participant cookie.
2. The pipeline at half and at the full accepted rate: comments sent in an open loop at that
   rate; once all are queued in moderation, the moderator approves them in an open loop at the
   same rate. Submission to queue and approval to visible come from the databases (_pipeline).
   Before each step the backlog of the one before has drained, so the steps do not overlap.
3. The raw limits (_raw) on the same servers.
"""

from __future__ import annotations

import platform
import secrets
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from importlib.metadata import version
from typing import Any

from benchmarks._cpu import cpu_cores
from benchmarks._pipeline import PipelineClock, wait_for
from benchmarks._raw import postgres_inserts, valkey_xadds
from benchmarks._stats import latency_ms, per_second, percentile
from benchmarks._writers import Moderator, Participants, Sample, closed_loop, open_loop
from radar_cli.embedded import EmbeddedPostgres

WORKERS = 32
DRAIN_TIMEOUT = 120.0  # seconds a backlog may take to reach the next stage before we go on without it


def _answers(samples: list[Sample], *, ok: int) -> dict[str, Any]:
    """Rate of `ok` answers over the span of all samples, their latency, and every status seen."""
    good = [s for s in samples if s.status == ok]
    span = max((s.ended for s in samples), default=0.0) - min((s.began for s in samples), default=0.0)
    return {
        "sent": len(samples),
        "per_second": per_second(len(good), span),
        **latency_ms([s.seconds for s in good]),
        "statuses": dict(Counter(str(s.status) for s in samples)),
    }


def _lateness(late: list[float]) -> dict[str, float | None]:
    """How late the open loop's sends left: its own saturation shows here."""
    p99 = percentile(late, 99)
    return {"send_late_p99_ms": None if p99 is None else round(p99 * 1000, 1)}


def _stage(times: list[tuple[float, float]], *, drained_after: float | None) -> dict[str, Any]:
    """Latency from each (entered, left) pair, and the rate at which the stage let comments out:
    the rate they came in while it kept up, its own limit once it fell behind."""
    left = [b for _, b in times]
    span = max(left, default=0.0) - min(left, default=0.0)
    return {
        **latency_ms([b - a for a, b in times]),
        "out_per_second": per_second(len(times), span),
        "drained_after_s": drained_after,
    }


def _busy(cores: dict[str, float]) -> dict[str, float]:
    return {name: used for name, used in cores.items() if used >= 0.05}


async def _drain(count: int, reached: Callable[[], Awaitable[int]], *, what: str) -> float | None:
    waited = await wait_for(count, reached, timeout=DRAIN_TIMEOUT)
    if waited is None:
        print(f"writes: {what} did not drain within {DRAIN_TIMEOUT:g} s", flush=True)
    return None if waited is None else round(waited, 1)


async def measure_accept(
    participants: Participants, clock: PipelineClock, pids: Mapping[str, tuple[int, bool]], *, seconds: float
) -> dict[str, Any]:
    """Comments accepted per second at WORKERS in flight, then how long their backlog took to queue."""
    warm = await closed_loop(participants.post, workers=WORKERS, seconds=1.0)
    print(f"writes: {WORKERS} participants post for {seconds:g} s", flush=True)
    with cpu_cores(pids) as cores:
        samples = await closed_loop(participants.post, workers=WORKERS, seconds=seconds)
    ids = [s.comment_id for s in warm + samples if s.comment_id]
    queued_after = await _drain(len(ids), lambda: clock.queued_count(ids), what="the accepted comments")
    return {
        **_answers(samples, ok=202),
        "cpu_cores": _busy(cores),
        "backlog": len(ids),
        "backlog_queued_after_s": queued_after,
    }


async def measure_pipeline(
    participants: Participants,
    moderator: Moderator,
    clock: PipelineClock,
    pids: Mapping[str, tuple[int, bool]],
    *,
    rate: float,
    seconds: float,
) -> dict[str, Any]:
    """Submit at `rate` for `seconds`, then approve them all at `rate`; the latency of both stages."""
    count = max(1, round(rate * seconds))
    print(f"writes: pipeline at {rate:.0f}/s: {count} comments, then their approvals", flush=True)
    with cpu_cores(pids) as submit_cores:
        submitted, submit_late = await open_loop(participants.post, rate=rate, count=count)
    ids = [s.comment_id for s in submitted if s.comment_id]
    queued_after = await _drain(len(ids), lambda: clock.queued_count(ids), what="the submissions")
    to_queue = _stage(await clock.submitted_and_queued(ids), drained_after=queued_after)
    with cpu_cores(pids) as approve_cores:
        decisions, approve_late = await open_loop(
            lambda i: moderator.approve(ids[i]), rate=rate, count=len(ids)
        )
    approved = [s.comment_id for s in decisions if s.status == 200 and s.comment_id]
    visible_after = await _drain(len(approved), lambda: clock.published_count(approved), what="the approvals")
    to_visible = _stage(await clock.approved_and_visible(approved), drained_after=visible_after)
    return {
        "rate": round(rate, 1),
        "submissions": {
            **_answers(submitted, ok=202), **_lateness(submit_late), "cpu_cores": _busy(submit_cores),
        },
        "submitted_to_queued": to_queue,
        "approvals": {
            **_answers(decisions, ok=200), **_lateness(approve_late), "cpu_cores": _busy(approve_cores),
        },
        "approved_to_visible": to_visible,
    }  # fmt: skip


async def run_writes(
    *, url: str, password: str, slugs: list[str], postgres: EmbeddedPostgres, redis_url: str,
    pids: Mapping[str, tuple[int, bool]], seconds: float,
) -> dict[str, Any]:  # fmt: skip
    """The whole write section: accept, the pipeline at half and full rate, the raw limits."""
    participants = Participants(url, count=WORKERS, slugs=slugs, run_id=secrets.token_hex(3))
    moderator = Moderator(url)
    clock = await PipelineClock.connect(postgres)
    try:
        await moderator.log_in(password)
        accept = await measure_accept(participants, clock, pids, seconds=seconds)
        pipeline = [
            await measure_pipeline(participants, moderator, clock, pids, rate=rate, seconds=seconds)
            for rate in (accept["per_second"] / 2, accept["per_second"])
        ]
    finally:
        await participants.close()
        await moderator.close()
        await clock.close()
    raw_seconds = max(2.0, seconds / 2)
    raw = await postgres_inserts(postgres, pids, seconds=raw_seconds)
    raw += await valkey_xadds(redis_url, pids, seconds=raw_seconds)
    generator = (
        f"Python {platform.python_version()} asyncio + aiohttp {version('aiohttp')}, one process"
        f" (raw limits: asyncpg {version('asyncpg')}, redis-py {version('redis')})"
    )
    return {
        "generator": generator,
        "seconds": seconds,
        "raw_seconds": raw_seconds,
        "workers": WORKERS,
        "accept": accept,
        "pipeline": pipeline,
        "raw": raw,
    }
