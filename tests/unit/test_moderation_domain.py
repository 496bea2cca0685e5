"""Moderation's rules: decisions, claims, bulk decisions, reports, the automatic policy, the netiquette."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from radar_lib.events import NETIQUETTE_CODES
from radar_moderation.checks import Flag
from radar_moderation.domain import (
    Item,
    ModerationError,
    Policy,
    automatic_decision,
    check_decision,
    ensure_all_decidable,
    ensure_claimable,
    ensure_decidable,
    ensure_releasable,
    ensure_reported,
    report_state,
    unique_ids,
)
from radar_moderation.netiquette import CLAUSES

pytestmark = pytest.mark.unit

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
ME, OTHER = uuid.uuid4(), uuid.uuid4()


def code_of(call: Callable[[], object]) -> str:
    with pytest.raises(ModerationError) as info:
        call()
    return info.value.code


@pytest.mark.parametrize("decision", ["reject", "hide"])
def test_rejection_and_hiding_need_a_netiquette_reason(decision: str) -> None:
    assert (
        code_of(lambda: check_decision(decision=decision, reason_code=None, note=None)) == "REASON_REQUIRED"
    )
    assert (
        code_of(lambda: check_decision(decision=decision, reason_code="RUDE", note=None)) == "REASON_UNKNOWN"
    )
    taken = check_decision(decision=decision, reason_code="INSULT", note="  persönlich  ")
    assert (taken.reason_code, taken.note) == ("INSULT", "persönlich")


def test_approval_and_dismissal_take_no_reason_and_unknown_decisions_are_refused() -> None:
    assert code_of(lambda: check_decision(decision="approve", reason_code="SPAM", note=None)) == (
        "REASON_NOT_ALLOWED"
    )
    dismiss = ("hide", "dismiss")
    assert code_of(
        lambda: check_decision(decision="dismiss", reason_code="SPAM", note=None, allowed=dismiss)
    ) == ("REASON_NOT_ALLOWED")
    assert (
        code_of(lambda: check_decision(decision="maybe", reason_code=None, note=None)) == "DECISION_UNKNOWN"
    )
    assert code_of(lambda: check_decision(decision="dismiss", reason_code=None, note=None)) == (
        "DECISION_UNKNOWN"
    )


def test_note_is_bounded_and_follows_the_text_policy() -> None:
    assert code_of(lambda: check_decision(decision="approve", reason_code=None, note="x" * 1001)) == (
        "NOTE_TOO_LONG"
    )
    assert code_of(lambda: check_decision(decision="approve", reason_code=None, note="a\x00b")) == (
        "NOTE_INVALID_CHARACTERS"
    )
    assert check_decision(decision="approve", reason_code=None, note="   ").note is None
    assert check_decision(decision="approve", reason_code=None, note="Zeile 1\r\nZeile 2").note == (
        "Zeile 1\nZeile 2"
    )


def test_each_decision_applies_to_one_state_only() -> None:
    def decide(state: str, decision: str) -> str:
        return ensure_decidable(Item(state=state), decision, moderator_id=ME, now=NOW)

    assert decide("pending", "approve") == "approved"
    assert decide("pending", "reject") == "rejected"
    assert decide("approved", "hide") == "hidden"
    assert decide("approved", "dismiss") == "approved"
    assert (
        code_of(lambda: ensure_decidable(None, "approve", moderator_id=ME, now=NOW)) == "COMMENT_NOT_IN_QUEUE"
    )
    assert code_of(lambda: decide("approved", "reject")) == "COMMENT_ALREADY_DECIDED"
    assert code_of(lambda: decide("pending", "hide")) == "COMMENT_NOT_PUBLISHED"
    assert code_of(lambda: decide("rejected", "hide")) == "COMMENT_NOT_PUBLISHED"
    assert code_of(lambda: decide("hidden", "hide")) == "COMMENT_ALREADY_HIDDEN"
    assert code_of(lambda: decide("withdrawn", "approve")) == "COMMENT_WITHDRAWN"
    erased = Item(state="approved", erased=True)
    assert code_of(lambda: ensure_decidable(erased, "hide", moderator_id=ME, now=NOW)) == "COMMENT_ERASED"


def test_another_moderators_running_lease_excludes_claims_and_decisions_until_it_expires() -> None:
    held = Item(state="pending", claimed_by=OTHER, claim_expires_at=NOW + timedelta(minutes=1))
    assert code_of(lambda: ensure_claimable(held, moderator_id=ME, now=NOW)) == "CLAIMED_BY_OTHER"
    assert code_of(lambda: ensure_decidable(held, "approve", moderator_id=ME, now=NOW)) == "CLAIMED_BY_OTHER"
    assert code_of(lambda: ensure_releasable(held, moderator_id=ME, now=NOW)) == "CLAIMED_BY_OTHER"
    ensure_claimable(held, moderator_id=OTHER, now=NOW)  # the holder renews it
    ensure_decidable(held, "approve", moderator_id=OTHER, now=NOW)
    later = NOW + timedelta(minutes=2)
    ensure_claimable(held, moderator_id=ME, now=later)
    ensure_decidable(held, "reject", moderator_id=ME, now=later)
    assert code_of(lambda: ensure_claimable(Item(state="approved"), moderator_id=ME, now=NOW)) == (
        "COMMENT_ALREADY_DECIDED"
    )


def test_bulk_decision_is_all_or_nothing_and_names_every_refusal() -> None:
    ok, done, missing = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    items = {ok: Item(state="pending"), done: Item(state="approved")}
    assert ensure_all_decidable(items, [ok], decision="approve", moderator_id=ME, now=NOW) == {ok: "approved"}
    with pytest.raises(ModerationError) as info:
        ensure_all_decidable(items, [ok, done, missing], decision="approve", moderator_id=ME, now=NOW)
    assert info.value.code == "BULK_REFUSED"
    refused = {r["comment_id"]: r["error"] for r in info.value.extra["refused"]}
    assert refused == {str(done): "COMMENT_ALREADY_DECIDED", str(missing): "COMMENT_NOT_IN_QUEUE"}


def test_bulk_ids_are_taken_once_and_bounded() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    assert unique_ids([a, b, a]) == [a, b]
    assert code_of(lambda: unique_ids([])) == "BULK_SIZE"
    assert code_of(lambda: unique_ids([uuid.uuid4() for _ in range(101)])) == "BULK_SIZE"


def test_reports_open_only_on_published_comments() -> None:
    assert report_state("approved", erased=False) == "open"
    assert report_state("hidden", erased=False) == "hidden"
    assert report_state("approved", erased=True) == "void"
    assert report_state("withdrawn", erased=False) == "void"
    assert code_of(lambda: ensure_reported(0)) == "NO_OPEN_REPORTS"
    ensure_reported(1)


def test_policy_rejects_clear_spam_and_approves_unflagged_only_when_enabled() -> None:
    default = Policy(auto_reject_spam=True, spam_reject_score=3, auto_approve_unflagged=False)
    spam = automatic_decision([Flag("LINKS", "3")], spam_score=3, policy=default)
    assert spam is not None and (spam.decision, spam.reason_code) == ("reject", "SPAM")
    assert automatic_decision([Flag("LINKS", "2")], spam_score=2, policy=default) is None
    assert automatic_decision([], spam_score=0, policy=default) is None
    off = Policy(auto_reject_spam=False, spam_reject_score=3, auto_approve_unflagged=False)
    assert automatic_decision([Flag("LINKS", "5")], spam_score=5, policy=off) is None
    approving = Policy(auto_reject_spam=True, spam_reject_score=3, auto_approve_unflagged=True)
    approval = automatic_decision([], spam_score=0, policy=approving)
    assert approval is not None and approval.decision == "approve"
    assert automatic_decision([Flag("SHOUTING", "90 %")], spam_score=0, policy=approving) is None


def test_every_netiquette_code_has_one_clause_with_texts_in_both_languages() -> None:
    assert sorted(c.code for c in CLAUSES) == sorted(NETIQUETTE_CODES)
    assert len(CLAUSES) == len(NETIQUETTE_CODES)
    for clause in CLAUSES:
        assert clause.title_de and clause.title_en and clause.text_de and clause.text_en
