"""Section 6, cost growth: the reads and writes at 23, 1,000 and 10,000 measures, then with 100,000 comments.

On a system of its own (_fresh), started with Munich's 23 measures. At each stage: every public
read of section 1 fetched once, after warm-ups that run the same code (its bytes, and how long
the first, uncached answer took, since the seeding's events emptied the gateway's caches), then
under wrk as section 4 runs it; section 2's accept run (comments accepted through the gateway);
and CREATES measures created one after another through the gateway's API, as an editor does.
Between the stages the seeding (_seed) tops the measures up to the next count and at last adds
the published comments, and the system is left to settle (no outbox row, stream entry or
pending delivery waiting). The table shows each figure at every stage and how many times worse
it is at 10,000 measures than at 23; issue 12's target: no figure more than twice as slow
(_growth_table).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable, Coroutine, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

import httpx

from benchmarks import _seed
from benchmarks._cpu import system_pids
from benchmarks._fresh import fresh_system
from benchmarks._pipeline import PipelineClock
from benchmarks._reads import PREFERRED_MEASURE
from benchmarks._scaling import measure_reads
from benchmarks._stats import latency_ms
from benchmarks._writers import Moderator, Participants
from benchmarks._writes import WORKERS, measure_accept
from benchmarks._wrk import CONNECTIONS, THREADS, wrk_version
from benchmarks.drills.__main__ import is_quiet, open_measures
from benchmarks.drills.system import System
from radar_cli.embedded import EmbeddedPostgres

if TYPE_CHECKING:
    from benchmarks.load import LoadSettings

MEASURES = (1_000, 10_000)  # the stages after the seed's own measures
COMMENTS = 100_000
CREATES = 5
FETCH_TIMEOUT = 120.0
SETTLE_TIMEOUT = 300.0


def read_paths(slug: str) -> dict[str, str]:
    """Section 1's reads; the measure is looked up in the database, not fetched as section 1 does,
    so that the first stage's first answers are as uncached as the later stages'."""
    return {
        "measures-api": "/api/v1/measures",
        "radar-page": "/",
        "measure-page": f"/massnahmen/{slug}",
        "changes-feed": "/feeds/changes.atom",
    }


def warm_ups(other: str) -> list[str]:
    """Reads that run the same code as the measured ones but cache none of their answers or the
    catalog reads behind them: fetched first, they keep the first stage's first answers from
    paying for the processes' cold start (templates compiled, connections opened). The radar
    has none: each of its variants reads what the radar page reads."""
    return ["/api/v1/measures?page=2", f"/massnahmen/{other}", f"/feeds/measures/{other}.atom"]


def first_fetch(url: str) -> dict[str, Any]:
    """One plain GET: its status (None: no answer in time), body bytes and milliseconds."""
    began = time.monotonic()
    try:
        r = httpx.get(url, headers={"Accept-Encoding": "identity"}, trust_env=False, timeout=FETCH_TIMEOUT)
    except httpx.HTTPError:
        return {"status": None, "body_bytes": None, "first_ms": round((time.monotonic() - began) * 1000)}
    return {
        "status": r.status_code,
        "body_bytes": len(r.content),
        "first_ms": round(r.elapsed.total_seconds() * 1000, 1),
    }


async def measure_creates(url: str, password: str, postgres: EmbeddedPostgres) -> dict[str, Any]:
    """CREATES measures through the gateway's API, one after another; their latency and statuses."""
    known = await _seed.catalog_vocabulary(postgres)
    first = await _seed.measure_count(postgres)
    editor = Moderator(url)
    seconds, statuses = [], []
    try:
        await editor.log_in(password)
        for number in range(first + 1, first + 1 + CREATES):
            body = _seed.measure_values(number, known)
            began = time.monotonic()
            async with editor.session.post("/api/v1/measures", json=body, headers=editor.headers) as r:
                await r.read()
            seconds.append(time.monotonic() - began)
            statuses.append(r.status)
    finally:
        await editor.close()
    return {**latency_ms(seconds), "max_ms": round(max(seconds) * 1000, 1), "statuses": statuses}


