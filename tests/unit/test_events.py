"""Event schemas: envelope, stream names, additive compatibility."""

from __future__ import annotations

import json

import pytest

from radar_lib.events import EVENT_TYPES, CommentSubmitted, dlq_stream_for, stream_for
from tests.events_factory import submitted

pytestmark = pytest.mark.unit


def test_every_event_type_travels_on_its_own_stream() -> None:
    streams = {cls.stream() for cls in EVENT_TYPES.values()}
    assert len(streams) == len(EVENT_TYPES)
    assert stream_for("comment.submitted") == "radar.comment.submitted"
    assert dlq_stream_for("radar.comment.submitted") == "radar.dlq.comment.submitted"


def test_envelope_round_trips_through_json() -> None:
    event = submitted()
    again = CommentSubmitted.model_validate_json(event.model_dump_json())
    assert again == event
    assert (again.type, again.version, again.producer) == ("comment.submitted", 1, "participation")
    assert again.occurred_at.tzinfo is not None


def test_a_field_added_by_a_newer_producer_does_not_break_an_older_consumer() -> None:
    data = json.loads(submitted().model_dump_json())
    data["payload"]["language"] = "de"
    parsed = CommentSubmitted.model_validate(data)
    assert parsed.payload.model_extra == {"language": "de"}
