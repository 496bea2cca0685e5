"""Failures are sorted once, here: transient, not yet, and real.

- transient: PostgreSQL or Redis cannot be reached or is shutting down, a timeout. Retried
  with back-off for as long as it takes; never counts toward dead-lettering.
- not yet: the state an event needs has not arrived (a decision for a comment that is still
  in another state). Retried later without counting.
- real: anything else, an error of the event or of the handler. Counts toward the
  dead-letter limit.
"""

from __future__ import annotations

import asyncio

import asyncpg
from redis import exceptions as redis_errors

_TRANSIENT_POSTGRES = (
    asyncpg.PostgresConnectionError,  # 08: connection lost or refused
    asyncpg.exceptions.OperatorInterventionError,  # 57: admin or crash shutdown, "cannot connect now"
    asyncpg.exceptions.InsufficientResourcesError,  # 53: too many connections, out of memory or disk
    asyncpg.exceptions.TransactionRollbackError,  # 40: serialization failure, deadlock
    asyncpg.exceptions.ObjectNotInPrerequisiteStateError,  # 55000: database not accepting connections
)
_TRANSIENT_REDIS = (
    redis_errors.ConnectionError,  # includes BusyLoadingError: Redis is loading its data
    redis_errors.TimeoutError,
    redis_errors.TryAgainError,
    redis_errors.ClusterDownError,
)


class NotYet(Exception):
    """Raised by a handler whose precondition has not arrived; the event is retried later."""


def is_transient(exc: BaseException) -> bool:
    """True when the failure is a server that is away or slow, not a fault of the work itself."""
    if isinstance(exc, _TRANSIENT_POSTGRES + _TRANSIENT_REDIS):
        return True
    if isinstance(exc, asyncpg.InterfaceError):
        return "closed" in str(exc) or "released" in str(exc)  # the connection went away under us
    if isinstance(exc, asyncpg.exceptions.InternalClientError):
        return "another operation" in str(exc)  # the server's goodbye arrived mid-protocol
    if isinstance(exc, redis_errors.ResponseError):
        text = str(exc)
        return text.startswith(("LOADING", "MASTERDOWN", "READONLY", "NOREPLICAS", "BUSY "))
    return isinstance(exc, OSError | TimeoutError | asyncio.TimeoutError | ConnectionError)


class Backoff:
    """Delays that double from `first` up to `cap`; `reset()` starts again from `first`."""

    def __init__(self, *, first: float = 0.1, cap: float = 10.0) -> None:
        self.first = first
        self.cap = cap
        self._next = first

    def next(self) -> float:
        delay = self._next
        self._next = min(self._next * 2, self.cap)
        return delay

    def reset(self) -> None:
        self._next = self.first

    async def sleep(self) -> None:
        await asyncio.sleep(self.next())
