"""Comments: the thread, one participant's comments, and the writes of their lifecycle."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias

import asyncpg

from radar_participation.domain import PLACEHOLDERS, PUBLIC, SHOWN_TO_AUTHOR, CommentView

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool
VIEW = "comment_id, measure_id, parent_id, participant_id, status, body, display_name"
THREAD_COLUMNS = (
    "comment_id, parent_id, participant_id, status, body, display_name, reason_code, moderator_note,"
    " submitted_at, published_at"
)
# what a viewer ($2) sees of a measure's comments: the public ones and their own pending or rejected
SEEN = f"(status = '{PUBLIC}' OR (participant_id = $2 AND status = ANY($3::text[])))"


def _view(row: asyncpg.Record | None) -> CommentView | None:
    return CommentView(**dict(row)) if row else None


async def find_comment(conn: Conn, comment_id: uuid.UUID) -> CommentView | None:
    """One comment, whatever its status."""
    return _view(await conn.fetchrow(f"SELECT {VIEW} FROM comments WHERE comment_id = $1", comment_id))


async def lock_comment(conn: asyncpg.Connection, comment_id: uuid.UUID) -> CommentView | None:
    """One comment, locked until the transaction ends: its status and text stay as read."""
    return _view(
        await conn.fetchrow(f"SELECT {VIEW} FROM comments WHERE comment_id = $1 FOR UPDATE", comment_id)
    )


async def comment_by_key(
    conn: asyncpg.Connection, *, participant_id: uuid.UUID, idempotency_key: str
) -> CommentView | None:
    """The comment a participant sent with this form key, if any."""
    return _view(
        await conn.fetchrow(
            f"SELECT {VIEW} FROM comments WHERE participant_id = $1 AND idempotency_key = $2",
            participant_id,
            idempotency_key,
        )
    )


async def insert_comment(
    conn: asyncpg.Connection, comment: CommentView, *, idempotency_key: str | None, submitted_at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO comments (comment_id, measure_id, parent_id, participant_id, body, display_name,"
        " idempotency_key, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        comment.comment_id,
        comment.measure_id,
        comment.parent_id,
        comment.participant_id,
        comment.body,
        comment.display_name,
        idempotency_key,
        submitted_at,
    )


async def set_comment_status(
    conn: asyncpg.Connection,
    *,
    comment_id: uuid.UUID,
    status: str,
    decided_at: datetime,
    reason_code: str | None,
    note: str | None,
) -> None:
    await conn.execute(
        "UPDATE comments SET status = $2, decided_at = $3, reason_code = $4, moderator_note = $5,"
        " published_at = CASE WHEN $2 = 'published' THEN $3 ELSE published_at END"
        " WHERE comment_id = $1",
        comment_id,
        status,
        decided_at,
        reason_code,
        note,
    )


async def withdraw_comment(conn: asyncpg.Connection, *, comment_id: uuid.UUID, at: datetime) -> None:
    await conn.execute(
        "UPDATE comments SET status = 'withdrawn', withdrawn_at = $2 WHERE comment_id = $1", comment_id, at
    )


# a measure's ($1) top-level comments in a viewer's thread: what the viewer sees (SEEN), and a
# hidden, withdrawn or erased comment ($4), without its text, while published replies hang from it
TOP_LEVEL = (
    f"measure_id = $1 AND parent_id IS NULL AND ({SEEN} OR (status = ANY($4::text[]) AND EXISTS"
    f" (SELECT 1 FROM comments r WHERE r.parent_id = c.comment_id AND r.status = '{PUBLIC}')))"
)
THREAD_ORDER = "coalesce(published_at, submitted_at), comment_id"  # oldest first, as a conversation reads


def _top_level_args(measure_id: uuid.UUID, viewer: uuid.UUID | None) -> tuple[object, ...]:
    return (measure_id, viewer, list(SHOWN_TO_AUTHOR), list(PLACEHOLDERS))


async def thread_page(
    conn: Conn, *, measure_id: uuid.UUID, viewer: uuid.UUID | None, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    """One page of a measure's top-level comments as this viewer sees them, and how many there are."""
    args = _top_level_args(measure_id, viewer)
    rows = await conn.fetch(
        f"SELECT {THREAD_COLUMNS}, count(*) OVER () AS total FROM comments c WHERE {TOP_LEVEL}"
        f" ORDER BY {THREAD_ORDER} LIMIT $5 OFFSET $6",
        *args,
        limit,
        offset,
    )
    if rows:
        return list(rows), int(rows[0]["total"])
    total = await conn.fetchval(f"SELECT count(*) FROM comments c WHERE {TOP_LEVEL}", *args) if offset else 0
    return [], int(total)


