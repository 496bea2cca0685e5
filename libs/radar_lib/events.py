"""Event schemas: one envelope, one pydantic model per event type, one stream per type."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

STREAM_PREFIX = "radar."
DLQ_PREFIX = "radar.dlq."


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class Payload(BaseModel):
    """Base of every event payload; unknown fields are kept so that additions stay additive."""

    model_config = ConfigDict(extra="allow", frozen=True)


class Event(BaseModel):
    """The envelope every event travels in."""

    model_config = ConfigDict(frozen=True)

    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str
    version: int
    occurred_at: datetime = Field(default_factory=utcnow)
    producer: str
    payload: Any

    @classmethod
    def stream(cls) -> str:
        """The Redis stream this event type travels on."""
        return stream_for(cls.TYPE)

    @classmethod
    def create(cls, *, producer: str, payload: Any) -> Event:
        """A new event of this type with a fresh id and the current time."""
        return cls(type=cls.TYPE, version=cls.VERSION, producer=producer, payload=payload)


def stream_for(event_type: str) -> str:
    """`comment.submitted` travels on `radar.comment.submitted`."""
    return f"{STREAM_PREFIX}{event_type}"


def dlq_stream_for(stream: str) -> str:
    """The dead-letter stream of a stream."""
    return f"{DLQ_PREFIX}{stream.removeprefix(STREAM_PREFIX)}"


# --- measures ------------------------------------------------------------------------

MeasureStatus = Literal["geplant", "in_umsetzung", "abgeschlossen", "eingestellt", "unbekannt"]


class MeasureSnapshot(Payload):
    measure_id: uuid.UUID
    version: int
    slug: str
    title: str
    field_slug: str
    status: MeasureStatus
    archived: bool = False


class MeasureChange(BaseModel):
    field: str
    old: Any
    new: Any


class MeasureUpdatedPayload(MeasureSnapshot):
    changes: list[MeasureChange]
    change_note: str
    changed_by: str | None = None


class MeasurePublished(Event):
    TYPE = "measure.published"
    type: Literal["measure.published"] = "measure.published"
    payload: MeasureSnapshot


class MeasureUpdated(Event):
    TYPE = "measure.updated"
    type: Literal["measure.updated"] = "measure.updated"
    payload: MeasureUpdatedPayload


class MeasureArchived(Event):
    TYPE = "measure.archived"
    type: Literal["measure.archived"] = "measure.archived"
    payload: MeasureSnapshot


FIRST_YEAR, LAST_YEAR = 1990, 2100  # the years a measure may run in and a report may be for


class MeasureReportedPayload(Payload):
    """A published version of a measure's yearly report (the Digitalisierungsbericht's entry)."""

    measure_id: uuid.UUID
    slug: str
    title: str
    field_slug: str
    year: int
    version: int  # the report's version within its year, 1 for the first publication
    progress: int | None = None
    achievements_excerpt: str  # the achievements, cut at a word to at most 500 characters
    change_note: str
    published_at: datetime


class MeasureReported(Event):
    TYPE = "measure.reported"
    type: Literal["measure.reported"] = "measure.reported"
    payload: MeasureReportedPayload


# --- the strategy's structure ----------------------------------------------------------


class StructureChange(Payload):
    """A field of action or a core area of one edition, after a change or as it was added."""

    edition: str
    slug: str
    name: str
    version: int
    changes: list[str]  # what changed: "added", "edition", "introduction", "quote", "media", ...
    updated_at: datetime


class FieldUpdatedPayload(StructureChange):
    core_area_slug: str | None = None


class FieldUpdated(Event):
    TYPE = "field.updated"
    type: Literal["field.updated"] = "field.updated"
    payload: FieldUpdatedPayload


class CoreAreaUpdated(Event):
    TYPE = "core_area.updated"
    type: Literal["core_area.updated"] = "core_area.updated"
    payload: StructureChange


# --- comments ------------------------------------------------------------------------


class CommentSubmittedPayload(Payload):
    comment_id: uuid.UUID
    measure_id: uuid.UUID
    participant_id: uuid.UUID
    body: str
    parent_id: uuid.UUID | None = None
    submitted_at: datetime
    display_name: str | None = None


# The clauses of the published netiquette, by code: a rejection's reason_code and a report's
# reason are one of them. Moderation owns their texts (GET /netiquette).
NETIQUETTE_CODES = (
    "INSULT", "DISCRIMINATION", "PERSONAL_DATA", "SPAM", "OFF_TOPIC", "ILLEGAL", "RESPECT", "SHOUTING",
)  # fmt: skip


class CommentDecisionPayload(Payload):
    comment_id: uuid.UUID
    measure_id: uuid.UUID
    decided_at: datetime
    moderator_id: uuid.UUID | None = None
    reason_code: str | None = None
    note: str | None = None
    automatic: bool = False  # taken by moderation's policy, not by a moderator


class CommentPublishedPayload(Payload):
    comment_id: uuid.UUID
    measure_id: uuid.UUID
    body: str
    published_at: datetime
    parent_id: uuid.UUID | None = None
    display_name: str | None = None


class CommentWithdrawnPayload(Payload):
    comment_id: uuid.UUID
    measure_id: uuid.UUID
    withdrawn_at: datetime


class CommentReportedPayload(Payload):
    report_id: uuid.UUID
    comment_id: uuid.UUID
    measure_id: uuid.UUID
    reporter_id: uuid.UUID
    reason: str
    body: str
    reported_at: datetime


class CommentSubmitted(Event):
    TYPE = "comment.submitted"
    type: Literal["comment.submitted"] = "comment.submitted"
    payload: CommentSubmittedPayload


class CommentApproved(Event):
    TYPE = "comment.approved"
    type: Literal["comment.approved"] = "comment.approved"
    payload: CommentDecisionPayload


class CommentRejected(Event):
    TYPE = "comment.rejected"
    type: Literal["comment.rejected"] = "comment.rejected"
    payload: CommentDecisionPayload


class CommentHidden(Event):
    TYPE = "comment.hidden"
    type: Literal["comment.hidden"] = "comment.hidden"
    payload: CommentDecisionPayload


class CommentPublished(Event):
    TYPE = "comment.published"
    type: Literal["comment.published"] = "comment.published"
    payload: CommentPublishedPayload


class CommentReported(Event):
    TYPE = "comment.reported"
    type: Literal["comment.reported"] = "comment.reported"
    payload: CommentReportedPayload


class CommentWithdrawn(Event):
    """Its author took the comment back: it leaves the thread, and a decision on it changes nothing."""

    TYPE = "comment.withdrawn"
    type: Literal["comment.withdrawn"] = "comment.withdrawn"
    payload: CommentWithdrawnPayload


ParticipationCause = Literal["comment_published", "comment_hidden", "comment_withdrawn", "rating", "erasure"]


class ParticipationChangedPayload(Payload):
    measure_id: uuid.UUID | None  # None: any measure may have changed (an erasure)
    cause: ParticipationCause
    changed_at: datetime


class ParticipationChanged(Event):
    """What the public sees of a measure's participation changed: its thread, its counts or its rating.

    Carries no text and no participant, only which measure and why; the gateway's rendered pages follow it.
    """

    TYPE = "participation.changed"
    type: Literal["participation.changed"] = "participation.changed"
    payload: ParticipationChangedPayload


# --- participants --------------------------------------------------------------------


class ErasureRequestedPayload(Payload):
    participant_id: uuid.UUID
    requested_at: datetime


class ParticipantErasureRequested(Event):
    TYPE = "participant.erasure_requested"
    type: Literal["participant.erasure_requested"] = "participant.erasure_requested"
    payload: ErasureRequestedPayload


EVENT_TYPES: dict[str, type[Event]] = {
    cls.TYPE: cls
    for cls in (
        MeasurePublished,
        MeasureUpdated,
        MeasureArchived,
        MeasureReported,
        FieldUpdated,
        CoreAreaUpdated,
        CommentSubmitted,
        CommentApproved,
        CommentRejected,
        CommentHidden,
        CommentPublished,
        CommentReported,
        CommentWithdrawn,
        ParticipationChanged,
        ParticipantErasureRequested,
    )
}
