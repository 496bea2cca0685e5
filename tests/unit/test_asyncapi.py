"""docs/asyncapi.yaml is what the code declares: every stream each service reads and writes."""

from __future__ import annotations

import pytest
import yaml

from radar_cli.asyncapi import DOCUMENT, render, service_events

pytestmark = pytest.mark.unit


def test_asyncapi_document_matches_the_code() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == render(), "run `.venv/bin/radar asyncapi`"


def test_every_subscription_and_outbox_stream_is_a_channel_with_its_event_schema() -> None:
    spec = yaml.safe_load(render())
    channels = spec["channels"]
    for service in ("catalog", "participation", "moderation", "notifications"):
        events = service_events(service)
        for stream, route in events.consumes.items():
            channel = channels[f"{service}:{stream}"]
            assert channel["bindings"]["redis"]["groupName"] == service
            assert channel["bindings"]["redis"]["method"] == "xreadgroup"
            assert route.event_type.__name__ in spec["components"]["schemas"]
        for event_type in events.publishes:
            stream = event_type.stream()
            name = f"{service}:{stream}:outbox" if stream in events.consumes else f"{service}:{stream}"
            assert channels[name]["bindings"]["redis"]["method"] == "xadd"
    assert spec["asyncapi"] == "3.0.0"
    assert "moderation:radar.comment.submitted" in channels
    assert "participation:radar.comment.submitted" in channels  # written by participation