async def measure_writes(
    system: System, password: str, slugs: list[str], *, seconds: float
) -> dict[str, Any]:
    """The accept run of section 2 at this stage, then the measure creates."""
    postgres = _attach(system)
    pids = system_pids(system.run_info())
    participants = Participants(system.url, count=WORKERS, slugs=slugs, run_id=secrets.token_hex(3))
    clock = await PipelineClock.connect(postgres)
    try:
        accept = await measure_accept(participants, clock, pids, seconds=seconds)
    finally:
        await participants.close()
        await clock.close()
    return {"accept": accept, "creates": await measure_creates(system.url, password, postgres)}


def _attach(system: System) -> EmbeddedPostgres:
    postgres = EmbeddedPostgres(system.data_dir)
    if not postgres.attach():
        raise RuntimeError("no PostgreSQL server runs on the data directory")
    return postgres


def settle(system: System) -> float | None:
    """Seconds until the system is quiet (None: not within SETTLE_TIMEOUT)."""
    began = time.monotonic()
    while time.monotonic() - began < SETTLE_TIMEOUT:
        if is_quiet(system.status()):
            return round(time.monotonic() - began, 1)
        time.sleep(1.0)
    return None


def measure_stage(
    system: System, password: str, *, paths: Mapping[str, str], warm: list[str], slugs: list[str],
    seconds: float,
) -> dict[str, Any]:  # fmt: skip
    """One stage: the settling, every read fetched once (after the warm-ups) and under wrk, the writes."""
    postgres = _attach(system)
    settled = settle(system)
    measures = asyncio.run(_seed.measure_count(postgres))
    print(f"growth: {measures:,} measures, settled after {settled} s", flush=True)
    for path in warm:
        first_fetch(system.url + path)
    fetched = {name: first_fetch(system.url + path) for name, path in paths.items()}
    loaded = measure_reads(system.url, paths, system_pids(system.run_info()), seconds=seconds)
    reads = {name: {**loaded[name], **fetched[name]} for name in paths}
    writes = asyncio.run(measure_writes(system, password, slugs, seconds=seconds))
    return {"measures": measures, "settled_after_s": settled, "reads": reads, **writes}


def run_growth(settings: LoadSettings, password: str, *, seconds: float, notes: list[str]) -> dict[str, Any]:
    """Every stage on a fresh system, each after its seeding; the stages in order."""
    seconds = max(2.0, seconds / 2)  # four stages: each run half as long as the other sections'
    with fresh_system(settings, password, processes="", notes=notes) as system:
        postgres = _attach(system)
        slugs = asyncio.run(open_measures(system.url))
        busiest = (
            PREFERRED_MEASURE if asyncio.run(_seed.has_measure(postgres, PREFERRED_MEASURE)) else slugs[0]
        )
        paths = read_paths(busiest)
        warm = warm_ups(next(slug for slug in slugs if slug != busiest))
        seedings: list[tuple[int, Callable[[], Coroutine[Any, Any, dict[str, Any]]] | None]] = [
            (0, None),
            *((0, partial(_seed.add_measures, postgres, total=total)) for total in MEASURES),
            (COMMENTS, partial(_seed.add_comments, postgres, total=COMMENTS, busiest=busiest)),
        ]
        stages = []
        for comments, seeding in seedings:
            seed = asyncio.run(seeding()) if seeding else None
            stage = measure_stage(system, password, paths=paths, warm=warm, slugs=slugs, seconds=seconds)
            stages.append({"seed": seed, "comments": comments, **stage})
        logged = system.log_findings()
    return {
        "seconds": seconds,
        "generator": f"{wrk_version()}, {CONNECTIONS} connections, {THREADS} threads; aiohttp for the writes",
        "stages": stages,
        "logged": logged,
    }