@dataclass(frozen=True)
class Place:
    """Where a comment stands in its measure's thread: under which top-level comment (itself, for
    one), and that one's place among the top-level comments, counted from 1."""

    slug: str
    top_level_id: uuid.UUID
    position: int


async def place_in_thread(conn: Conn, *, comment_id: uuid.UUID, viewer: uuid.UUID | None) -> Place | None:
    """Where this viewer finds a comment in the thread (thread_page's order); None when it is not there
    for them: not theirs and not published, or under a top-level comment the thread leaves out."""
    head = await conn.fetchrow(
        "SELECT c.measure_id, m.slug, h.comment_id, coalesce(h.published_at, h.submitted_at) AS at"
        " FROM comments c JOIN comments h ON h.comment_id = coalesce(c.parent_id, c.comment_id)"
        " JOIN measures m ON m.measure_id = c.measure_id WHERE c.comment_id = $1 AND (c.parent_id IS NULL"
        f" OR c.status = '{PUBLIC}' OR (c.participant_id = $2 AND c.status = ANY($3::text[])))",
        comment_id,
        viewer,
        list(SHOWN_TO_AUTHOR),
    )
    if head is None:
        return None
    counted = await conn.fetchrow(
        f"SELECT count(*) FILTER (WHERE ({THREAD_ORDER}) < ($5::timestamptz, $6::uuid)) AS before,"
        f" count(*) FILTER (WHERE comment_id = $6) AS shown FROM comments c WHERE {TOP_LEVEL}",
        *_top_level_args(head["measure_id"], viewer),
        head["at"],
        head["comment_id"],
    )
    if not counted["shown"]:
        return None
    return Place(slug=head["slug"], top_level_id=head["comment_id"], position=int(counted["before"]) + 1)


async def replies_to(
    conn: Conn, *, parent_ids: list[uuid.UUID], viewer: uuid.UUID | None
) -> list[asyncpg.Record]:
    """The replies to these comments that this viewer sees, oldest first."""
    if not parent_ids:
        return []
    return list(
        await conn.fetch(
            f"SELECT {THREAD_COLUMNS} FROM comments WHERE parent_id = ANY($1::uuid[]) AND {SEEN}"
            f" ORDER BY {THREAD_ORDER}",
            parent_ids,
            viewer,
            list(SHOWN_TO_AUTHOR),
        )
    )


async def comments_of(
    conn: Conn, *, participant_id: uuid.UUID, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    """One page of everything a participant wrote, newest first, with its measure and its fate."""
    rows = await conn.fetch(
        "SELECT c.comment_id, c.measure_id, m.slug, m.title, c.parent_id, c.body, c.display_name, c.status,"
        " c.reason_code, c.moderator_note, c.submitted_at, c.decided_at, c.published_at, c.withdrawn_at,"
        " count(*) OVER () AS total FROM comments c JOIN measures m USING (measure_id)"
        " WHERE c.participant_id = $1 ORDER BY c.submitted_at DESC, c.comment_id LIMIT $2 OFFSET $3",
        participant_id,
        limit,
        offset,
    )
    if rows:
        return list(rows), int(rows[0]["total"])
    total = (
        await conn.fetchval("SELECT count(*) FROM comments WHERE participant_id = $1", participant_id)
        if offset
        else 0
    )
    return [], int(total)
