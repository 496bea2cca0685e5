"""What reaches the trace backend holds no caller's address, user agent or query string."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from radar_lib.telemetry import setup_tracing
from tests.integration.helpers import eventually
from tests.integration.test_web_pages import Web, web

pytestmark = pytest.mark.integration
__all__ = ["web"]  # the fixture, shared with the page tests
ADDRESS, PORT = "203.0.113.77", 40_123
USER_AGENT = "PrivacyProbe/1.0 (Tracer Test; de-DE)"
SEARCH = "mein-name-ist-erika"


@pytest.fixture
def exported() -> Iterator[InMemorySpanExporter]:
    """Every span the process exports from now on, as the OTLP exporter would receive it."""
    exporter = InMemorySpanExporter()
    setup_tracing("tests").add_span_processor(SimpleSpanProcessor(exporter))
    yield exporter
    exporter.shutdown()  # the provider keeps the processor; a shut exporter keeps nothing


def routes(exporter: InMemorySpanExporter) -> set[str]:
    """The routes of the server spans exported so far (one process: the gateway's and the catalog's)."""
    spans = exporter.get_finished_spans()
    return {str((s.attributes or {}).get("http.route")) for s in spans if s.kind is SpanKind.SERVER}


async def test_no_span_carries_the_callers_address_user_agent_or_search(
    exported: InMemorySpanExporter, web: Web
) -> None:
    transport = web.client._transport
    assert isinstance(transport, httpx.ASGITransport)
    caller = httpx.ASGITransport(app=transport.app, client=(ADDRESS, PORT))
    async with httpx.AsyncClient(transport=caller, base_url="http://gateway") as browser:
        r = await browser.get(f"/api/v1/measures?q={SEARCH}", headers={"User-Agent": USER_AGENT})
    assert r.status_code == 200, r.text

    async def both_spans_exported() -> bool:  # the catalog's ends just after its answer has left
        return {"/api/v1/{path:path}", "/measures"} <= routes(exported)

    await eventually(both_spans_exported)
    spans = exported.get_finished_spans()
    leaks = [
        (span.name, key, value)
        for span in spans
        for key, value in (span.attributes or {}).items()
        if ADDRESS in str(value) or value == PORT or "PrivacyProbe" in str(value) or SEARCH in str(value)
    ]
    assert not leaks, leaks
    urls = {str((s.attributes or {}).get("http.url")) for s in spans if s.kind is SpanKind.SERVER}
    assert any(url.endswith("/measures") for url in urls), urls  # kept, without its query
