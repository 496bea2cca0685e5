"""Spans are recorded only while something exports them; trace context travels either way."""

from __future__ import annotations

import pytest
from opentelemetry import propagate
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from radar_lib.telemetry import ScrubbingSpanProcessor, WhileExported

pytestmark = pytest.mark.unit


def provider() -> tuple[TracerProvider, ScrubbingSpanProcessor]:
    scrubbing = ScrubbingSpanProcessor()
    return TracerProvider(active_span_processor=scrubbing, sampler=WhileExported(scrubbing)), scrubbing


def test_without_an_exporter_no_span_is_recorded_but_its_context_travels() -> None:
    tracer = provider()[0].get_tracer("test")
    with tracer.start_as_current_span("request") as span:
        assert not span.is_recording()
        trace_id = span.get_span_context().trace_id
        assert trace_id != 0
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        with tracer.start_as_current_span("child") as child:
            assert child.get_span_context().trace_id == trace_id
    assert carrier["traceparent"].split("-")[1] == format(trace_id, "032x")


def test_with_an_exporter_every_span_is_recorded_and_exported() -> None:
    traces, scrubbing = provider()
    exported = InMemorySpanExporter()
    traces.add_span_processor(SimpleSpanProcessor(exported))
    tracer = traces.get_tracer("test")
    with tracer.start_as_current_span("request", attributes={"url.query": "q=secret"}) as span:
        assert span.is_recording()
    [finished] = exported.get_finished_spans()
    assert finished.name == "request" and "url.query" not in (finished.attributes or {})
    assert scrubbing.exporting
