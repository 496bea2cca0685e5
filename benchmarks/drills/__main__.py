"""Run the fault drill: `.venv/bin/python -m benchmarks.drills` (what `make drills` runs)."""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import shutil
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks.drills import report
from benchmarks.drills.faults import run_faults
from benchmarks.drills.system import Settings, System
from benchmarks.drills.tally import own_comments, public_threads, tally, verdict
from benchmarks.drills.traffic import TIMEOUT, Journal, Moderator, participant_clients, send_comments

MEASURES = 4  # comments are spread over this many measures


async def open_measures(url: str, *, timeout: float = 90.0) -> list[str]:
    """Slugs of seeded measures that participation already knows (its projection fills after the start)."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT, trust_env=False) as client:
        r = await client.get("/api/v1/measures", params={"per_page": MEASURES})
        r.raise_for_status()
        slugs = [m["slug"] for m in r.json()["items"]]
        for slug in slugs:
            while (await client.get(f"/api/v1/measures/{slug}/comments")).status_code != 200:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"participation does not know the measure {slug}")
                await asyncio.sleep(0.5)
    return slugs


def is_quiet(status: dict[str, Any]) -> bool:
    """Every service ready, no outbox row waiting, nothing unread or pending in any group."""
    return (
        "error" not in status
        and not status.get("redis_error")
        and all(s["ready"] for s in status["services"])
        and all(o["figures"] is not None and o["figures"]["backlog"] == 0 for o in status["outboxes"])
        and all(g["lag"] == 0 and g["pending"] == 0 for g in status["groups"] if g["exists"])
    )


async def wait_for_quiet(
    system: System, journal: Journal, *, timeout: float
) -> tuple[float | None, dict[str, Any]]:
    """Seconds until quiet with an empty queue, twice in a row 2 s apart (None: never); the last status."""
    began = time.monotonic()
    quiet_reads = 0
    while True:
        status = await asyncio.to_thread(system.status)
        quiet_reads = quiet_reads + 1 if is_quiet(status) and journal.queue_total == 0 else 0
        if quiet_reads >= 2:
            return time.monotonic() - began, status
        if time.monotonic() - began > timeout:
            return None, status
        await asyncio.sleep(2)


async def drill(system: System, settings: Settings, *, password: str, run_id: str) -> dict[str, Any]:
    """Load, faults, quiet, counts."""
    slugs = await open_measures(system.url)
    journal = Journal()
    clients = participant_clients(system.url, settings.participants)
    moderator = Moderator(journal, url=system.url, password=password)
    stop_sending, stop_moderating = asyncio.Event(), asyncio.Event()
    sending_began = time.monotonic()
    senders = asyncio.create_task(
        send_comments(
            journal, clients=clients, slugs=slugs, rate=settings.rate, run_id=run_id, stop=stop_sending
        )
    )
    moderating = asyncio.create_task(moderator.run(stop_moderating))
    try:
        try:
            records = await run_faults(system, journal, settings)
            await asyncio.sleep(settings.pause_seconds)
        finally:
            stop_sending.set()
            await senders
        sending_ended = time.monotonic()
        print(f"drill: {len(journal.posts)} comments sent; waiting for quiet", flush=True)
        try:
            quiet_after, status = await wait_for_quiet(system, journal, timeout=settings.quiet_timeout)
        finally:
            stop_moderating.set()
            await moderating
        counts = tally(
            journal,
            public=await public_threads(system.url, slugs),
            mine=await own_comments(clients),
            status=status,
        )
    finally:
        for client in clients:
            await client.aclose()
        await moderator.close()
    return {
        "measures": slugs,
        "faults": report.fault_rows(
            journal, records, sending_began=sending_began, sending_ended=sending_ended
        ),
        "unrecovered": [r.name for r in records if not r.recovered],
        "quiet_after_seconds": None if quiet_after is None else round(quiet_after, 1),
        "counts": counts,
    }


def main() -> int:
    """Run the drill once; exit 0 only when it passes."""
    parser = argparse.ArgumentParser(description="fault drill against `radar up` (see benchmarks/drills)")
    parser.add_argument("--rate", type=float, default=Settings.rate, help="comments per second")
    parser.add_argument("--participants", type=int, default=Settings.participants)
    parser.add_argument("--block-seconds", type=float, default=Settings.block_seconds)
    parser.add_argument(
        "--pause", type=float, default=Settings.pause_seconds, help="seconds before each fault"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the data directory even when the drill passes"
    )
    args = parser.parse_args()
    settings = Settings(
        rate=args.rate,
        participants=args.participants,
        block_seconds=args.block_seconds,
        pause_seconds=args.pause,
    )
    data_dir = Path(tempfile.mkdtemp(prefix="radar-drill-")).resolve()
    password, run_id = secrets.token_urlsafe(18), secrets.token_hex(3)
    began, date = time.monotonic(), datetime.now(UTC)
    print(f"drill: data in {data_dir}", flush=True)
    system = System(data_dir, settings, password)
    outcome: dict[str, Any] = {}
    error = None
    try:
        system.wait_until_ready()
        print(f"drill: ready after {time.monotonic() - began:.0f} s at {system.url}", flush=True)
        outcome = asyncio.run(drill(system, settings, password=password, run_id=run_id))
    except (Exception, KeyboardInterrupt) as exc:
        error = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
    finally:
        restarts = system.restart_lines()
        left_running = system.stop()
    failures = [f"the drill did not finish: {error}"] if error else []
    if outcome:
        failures += verdict(outcome["counts"], recovered=outcome["unrecovered"], left_running=left_running)
    elif left_running:
        failures.append(f"left running after stop: {'; '.join(left_running)}")
    passed = not failures
    results = {
        "what": "comments through the gateway under injected faults; see benchmarks/drills/__init__.py",
        "command": " ".join([".venv/bin/python -m benchmarks.drills", *sys.argv[1:]]),
        "date": date.isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "os": platform.platform()},
        "settings": report.settings_dict(settings),
        "minutes": round((time.monotonic() - began) / 60, 1),
        "passed": passed,
        "failures": failures,
        **outcome,
        "left_running": left_running,
        "launcher_restart_lines": restarts,
        "log_findings": system.log_findings(),
        "data_dir": str(data_dir) if not passed or args.keep else None,
    }
    results.setdefault("faults", [])
    results.setdefault(
        "counts", {"stages": {}, "machinery": {}, "answers_to_posts": {}, "decision_answers": {}}
    )
    report.write(results)
    print(report.markdown(results), flush=True)
    if passed and not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)
    else:
        print(f"drill: the data directory is kept: {data_dir} (logs in {data_dir / 'logs'})", flush=True)
    print(f"drill: written to {report.JSON_FILE} and {report.MARKDOWN_FILE}", flush=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
