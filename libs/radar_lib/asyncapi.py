"""The events as an AsyncAPI document, generated from FastStream brokers that declare each service's streams.

Each service's broker declares what the service reads (in its consumer group, from the same
`register` that subscribes its handlers) and what it writes through its outbox; FastStream
turns the declarations and the pydantic event models into AsyncAPI 3.0. The brokers are only
declared, never connected.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from faststream.redis import RedisBroker, StreamSub
from faststream.specification import AsyncAPI

from radar_lib.consumer import EventConsumer, Route
from radar_lib.events import Event

DOCUMENTED_SERVER = "redis://redis:6379/0"  # the server's name in docker-compose.yml


@dataclass(frozen=True)
class ServiceEvents:
    """What one service reads and writes on the bus."""

    service: str
    consumes: dict[str, Route]
    publishes: Sequence[type[Event]]
    reads_without_group: Sequence[type[Event]] = ()


def _documented(event_type: type[Event], name: str) -> Any:
    async def handler(event: Any) -> None:
        """Stands for the real handler in the document; never called."""

    handler.__annotations__ = {"event": event_type, "return": None}
    handler.__name__ = name
    return handler


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def declare(broker: RedisBroker, events: ServiceEvents) -> None:
    """Declare a service's streams on a broker: its group's subscriptions, its outbox's streams."""
    for stream, route in sorted(events.consumes.items()):
        broker.subscriber(
            stream=StreamSub(stream, group=events.service, consumer="<replica>"),
            title=f"{events.service}:{stream}",
            description=_first_line(route.handler.__doc__) or f"{events.service} reads {stream}.",
        )(_documented(route.event_type, getattr(route.handler, "__name__", "handler")))
    for event_type in events.reads_without_group:
        broker.subscriber(
            stream=StreamSub(event_type.stream()),
            title=f"{events.service}:{event_type.stream()}",
            description=f"Every {events.service} process reads {event_type.stream()} on its own (no group).",
        )(_documented(event_type, "follow"))
    for event_type in events.publishes:
        stream = event_type.stream()
        # a stream the service also reads keeps the plain name for its reading channel
        suffix = ":outbox" if stream in events.consumes else ""
        broker.publisher(
            stream=stream,
            schema=event_type,
            title=f"{events.service}:{stream}{suffix}",
            description=f"{events.service} writes {event_type.TYPE} through its outbox.",
        )


def consumed_routes(register: Any, settings: Any) -> dict[str, Route]:
    """The routes a service's `register(consumer, settings)` subscribes, without connecting anything."""
    consumer = EventConsumer(redis=None, pool=None, group=settings.service_name, consumer_name="doc")
    register(consumer, settings)
    return dict(consumer.routes)


def document(services: Iterable[ServiceEvents], *, version: str) -> str:
    """The AsyncAPI 3.0 document (YAML) of every service's streams."""
    brokers = []
    for events in services:
        broker = RedisBroker(DOCUMENTED_SERVER)
        declare(broker, events)
        brokers.append(broker)
    spec = AsyncAPI(
        *brokers,
        title="Digitalisierungsradar events",
        version=version,
        description="One Redis stream per event type; one consumer group per consuming service.",
        schema_version="3.0.0",
    )
    # keys sorted: the order FastStream keeps depends on the process, the document must not
    return yaml.safe_dump(spec.to_specification().to_jsonable(), sort_keys=True, allow_unicode=True)
