"""One trace follows a comment from the gateway through participation to moderation."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

import httpx
import pytest

from radar_cli.embedded import free_port
from tests.e2e.otlp_sink import OtlpSink
from tests.radar_process import Launcher

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
ADMIN_PASSWORD = "trace-test-password-1"


@pytest.fixture(scope="module")
def traced_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Launcher, OtlpSink]]:
    sink = OtlpSink()
    sink.start()
    launcher = Launcher(
        tmp_path_factory.mktemp("radar-traced"),
        free_port(),
        OTEL_EXPORTER_OTLP_ENDPOINT=sink.endpoint,
        OTEL_BSP_SCHEDULE_DELAY="200",
    )
    try:
        launcher.wait_until_ready()
        yield launcher, sink
    finally:
        launcher.force_stop()
        sink.stop()


def test_one_trace_covers_the_comment_from_gateway_through_participation_to_moderation(
    traced_system: tuple[Launcher, OtlpSink],
) -> None:
    launcher, sink = traced_system
    url = launcher.run_info()["gateway_url"]
    trace_id = secrets.token_hex(16)
    traceparent = f"00-{trace_id}-{secrets.token_hex(8)}-01"
    with httpx.Client(base_url=url, timeout=10) as client:
        r = client.post(
            "/api/v1/measures/e-akte/comments",
            json={"body": "Wann ist die E-Akte überall eingeführt?"},
            headers={"traceparent": traceparent},
        )
        assert r.status_code == 202, r.text

    wanted = {"gateway", "participation", "moderation"}

    def moderation_consumed_it() -> bool:
        # Each service exports in its own batches: the consumer span may come after the first ones.
        return trace_id in sink.traces_with_span(
            service="moderation", name_contains="radar.comment.submitted"
        )

    seen: set[str] = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        seen = sink.services_in_trace(trace_id)
        if wanted <= seen and moderation_consumed_it():
            break
        time.sleep(0.2)
    assert wanted <= seen, f"the trace reached only {sorted(seen)}"
    names = {s.name for s in sink.spans if s.trace_id == trace_id and s.service == "moderation"}
    assert any("radar.comment.submitted" in n for n in names), names
