"""`radar status`: what the running system's event machinery looks like right now, and whether
anything needs an operator.

Read only: readiness of every service (with its supervised tasks), every consumer group's
lag and pending entries, every service's outbox backlog, the real number of dead letters, and
notifications' deliveries (pending, sent, failed, lag). A figure that cannot be read is shown
as an error and counts as a problem.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from radar_cli.delivery_status import delivery_rows, read_deliveries
from radar_lib.figures import (
    GroupFigures,
    OutboxFigures,
    all_group_figures,
    dead_letter_counts,
    outbox_figures,
)

if TYPE_CHECKING:
    from radar_notifications.figures import DeliveryFigures

STUCK_OUTBOX_SECONDS = 60.0  # the relay wakes at every commit and polls every second
STUCK_PENDING_MS = 300_000  # well past the claim bound times the deliveries before dead-lettering

# readiness probes go straight to the services, never through an HTTP proxy from the environment
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Readiness:
    service: str
    url: str
    ready: bool
    answer: str  # "ready", "503 unready", "unreachable: ..."
    tasks: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class ServiceOutbox:
    service: str
    figures: OutboxFigures | None
    error: str | None = None


@dataclass(frozen=True)
class SystemStatus:
    services: list[Readiness]
    groups: list[GroupFigures]
    outboxes: list[ServiceOutbox]
    dead_letters: dict[str, int]
    redis_error: str | None = None
    deliveries: DeliveryFigures | None = None  # with notifications running
    deliveries_error: str | None = None


def _probe(service: str, url: str) -> Readiness:
    try:
        with _opener.open(f"{url}/readyz", timeout=3) as response:
            code, raw = int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        code, raw = exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        return Readiness(service, url, ready=False, answer=f"unreachable: {exc}", tasks={})
    try:
        body = json.loads(raw)
    except ValueError:
        body = {}
    tasks = body.get("tasks") if isinstance(body, dict) else None
    answer = str(body.get("status", "")) if isinstance(body, dict) else ""
    return Readiness(
        service,
        url,
        ready=code == 200,
        answer=f"{code} {answer}".strip() if code != 200 else "ready",
        tasks=tasks if isinstance(tasks, dict) else {},
    )


async def _outbox(service: str, dsn: str | Exception) -> ServiceOutbox:
    import asyncpg

    if isinstance(dsn, Exception):
        return ServiceOutbox(service, None, f"no database: {dsn}")
    try:
        conn = await asyncpg.connect(dsn, timeout=5)
        try:
            return ServiceOutbox(service, await outbox_figures(conn))
        finally:
            await conn.close()
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return ServiceOutbox(service, None, f"{type(exc).__name__}: {exc}")


async def _redis_figures(redis_url: str) -> tuple[list[GroupFigures], dict[str, int], str | None]:
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    try:
        async with Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5) as redis:
            return await all_group_figures(redis), await dead_letter_counts(redis), None
    except (RedisError, OSError, ValueError) as exc:  # ValueError: a malformed URL
        return [], {}, f"{type(exc).__name__}: {exc}"


async def read_status(
    *, services: Mapping[str, str], redis_url: str, databases: Mapping[str, str | Exception]
) -> SystemStatus:
    """Read every figure at once: readiness by URL, groups and dead letters, outboxes by DSN."""
    probes = asyncio.gather(*(asyncio.to_thread(_probe, name, url) for name, url in services.items()))
    outboxes = asyncio.gather(*(_outbox(name, dsn) for name, dsn in databases.items()))
    (groups, dead, redis_error), readiness, outbox_list, (deliveries, error) = await asyncio.gather(
        _redis_figures(redis_url), probes, outboxes, read_deliveries(databases.get("notifications"))
    )
    return SystemStatus(list(readiness), groups, list(outbox_list), dead, redis_error, deliveries, error)


def gather_status(data_dir: Path, env: Mapping[str, str], running: Mapping[str, Any]) -> SystemStatus:
    """The status of the system a launcher runs on this data directory (its run file is `running`)."""
    from radar_cli.databases import service_database
    from radar_cli.embedded import SERVICES

    services: dict[str, str] = dict(running.get("services") or {})
    with ExitStack() as stack:
        databases: dict[str, str | Exception] = {}
        for name in (s for s in SERVICES if s in services):
            try:
                databases[name] = stack.enter_context(service_database(data_dir, env, name))
            except Exception as exc:
                databases[name] = exc
        return asyncio.run(
            read_status(services=services, redis_url=str(running.get("redis_url") or ""), databases=databases)
        )


def problems(status: SystemStatus) -> list[str]:
    """What an operator should look at; empty when all is well."""
    found: list[str] = []
    for r in status.services:
        if not r.ready:
            found.append(f"{r.service} is not ready ({r.answer})")
        found += [
            f"{r.service}: task {task} is {report.get('state')}"
            for task, report in r.tasks.items()
            if report.get("state") != "running"
        ]
    if status.redis_error:
        found.append(f"cannot read the streams: {status.redis_error}")
    for g in status.groups:
        if g.oldest_pending_idle_ms is not None and g.oldest_pending_idle_ms > STUCK_PENDING_MS:
            found.append(
                f"group {g.group} on {g.stream}: an entry has been pending for "
                f"{g.oldest_pending_idle_ms // 1000} s"
            )
    for o in status.outboxes:
        if o.figures is None:
            found.append(f"cannot read the outbox of {o.service}: {o.error}")
        elif o.figures.oldest_seconds is not None and o.figures.oldest_seconds > STUCK_OUTBOX_SECONDS:
            found.append(f"the outbox of {o.service} has rows waiting for {o.figures.oldest_seconds:.0f} s")
    found += [
        f"{count:,} dead letter(s) on {stream}" for stream, count in status.dead_letters.items() if count
    ]
    if status.deliveries_error:
        found.append(f"cannot read the deliveries of notifications: {status.deliveries_error}")
    return found


def _table(rows: list[list[str]], *, numeric_from: int) -> list[str]:
    """Rows as aligned columns, left-aligned before `numeric_from` and right-aligned from it."""
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  "
        + "  ".join(
            cell.ljust(width) if i < numeric_from else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _or_dash(value: object) -> str:
    return "-" if value is None else f"{value:,}" if isinstance(value, int) else str(value)


def render_text(status: SystemStatus) -> str:
    """The status as plain aligned text."""
    lines = ["services"]
    service_lines = _table([[r.service, r.answer, r.url] for r in status.services], numeric_from=3)
    for r, line in zip(status.services, service_lines, strict=True):
        lines.append(line)
        lines += [
            f"      task {task}: {report.get('state')}, {report.get('restarts', 0)} restart(s)"
            + (f", last error: {report['last_error']}" if report.get("last_error") else "")
            for task, report in r.tasks.items()
        ]
    lines.append("consumer groups")
    if status.redis_error:
        lines.append(f"  unavailable: {status.redis_error}")
    elif status.groups:
        header = ["stream", "group", "lag", "pending", "consumers", "oldest pending (s)"]
        rows = [
            [
                g.stream,
                g.group,
                _or_dash(g.lag),
                _or_dash(g.pending),
                _or_dash(g.consumers),
                _or_dash(None if g.oldest_pending_idle_ms is None else g.oldest_pending_idle_ms // 1000),
            ]
            for g in status.groups
        ]
        lines += _table([header, *rows], numeric_from=2)
    else:
        lines.append("  none yet")
    lines.append("outboxes")
    rows = [["service", "backlog", "oldest (s)"]]
    for o in status.outboxes:
        if o.figures is not None:
            age = None if o.figures.oldest_seconds is None else f"{o.figures.oldest_seconds:.1f}"
            rows.append([o.service, _or_dash(o.figures.backlog), _or_dash(age)])
    lines += _table(rows, numeric_from=1)
    lines += [f"  {o.service}: unavailable: {o.error}" for o in status.outboxes if o.figures is None]
    lines.append("dead letters")
    lines += _table([[s, f"{n:,}"] for s, n in status.dead_letters.items()], numeric_from=1) or ["  none"]
    if status.deliveries_error:
        lines += ["notifications (deliveries)", f"  unavailable: {status.deliveries_error}"]
    elif status.deliveries is not None:
        lines += ["notifications (deliveries)", *_table(delivery_rows(status.deliveries), numeric_from=0)]
    return "\n".join(lines)


def render_json(status: SystemStatus) -> str:
    """The same status as JSON, with the problems found."""
    return json.dumps({**asdict(status), "problems": problems(status)}, indent=2)
