"""Section 3, fan-out: one change of a measure mailed to 10,000 and to 100,000 confirmed subscribers.

1. Subscribers: confirmed e-mail subscribers of one measure, inserted straight into the
   notifications database as opening the confirmation link leaves them (a subscriber row and a
   confirmed subscription of the measure, mode immediate, German). The 100,000 are the 10,000
   of the first step and 90,000 more.
2. The admin (an editor) changes the measure's progress once through the gateway's API; the clock
   runs from that request until the local sink holds a mail for every subscriber. The sink
   (radar_cli/smtp_sink.py) stores each mail as its own file named by the time it was stored, so
   the first and the last mail's times come from the names; meanwhile the folder is listed once a
   second (how long one listing took is recorded: small next to the mails' own work).
3. Exactly once: every subscriber's address is in exactly one of the files stored since the change.
4. The reference: the sink's raw rate, a plain aiosmtplib loop sending a copy of one of those
   mails over as many connections as notifications used, and over 1 to 32 to find the sink's best.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import aiosmtplib
import asyncpg
import psutil

from benchmarks._cpu import cpu_cores
from benchmarks._notes import SHARED_MACHINE
from benchmarks._stats import per_second, ratio
from benchmarks._writers import Moderator
from radar_cli.databases import DEFAULT_PREFIX, database_name
from radar_cli.embedded import EmbeddedPostgres

STAMP = "%Y%m%dT%H%M%S%f"  # the sink's file names begin with the time the mail was stored
POLL_SECONDS = 1.0
STALL_SECONDS = 120.0  # no new mail for this long: the run ends with what arrived
SETTLE_SECONDS = 3.0  # after the last expected mail: time for a duplicate to show
RAW_SECONDS = 5.0
RAW_CONNECTIONS = (1, 2, 4, 8, 16, 32)
TARGET_SECONDS = 60.0  # issue 12: 100,000 notification mails in under 60 seconds
ADD_SUBSCRIBERS = """
WITH new AS (
    INSERT INTO subscribers (subscriber_id, channel, email)
    SELECT gen_random_uuid(), 'email', 'fanout-' || $1 || '-' || i || '@example.org'
    FROM generate_series($2::int, $3::int) AS i
    RETURNING subscriber_id, created_at
)
INSERT INTO subscriptions (subscription_id, subscriber_id, scope_type, scope_key, new_comments, language,
    mode, created_at, expires_at, confirmed_at)
SELECT gen_random_uuid(), subscriber_id, 'measure', $4, false, 'de', 'immediate', created_at,
    created_at + interval '48 hours', now()
