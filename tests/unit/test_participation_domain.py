"""Participation's rules for comments."""

from __future__ import annotations

import uuid

import pytest

from radar_participation.domain import (
    MeasureView,
    ParticipationError,
    clean_comment_body,
    ensure_open_for_comments,
    next_status,
)

pytestmark = pytest.mark.unit


def code_of(call: object) -> str:
    with pytest.raises(ParticipationError) as info:
        call()  # type: ignore[operator]
    return info.value.code


def test_comment_body_is_trimmed_normalised_and_keeps_line_breaks() -> None:
    assert clean_comment_body("  Cafe\u0301\r\nzweite Zeile  ", max_length=100) == "Café\nzweite Zeile"


def test_empty_or_blank_comment_is_refused() -> None:
    assert code_of(lambda: clean_comment_body(" \n\t ", max_length=100)) == "COMMENT_EMPTY"


def test_over_long_comment_is_refused() -> None:
    assert code_of(lambda: clean_comment_body("x" * 101, max_length=100)) == "COMMENT_TOO_LONG"
    assert clean_comment_body("x" * 100, max_length=100) == "x" * 100


@pytest.mark.parametrize("bad", ["a\x00b", "bell\x07", "esc\x1b[31m", "del\x7f"])
def test_control_characters_are_refused(bad: str) -> None:
    assert code_of(lambda: clean_comment_body(bad, max_length=100)) == "COMMENT_INVALID_CHARACTERS"


def test_html_is_kept_as_text_for_escaping_on_output() -> None:
    assert clean_comment_body("<script>alert(1)</script>", max_length=100) == "<script>alert(1)</script>"


def test_emoji_with_joiners_are_text() -> None:
    assert clean_comment_body("👩‍💻 gut", max_length=100) == "👩‍💻 gut"


def test_comment_needs_an_existing_open_measure() -> None:
    assert code_of(lambda: ensure_open_for_comments(None)) == "MEASURE_NOT_FOUND"
    archived = MeasureView(measure_id=uuid.uuid4(), slug="x", title="X", archived=True)
    assert code_of(lambda: ensure_open_for_comments(archived)) == "MEASURE_CLOSED"


def test_decisions_apply_only_from_the_status_they_expect() -> None:
    assert next_status("pending", "approve") == "published"
    assert next_status("pending", "reject") == "rejected"
    assert next_status("published", "hide") == "hidden"
    assert next_status("published", "approve") is None
    assert next_status("rejected", "approve") is None
    assert next_status("pending", "hide") is None
