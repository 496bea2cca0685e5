"""OpenTelemetry set-up: one tracer provider per process, OTLP export when an endpoint is set.

No span leaves a process with its caller's address, user agent or query string: every
span passes through ScrubbingSpanProcessor at its end, before any exporter added to the
provider sees it, whatever the instrumentation (FastAPI, asyncpg, FastStream) recorded.
A query string can hold a search a person typed; an address and a user agent tie a comment
to a person. asyncpg records statements with their $n placeholders, never their values
(parameters are not captured; were they, they would be dropped here too).

Spans are recorded only while an exporter is added (WhileExported), and the HTTP servers and
asyncpg are instrumented only then (`instrument`): without an exporter, recording a span's
attributes, scrubbing and ending it took 38 % of the gateway's time per cached read for nothing.
Spans that are started anyway (the relay's, the consumers') get ids, so their context travels.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig
from opentelemetry import context, propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, SynchronousMultiSpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_ON, Decision, Sampler, SamplingResult
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.span import TraceState
from opentelemetry.util.types import Attributes, AttributeValue

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

    exporting = False  # a processor was added: spans go somewhere

    def add_span_processor(self, span_processor: SpanProcessor) -> None:
        super().add_span_processor(span_processor)
        self.exporting = True

    def on_end(self, span: ReadableSpan) -> None:
        super().on_end(_scrubbed(span))


class WhileExported(Sampler):
    """Records every span while the scrubbing processor hands spans to an exporter; else none."""

    def __init__(self, processor: ScrubbingSpanProcessor) -> None:
        self._processor = processor

    def should_sample(
        self,
        parent_context: context.Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        if not self._processor.exporting:
            return SamplingResult(Decision.DROP, trace_state=trace_state)
        return ALWAYS_ON.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    @property
    def exporting(self) -> bool:
        return self._processor.exporting

    def get_description(self) -> str:
        return "WhileExported"


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
    scrubbing = ScrubbingSpanProcessor()
    provider = TracerProvider(
        resource=Resource.create({"service.name": service_name}),
        active_span_processor=scrubbing,
        sampler=WhileExported(scrubbing),
    )
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _provider = provider
    return provider


# FastAPI's own OpenTelemetry middleware stays off: `instrument` traces requests (with the
# scrubbing above) where spans are exported, and nothing else should cost a request's time
WITHOUT_NATIVE_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def instrument(app: FastAPI, service_name: str) -> None:
    """Trace the app's requests and its database calls, if anything exports spans (an OTLP
    endpoint, or an added exporter); asyncpg is instrumented once per process."""
    provider = setup_tracing(service_name)
    if isinstance(provider.sampler, WhileExported) and not provider.sampler.exporting:
        return
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider)
    if not AsyncPGInstrumentor().is_instrumented_by_opentelemetry:
        AsyncPGInstrumentor().instrument(tracer_provider=provider)


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
