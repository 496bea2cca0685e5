"""Participation's rules for replies, withdrawals, reports, forms and ratings."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from radar_lib.events import NETIQUETTE_CODES
from radar_lib.text import BIDI
from radar_participation.domain import (
    CommentView,
    MeasureView,
    ParticipationError,
    check_stars,
    clean_display_name,
    decision_comes_early,
    ensure_can_reply,
    ensure_open_for_ratings,
    ensure_reportable,
    ensure_same_submission,
    idempotency_key_of,
    next_status,
    summarise_ratings,
    withdrawal_due,
)

pytestmark = pytest.mark.unit

AUTHOR, OTHER, MEASURE = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def comment(status: str = "published", **changes: Any) -> CommentView:
    fields: dict[str, Any] = {
        "comment_id": uuid.uuid4(),
        "measure_id": MEASURE,
        "parent_id": None,
        "participant_id": AUTHOR,
        "status": status,
        "body": "Gute Idee",
        "display_name": None,
    }
    return CommentView(**(fields | changes))


def refusal(call: Callable[[], object]) -> tuple[str, int]:
    with pytest.raises(ParticipationError) as info:
        call()
    return info.value.code, info.value.status


def test_a_reply_goes_to_a_published_top_level_comment_of_the_same_measure() -> None:
    ensure_can_reply(comment(), measure_id=MEASURE, author=OTHER)
    reply = comment(parent_id=uuid.uuid4())
    assert refusal(lambda: ensure_can_reply(reply, measure_id=MEASURE, author=OTHER)) == (
        "REPLY_TO_REPLY",
        422,
    )
    assert refusal(lambda: ensure_can_reply(None, measure_id=MEASURE, author=OTHER)) == (
        "PARENT_NOT_FOUND",
        404,
    )
    elsewhere = comment(measure_id=uuid.uuid4())
    assert (
        refusal(lambda: ensure_can_reply(elsewhere, measure_id=MEASURE, author=OTHER))[0]
        == "PARENT_NOT_FOUND"
    )


def test_an_unpublished_parent_is_unknown_to_others_and_not_yet_open_to_its_author() -> None:
    pending = comment("pending")
    assert (
        refusal(lambda: ensure_can_reply(pending, measure_id=MEASURE, author=OTHER))[0] == "PARENT_NOT_FOUND"
    )
    assert refusal(lambda: ensure_can_reply(pending, measure_id=MEASURE, author=AUTHOR)) == (
        "PARENT_NOT_PUBLISHED",
        409,
    )
    hidden = comment("hidden")
    assert (
        refusal(lambda: ensure_can_reply(hidden, measure_id=MEASURE, author=OTHER))[0]
        == "PARENT_NOT_PUBLISHED"
    )


def test_only_the_author_withdraws_and_withdrawing_twice_changes_nothing() -> None:
    assert withdrawal_due(comment("pending"), author=AUTHOR) is True
    assert withdrawal_due(comment("withdrawn"), author=AUTHOR) is False
    assert refusal(lambda: withdrawal_due(comment(), author=OTHER)) == ("NOT_AUTHOR", 403)
    assert refusal(lambda: withdrawal_due(comment("pending"), author=OTHER)) == ("COMMENT_NOT_FOUND", 404)
    erased = comment("erased", participant_id=None, body=None)
    assert refusal(lambda: withdrawal_due(erased, author=AUTHOR))[0] == "COMMENT_NOT_FOUND"


@pytest.mark.parametrize("decision", ["approve", "reject", "hide"])
@pytest.mark.parametrize("status", ["withdrawn", "erased"])
def test_a_decision_for_a_withdrawn_or_erased_comment_is_ignored(decision: str, status: str) -> None:
    assert next_status(status, decision) is None
    assert decision_comes_early(status, decision) is False  # ignored at once, not retried


def test_a_report_needs_a_netiquette_reason_and_a_published_comment_of_someone_else() -> None:
    published = comment()
    for code in NETIQUETTE_CODES:
        assert ensure_reportable(published, reporter=OTHER, reason=code) == published
    assert refusal(lambda: ensure_reportable(published, reporter=OTHER, reason="insult"))[0] == (
        "REPORT_REASON_UNKNOWN"
    )
    assert refusal(lambda: ensure_reportable(published, reporter=AUTHOR, reason="SPAM"))[0] == "OWN_COMMENT"
    assert refusal(lambda: ensure_reportable(comment("pending"), reporter=OTHER, reason="SPAM")) == (
        "COMMENT_NOT_FOUND",
        404,
    )
    assert refusal(lambda: ensure_reportable(comment("hidden"), reporter=OTHER, reason="SPAM")) == (
        "COMMENT_NOT_PUBLISHED",
        409,
    )


def test_display_name_is_one_clean_line_within_its_bound_and_blank_means_none() -> None:
    assert clean_display_name("  Anna  ", max_length=10) == "Anna"
    assert clean_display_name("   ", max_length=10) is None
    assert clean_display_name(None, max_length=10) is None
    assert refusal(lambda: clean_display_name("x" * 11, max_length=10))[0] == "DISPLAY_NAME_TOO_LONG"
    assert (
        refusal(lambda: clean_display_name("An\nna", max_length=10))[0] == "DISPLAY_NAME_INVALID_CHARACTERS"
    )
    with pytest.raises(ParticipationError) as info:
        clean_display_name("Anna\u202e", max_length=10)
    assert info.value.extra == {"reason": BIDI}


def test_idempotency_key_comes_from_header_or_field_and_has_a_shape() -> None:
    assert idempotency_key_of("form-12345678", None) == "form-12345678"
    assert idempotency_key_of(None, "form-12345678") == "form-12345678"
    assert idempotency_key_of("form-12345678", "form-12345678") == "form-12345678"
    assert idempotency_key_of(None, None) is None
    for header, field in [
        ("form-1", None),
        (None, "x" * 129),
        (None, "ein schlüssel"),
        ("form-aaaaaaaa", "form-b"),
    ]:
        assert refusal(partial(idempotency_key_of, header, field))[0] == "IDEMPOTENCY_KEY_INVALID"


def test_a_form_sent_again_must_carry_the_same_content() -> None:
    first = comment("pending")
    same = {"measure_id": MEASURE, "parent_id": None, "body": "Gute Idee", "display_name": None}
    ensure_same_submission(first, **same)
    for change in ({"body": "Andere Idee"}, {"display_name": "Anna"}, {"parent_id": uuid.uuid4()}):
        assert refusal(partial(ensure_same_submission, first, **(same | change))) == (
            "IDEMPOTENCY_KEY_REUSED",
            409,
        )


def test_stars_are_one_to_five() -> None:
    assert [check_stars(s) for s in range(1, 6)] == [1, 2, 3, 4, 5]
    for stars in (0, 6, -3):
        assert refusal(partial(check_stars, stars)) == ("RATING_OUT_OF_RANGE", 422)


def test_rating_summary_has_mean_count_and_every_star_in_its_distribution() -> None:
    summary = summarise_ratings({5: 2, 1: 1})
    assert (summary.mean, summary.count) == (3.67, 3)
    assert summary.distribution == {1: 1, 2: 0, 3: 0, 4: 0, 5: 2}
    assert summarise_ratings({}).mean is None


def test_an_archived_measure_takes_no_ratings() -> None:
    archived = MeasureView(measure_id=MEASURE, slug="x", title="X", archived=True)
    assert refusal(lambda: ensure_open_for_ratings(archived)) == ("MEASURE_CLOSED", 409)
    assert refusal(lambda: ensure_open_for_ratings(None)) == ("MEASURE_NOT_FOUND", 404)
