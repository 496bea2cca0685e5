"""Prometheus metrics of a service: /metrics always answers, even when Redis or PostgreSQL are away.

Request and handler durations are histograms kept in this module's own registry (one per
process, so several apps in one process never clash). The machinery's figures (group lag
and pending, outbox backlog, dead letters, supervised tasks) are read afresh at every
scrape into a registry of that scrape alone, so values are current and label sets that are
gone disappear. When reading them fails, the histograms are still served, with
`radar_figures_up 0`. Request labels carry the route's path template, never the raw path.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from radar_lib.figures import MachineryFigures

log = logging.getLogger(__name__)

Outcome = Literal["ok", "duplicate", "transient", "not_yet", "failed", "dead_lettered"]
Collect = Callable[[], Awaitable[MachineryFigures]]

COLLECT_TIMEOUT_SECONDS = 5.0  # a scrape must answer before Prometheus gives up on it

REGISTRY = CollectorRegistry()
HTTP_REQUEST_DURATION = Histogram(
    "radar_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response.",
    ["service", "method", "route", "status"],
    registry=REGISTRY,
)
EVENT_HANDLER_DURATION = Histogram(
    "radar_event_handler_duration_seconds",
    "Time spent on one delivery of an event, by what became of it.",
    ["service", "stream", "outcome"],
    registry=REGISTRY,
)


def observe_handler(*, service: str, stream: str, outcome: Outcome, seconds: float) -> None:
    """Record how long one delivery of an event took and what became of it."""
    EVENT_HANDLER_DURATION.labels(service, stream, outcome).observe(seconds)


def _route_template(app: ASGIApp, scope: Scope) -> str:
    route = scope.get("route")  # set by the router once it matched
    if route is None:
        # answered before routing (a gate, a size limit): find the route it was meant for
        for candidate in getattr(app, "routes", ()):
            if candidate.matches(scope)[0] is Match.FULL:
                route = candidate
                break
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else "unmatched"


class RequestMetrics:
    """Pure ASGI middleware recording every HTTP request's duration."""

    def __init__(self, app: ASGIApp, *, service_name: str, routes_of: ASGIApp) -> None:
        self.app = app
        self.service_name = service_name
        self.routes_of = routes_of  # the app whose routes name the label
        self.timers: dict[tuple[str, str, str], Histogram] = {}  # by method, route, status class

    def timer(self, method: str, route: str, status: str) -> Histogram:
        """The histogram of these labels, looked up in the registry once (labels() costs as much as
        the observation)."""
        key = (method, route, status)
        found = self.timers.get(key)
        if found is None:
            found = self.timers[key] = HTTP_REQUEST_DURATION.labels(self.service_name, method, route, status)
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets when the app raises before responding

        async def send_recording_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_recording_status)
        finally:
            self.timer(scope["method"], _route_template(self.routes_of, scope), f"{status // 100}xx").observe(
                time.perf_counter() - started
            )


@dataclass(frozen=True, eq=False)  # a registry keeps its collectors in a dict: hashed by identity
class _Snapshot:
    """A collector that yields families read once, for one scrape."""

    families: list[Metric]

    def collect(self) -> Iterable[Metric]:
        return self.families


def _figure_families(service: str, figures: MachineryFigures | None) -> list[Metric]:
    """The scrape-time gauges of one service; only `radar_figures_up 0` when figures is None."""
    up = GaugeMetricFamily(
        "radar_figures_up", "1 when the machinery's figures could be read.", labels=["service"]
    )
    up.add_metric([service], 0 if figures is None else 1)
    if figures is None:
        return [up]
    group_labels = ["service", "stream", "group"]
    lag = GaugeMetricFamily(
        "radar_stream_group_lag", "Entries not yet delivered to the group.", labels=group_labels
    )
    pending = GaugeMetricFamily(
        "radar_stream_group_pending", "Entries delivered to the group, not acknowledged.", labels=group_labels
    )
    for g in figures.groups:
        if not g.exists:
            continue
        if g.lag is not None:
            lag.add_metric([service, g.stream, g.group], g.lag)
        pending.add_metric([service, g.stream, g.group], g.pending)
    backlog = GaugeMetricFamily("radar_outbox_backlog", "Outbox rows not yet published.", labels=["service"])
    backlog.add_metric([service], figures.outbox.backlog)
    oldest = GaugeMetricFamily(
        "radar_outbox_oldest_seconds",
        "Age of the oldest unpublished outbox row (0: none).",
        labels=["service"],
    )
    oldest.add_metric([service], figures.outbox.oldest_seconds or 0.0)
    dead = GaugeMetricFamily("radar_dead_letters", "Entries on a dead-letter stream.", labels=["stream"])
    for stream, count in figures.dead_letters.items():
        dead.add_metric([stream], count)
    task_up = GaugeMetricFamily(
        "radar_task_up", "1 while a supervised task runs.", labels=["service", "task"]
    )
    restarts = CounterMetricFamily(
        "radar_task_restarts",
        "Restarts of a supervised task since the process started.",
        labels=["service", "task"],
    )
    for task, report in figures.tasks.items():
        task_up.add_metric([service, task], 1 if report.get("state") == "running" else 0)
        restarts.add_metric([service, task], int(report.get("restarts") or 0))
    return [up, lag, pending, backlog, oldest, dead, task_up, restarts]


async def _read_figures(service: str, collect: Collect) -> MachineryFigures | None:
    try:
        async with asyncio.timeout(COLLECT_TIMEOUT_SECONDS):
            return await collect()
    except Exception as exc:
        log.warning("%s could not read its figures for /metrics: %s: %s", service, type(exc).__name__, exc)
        return None


def install_metrics(
    app: FastAPI,
    *,
    service_name: str,
    collect: Collect | None,
    allow: Callable[[Request], bool] | None = None,
) -> None:
    """Time every request of the app and serve GET /metrics (with the figures when `collect` is given).

    `allow`, when given, decides who may read the figures; others get a 404.
    """
    app.add_middleware(RequestMetrics, service_name=service_name, routes_of=app.router)

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if allow is not None and not allow(request):
            return JSONResponse({"error": "NOT_FOUND", "message": "Not Found"}, status_code=404)
        body = generate_latest(REGISTRY)
        if collect is not None:
            scrape = CollectorRegistry()
            scrape.register(
                _Snapshot(_figure_families(service_name, await _read_figures(service_name, collect)))
            )
            body += generate_latest(scrape)
        return Response(body, media_type=CONTENT_TYPE_PLAIN_0_0_4)