FROM new
"""


def _stamp(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime(STAMP)


def _stored_at(name: str) -> float:
    return datetime.strptime(name.split("-", 1)[0], STAMP).replace(tzinfo=UTC).timestamp()


def mails_since(directory: Path, since: float) -> list[str]:
    """Names of the mails the sink stored at or after `since` (Unix time)."""
    first = _stamp(since)
    with os.scandir(directory) as entries:
        return [e.name for e in entries if e.name.endswith(".eml") and e.name >= first]


def recipients(directory: Path, names: list[str]) -> Counter[str]:
    """How many of these mails went to each address (the sink's envelope header, first lines)."""
    found: Counter[str] = Counter()
    for name in names:
        with open(directory / name, "rb") as mail:
            head = mail.read(1024).decode(errors="replace")
        for line in head.splitlines()[:2]:
            if line.startswith("X-Radar-Envelope-To: "):
                found[line.removeprefix("X-Radar-Envelope-To: ")] += 1
    return found


def sink_connections(pid: int, port: int) -> int:
    """The process's established TCP connections to the sink."""
    try:
        connections = psutil.Process(pid).net_connections(kind="tcp")
    except psutil.Error:
        return 0
    return sum(1 for c in connections if c.raddr and c.raddr.port == port and c.status == "ESTABLISHED")


class Fanout:
    """The notifications database (as superuser), the admin's session, the sink's folder and port."""

    def __init__(
        self, db: asyncpg.Connection, editor: Moderator, *, slug: str, run: Mapping[str, Any]
    ) -> None:
        self.db, self.editor, self.slug = db, editor, slug
        self.mail_dir = Path(run["mail_dir"])
        self.sink_port = int(run["sink_port"])
        self.notifications_pid = int(run["notifications_pid"])
        self.tag = secrets.token_hex(3)
        self.subscribers = 0
        self.last_mail = ""  # a mail of the last fan-out, the raw loop's sample

    async def add_subscribers(self, total: int) -> float:
        """Top the measure's confirmed subscribers up to `total`; the seconds it took."""
        began = time.monotonic()
        measure_id = await self.db.fetchval("SELECT measure_id FROM measures WHERE slug = $1", self.slug)
        assert measure_id is not None, f"notifications does not know {self.slug}"
        await self.db.execute(ADD_SUBSCRIBERS, self.tag, self.subscribers + 1, total, str(measure_id))
        await self.db.execute("ANALYZE subscribers; ANALYZE subscriptions")
        self.subscribers = total
        return round(time.monotonic() - began, 1)

    async def change_measure(self) -> None:
        """One change of the measure's progress through the gateway's API, as an editor."""
        session, path = self.editor.session, f"/api/v1/measures/{self.slug}"
        async with session.get(path) as r:
            r.raise_for_status()
            progress = ((await r.json()).get("progress") or 0) % 99 + 1
        change = {"progress": progress, "change_note": f"Lasttest {self.tag}: Fortschritt {progress} %."}
        async with session.patch(path, json=change, headers=self.editor.headers) as r:
            r.raise_for_status()

    async def deliver(self, pids: Mapping[str, tuple[int, bool]], *, timeout: float) -> dict[str, Any]:
        """Change the measure once and wait until every subscriber's mail is in the sink."""
        expected = self.subscribers
        print(f"fanout: one change to {expected:,} subscribers", flush=True)
        listing_ms: list[float] = []
        connections, count = 0, 0
        with cpu_cores(pids) as cores:
            changed_at = time.time()
            await self.change_measure()
            deadline, progressed = time.monotonic() + timeout, time.monotonic()
            while count < expected and time.monotonic() < min(deadline, progressed + STALL_SECONDS):
                await asyncio.sleep(POLL_SECONDS)
                listed = time.perf_counter()
                found = len(mails_since(self.mail_dir, changed_at))
                listing_ms.append((time.perf_counter() - listed) * 1000)
                connections = max(connections, sink_connections(self.notifications_pid, self.sink_port))
                progressed, count = (time.monotonic(), found) if found > count else (progressed, count)
        await asyncio.sleep(SETTLE_SECONDS)
        names = mails_since(self.mail_dir, changed_at)
        self.last_mail = min(names, default=self.last_mail)
        return self._figures(names, changed_at, connections, listing_ms, cores)

    def _figures(
        self, names: list[str], changed_at: float, connections: int, listing_ms: list[float],
        cores: dict[str, float],
    ) -> dict[str, Any]:  # fmt: skip
        ours = {f"fanout-{self.tag}-{i}@example.org" for i in range(1, self.subscribers + 1)}
        got = recipients(self.mail_dir, names)
        times = sorted(_stored_at(name) for name in names)
        complete = ours <= set(got)
        first, last = (times[0], times[-1]) if times else (changed_at, changed_at)
        return {
            "subscribers": self.subscribers,
            "mails": len(names),
            "duplicates": sum(n - 1 for address, n in got.items() if address in ours),
            "missing": len(ours - set(got)),
            "others": sum(n for address, n in got.items() if address not in ours),
            "first_mail_s": round(first - changed_at, 2) if times else None,
            "all_mail_s": round(last - changed_at, 2) if complete else None,
            "per_second": per_second(len(names), last - first),
            "connections": connections,
            "listing_ms_max": round(max(listing_ms, default=0.0), 1),
            "cpu_cores": {name: used for name, used in cores.items() if used >= 0.05},
        }

    def sample_mail(self) -> bytes:
        """One mail of the last fan-out as notifications sent it (without the sink's envelope lines)."""
        lines = (self.mail_dir / self.last_mail).read_bytes().split(b"\r\n")
        return b"\r\n".join(line for line in lines if not line.startswith(b"X-Radar-Envelope-"))


async def raw_rate(
    message: bytes, *, port: int, connections: int, pids: Mapping[str, tuple[int, bool]]
) -> dict[str, Any]:
    """Mails per second a plain aiosmtplib loop gets into the sink over this many connections."""
    stop_at = time.monotonic() + RAW_SECONDS

    async def loop(index: int) -> int:
        smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port)
        await smtp.connect()
        sent = 0
        while time.monotonic() < stop_at:
            await smtp.sendmail("radar@localhost", [f"raw-{index}-{sent}@example.org"], message)
            sent += 1
        await smtp.quit()
        return sent

    print(f"fanout: raw sink rate over {connections} connection(s)", flush=True)
    began = time.monotonic()
    with cpu_cores(pids) as cores:
        sent = sum(await asyncio.gather(*(loop(i) for i in range(connections))))
    return {
        "connections": connections,
        "per_second": per_second(sent, time.monotonic() - began),
        "cpu_cores": {name: used for name, used in cores.items() if used >= 0.05},
    }


