"""Dead letters: entries that kept failing, kept with their error, listed and replayed by operators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from redis.asyncio import Redis

from radar_lib.events import DLQ_PREFIX, dlq_stream_for

DATA_KEY = b"__data__"  # the field FastStream keeps a message in


def error_key(group: str, stream: str, entry_id: bytes) -> str:
    """Where the last error of a failing entry is kept until it succeeds or is dead-lettered."""
    return f"radar:last-error:{group}:{stream}:{entry_id.decode()}"


def dead_letter_counter(group: str) -> str:
    return f"radar:dead-letters:{group}"


@dataclass(frozen=True)
class DeadLetter:
    dlq_stream: str
    dlq_id: str
    stream: str
    entry_id: str
    group: str
    error: str
    deliveries: int
    dead_at: str


async def dead_letter(
    redis: Redis,
    *,
    stream: str,
    group: str,
    entry_id: bytes,
    fields: dict[bytes, bytes],
    error: bytes | str | None,
    deliveries: int,
) -> None:
    """Move one entry to the dead-letter stream of its stream and acknowledge it."""
    text = error.decode() if isinstance(error, bytes) else (error or "unknown error")
    async with redis.pipeline(transaction=True) as pipe:
        pipe.xadd(
            dlq_stream_for(stream),
            {
                DATA_KEY: fields.get(DATA_KEY, b""),
                b"stream": stream,
                b"entry_id": entry_id,
                b"group": group,
                b"error": text[:4000],
                b"deliveries": str(deliveries),
                b"dead_at": datetime.now(UTC).isoformat(),
            },
        )
        pipe.xack(stream, group, entry_id)
        pipe.incr(dead_letter_counter(group))
        pipe.delete(error_key(group, stream, entry_id))
        await pipe.execute()


async def _dlq_streams(redis: Redis) -> list[str]:
    names = [key.decode() async for key in redis.scan_iter(match=f"{DLQ_PREFIX}*", _type="stream")]
    return sorted(names)


Entries = list[tuple[bytes, dict[bytes, bytes]]]


async def _entries(redis: Redis, stream: str, *, count: int | None = None) -> Entries:
    # redis-py types XRANGE loosely; with bytes responses this is its shape
    return cast(Entries, await redis.xrange(stream, count=count))


def _decode(fields: dict[bytes, bytes], key: str) -> str:
    return fields.get(key.encode(), b"").decode(errors="replace")


async def list_dead_letters(redis: Redis, *, count: int = 100) -> list[DeadLetter]:
    """The oldest `count` dead letters of each dead-letter stream (dead_letter_counts has the totals)."""
    letters: list[DeadLetter] = []
    for dlq in await _dlq_streams(redis):
        for dlq_id, fields in await _entries(redis, dlq, count=count):
            letters.append(
                DeadLetter(
                    dlq_stream=dlq,
                    dlq_id=dlq_id.decode(),
                    stream=_decode(fields, "stream"),
                    entry_id=_decode(fields, "entry_id"),
                    group=_decode(fields, "group"),
                    error=_decode(fields, "error"),
                    deliveries=int(_decode(fields, "deliveries") or 0),
                    dead_at=_decode(fields, "dead_at"),
                )
            )
    return letters


async def replay(redis: Redis, *, dlq_id: str | None = None) -> int:
    """Put dead letters back on their stream (one by id, or all) and remove them; return how many.

    Every group on the stream sees the entry again; groups that already applied it skip it
    by its event id.
    """
    replayed = 0
    for dlq in await _dlq_streams(redis):
        for entry_id, fields in await _entries(redis, dlq):
            if dlq_id is not None and entry_id.decode() != dlq_id:
                continue
            async with redis.pipeline(transaction=True) as pipe:
                pipe.xadd(fields[b"stream"].decode(), {DATA_KEY: fields[DATA_KEY]})
                pipe.xdel(dlq, entry_id)
                await pipe.execute()
            replayed += 1
    return replayed
