"""OpenTelemetry set-up: one tracer provider per process, OTLP export when an endpoint is set.

No span leaves a process with its caller's address, user agent or query string: every
span passes through ScrubbingSpanProcessor at its end, before any exporter added to the
provider sees it, whatever the instrumentation (FastAPI, asyncpg, FastStream) recorded.
A query string can hold a search a person typed; an address and a user agent tie a comment
to a person. asyncpg records statements with their $n placeholders, never their values
(parameters are not captured; were they, they would be dropped here too).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import context, propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SynchronousMultiSpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind
from opentelemetry.util.types import AttributeValue

# Dropped from every span: user agents, queries, captured headers, statement parameters.
PRIVATE_ATTRIBUTES = frozenset(
    {
        "http.user_agent",
        "user_agent.original",
        "user_agent.synthetic.type",
        "url.query",
        "db.statement.parameters",
    }
)
PRIVATE_PREFIXES = ("http.request.header.", "http.response.header.")
# Dropped from every span but client spans (where they name the server called, e.g. the database):
# the caller's address and port under every name the semantic conventions have used.
CALLER_PREFIXES = ("net.peer.", "net.sock.peer.", "client.", "network.peer.", "http.client_ip")
URL_ATTRIBUTES = frozenset({"http.url", "url.full", "http.target"})  # kept without query and fragment


class ScrubbingSpanProcessor(SynchronousMultiSpanProcessor):
    """Hands the processors added to it (the exporters) only spans without personal attributes."""

    def on_end(self, span: ReadableSpan) -> None:
        super().on_end(_scrubbed(span))


def _scrubbed(span: ReadableSpan) -> ReadableSpan:
    """The span without its caller's address, user agent and query string."""
    attributes = dict(span.attributes or {})
    kept = {
        key: _without_query(key, value)
        for key, value in attributes.items()
        if not _private(key, describes_caller=span.kind is not SpanKind.CLIENT)
    }
    if kept == attributes:
        return span
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=kept,
        events=span.events,
        links=span.links,
        kind=span.kind,
        status=span.status,
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


def _private(key: str, *, describes_caller: bool) -> bool:
    return (
        key in PRIVATE_ATTRIBUTES
        or key.startswith(PRIVATE_PREFIXES)
        or (describes_caller and key.startswith(CALLER_PREFIXES))
    )


def _without_query(key: str, value: AttributeValue) -> AttributeValue:
    if key in URL_ATTRIBUTES and isinstance(value, str):
        return value.split("#", 1)[0].split("?", 1)[0]
    return value


_provider: TracerProvider | None = None


def setup_tracing(service_name: str) -> TracerProvider:
    """Install the process-wide tracer provider once; later calls return the same one."""
    global _provider
    if _provider is not None:
        return _provider
    provider = TracerProvider(
        resource=Resource.create({"service.name": service_name}),
        active_span_processor=ScrubbingSpanProcessor(),
    )
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    AsyncPGInstrumentor().instrument(tracer_provider=provider)
    _provider = provider
    return provider


def shutdown_tracing() -> None:
    """Flush what is buffered; the provider stays installed for the process."""
    if _provider is not None:
        _provider.force_flush(timeout_millis=2000)


def capture_trace_context() -> dict[str, str]:
    """The W3C trace context that is current now, to be stored beside an outbox row."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@contextmanager
def continued_trace(carrier: dict[str, str]) -> Iterator[None]:
    """Make a stored trace context current, so spans started inside continue that trace."""
    token = context.attach(propagate.extract(carrier))
    try:
        yield
    finally:
        context.detach(token)
