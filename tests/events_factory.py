"""Events as their producers emit them, for tests of every tier: plain objects, no servers."""

from __future__ import annotations

import uuid

from radar_lib.events import CommentSubmitted, CommentSubmittedPayload, utcnow


def submitted(comment_id: uuid.UUID | None = None) -> CommentSubmitted:
    """A comment.submitted event as participation emits it, with fresh ids."""
    return CommentSubmitted.create(
        producer="participation",
        payload=CommentSubmittedPayload(
            comment_id=comment_id or uuid.uuid4(),
            measure_id=uuid.uuid4(),
            participant_id=uuid.uuid4(),
            body="Ein Kommentar",
            submitted_at=utcnow(),
        ),
    )