async def run_fanout(
    *, url: str, password: str, slug: str, postgres: EmbeddedPostgres, run: Mapping[str, Any],
    pids: Mapping[str, tuple[int, bool]], counts: list[int], timeout: float,
) -> dict[str, Any]:  # fmt: skip
    """Each fan-out in turn (subscribers topped up between them), then the sink's raw rates."""
    db = await asyncpg.connect(postgres.admin_dsn(database_name(DEFAULT_PREFIX, "notifications")))
    editor = Moderator(url)
    fanout = Fanout(db, editor, slug=slug, run=run)
    runs = []
    try:
        await editor.log_in(password)
        for count in counts:
            setup = await fanout.add_subscribers(count)
            runs.append({**await fanout.deliver(pids, timeout=timeout), "setup_seconds": setup})
    finally:
        await editor.close()
        await db.close()
    message = fanout.sample_mail()
    used = max((r["connections"] for r in runs), default=1) or 1
    raw = [
        await raw_rate(message, port=fanout.sink_port, connections=n, pids=pids)
        for n in sorted({used, *RAW_CONNECTIONS})
    ]
    load = os.getloadavg()[0]
    return {
        "machine_load_after": f"{load:.2f} (1 min)",
        "generator": f"Python asyncio, aiohttp {version('aiohttp')} (the change), aiosmtplib"
        f" {version('aiosmtplib')} (raw sink rate), {RAW_SECONDS:g} s per raw run",
        "mail_bytes": len(message),
        "runs": runs,
        "raw": raw,
    }


def _busy(cores: dict[str, float]) -> str:
    ordered = sorted(cores.items(), key=lambda item: -item[1])
    return ", ".join(f"{name} {used:.2f}" for name, used in ordered) or "–"


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def fanout_lines(fanout: dict[str, Any]) -> list[str]:
    """The fan-out's tables for results.md: each run next to the sink's raw rate, then the raw rates."""
    raw = {r["connections"]: r["per_second"] for r in fanout["raw"]}
    best = max(raw.values(), default=None)
    lines = [
        f"### Fan-out ({fanout['generator']}; mails of {fanout['mail_bytes']:,} bytes)",
        "",
        f"Measured {fanout['date']} on commit {fanout['git']['commit'][:12]}"
        f"{' with uncommitted changes' if fanout['git']['dirty'] else ''};"
        f" load average {fanout['machine_load_after']} after it.",
        "",
        "| subscribers | mails stored | first mail after s | all stored after s | target s | mails/s"
        " | raw sink mails/s, same connections / best | ratio | duplicates / missing | SMTP connections"
        " | CPU (cores) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in fanout["runs"]:
        same = raw.get(r["connections"])
        lines.append(
            f"| {r['subscribers']:,} | {r['mails']:,} | {_fmt(r['first_mail_s'])} | {_fmt(r['all_mail_s'])}"
            f" | {TARGET_SECONDS * r['subscribers'] / 100_000:g} | {_fmt(r['per_second'])}"
            f" | {_fmt(same)} / {_fmt(best)} | {ratio(r['per_second'], same)}"
            f" | {r['duplicates']} / {r['missing']} | {r['connections']} | {_busy(r['cpu_cores'])} |"
        )
    lines += ["", "| raw sink rate: plain aiosmtplib loop | mails/s | CPU (cores) |", "|---|---|---|"]
    lines += [
        f"| {r['connections']} connection(s) | {_fmt(r['per_second'])} | {_busy(r['cpu_cores'])} |"
        for r in fanout["raw"]
    ]
    listing = max((r["listing_ms_max"] for r in fanout["runs"]), default=0.0)
    shared = max((r["cpu_cores"].get("other processes", 0.0) for r in fanout["runs"]), default=0.0)
    lines += ["", f"Listing the sink's folder once a second took at most {listing:g} ms."]
    if shared >= SHARED_MACHINE:
        lines.append(f"Processes outside the run took up to {shared} cores during a fan-out: noisy figures.")
    return [*lines, ""]


def fanout_comparison(
    before: dict[str, Any], after: dict[str, Any]
) -> list[tuple[str, float | None, float | None]]:
    """Rows of the before/after table: time to all mails and mails per second, per subscriber count."""
    old = {r["subscribers"]: r for r in (before.get("fanout") or {}).get("runs", [])}
    rows: list[tuple[str, float | None, float | None]] = []
    for r in (after.get("fanout") or {}).get("runs", []):
        if r["subscribers"] in old:
            o = old[r["subscribers"]]
            rows.append(
                (f"fan-out to {r['subscribers']:,}: all stored after s", o["all_mail_s"], r["all_mail_s"])
            )
            rows.append((f"fan-out to {r['subscribers']:,}: mails/s", o["per_second"], r["per_second"]))
    return rows
