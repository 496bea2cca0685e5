"""The gateway's security log: one JSON object per line on the logger `radar.security`.

It never holds a password, a session or CSRF token, or a client's address: an address
appears only as the keyed hash the rate limits use (`address`), an e-mail address typed
into the log-in only as a keyed hash (`account`), staff by their id (`staff_id`). Each line
has `event` (one of Event), `at` (UTC), and the fields of its event; see the call sites.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from enum import StrEnum

LOGGER = "radar.security"
_log = logging.getLogger(LOGGER)


class Event(StrEnum):
    LOGIN_SUCCEEDED = "login.succeeded"  # staff_id, address
    LOGIN_FAILED = "login.failed"  # address, account (or reason EMAIL_INVALID)
    LOGIN_THROTTLED = "login.throttled"  # address, account, retry_after: refused without a check
    LOGIN_SLOWED = "login.slowed"  # address, account, seconds: an attacked account's attempts wait
    LOGIN_BUSY = "login.busy"  # address: too many password checks wait in this process
    CSRF_FAILED = "csrf.failed"  # address, method, path, staff_id when a session came with it
    ROLE_REFUSED = "role.refused"  # staff_id, service, method, path: a service answered ROLE_REQUIRED
    SESSION_ENDED = "session.ended"  # staff_id, reason, sessions: logout, idle, disabled, password or role


Field = str | int | float | None


def record(event: Event, **fields: Field) -> None:
    """Write one event to the security log."""
    line = {"event": event.value, "at": datetime.now(UTC).isoformat(timespec="milliseconds"), **fields}
    _log.info(json.dumps(line, default=str))


def record_service_refusal(
    *, status: int, body: bytes, service: str, method: str, path: str, staff_id: Field
) -> None:
    """Log a service's 403 ROLE_REQUIRED to a staff member's call; other answers are not security events."""
    if status != 403:
        return
    try:
        error = json.loads(body).get("error")
    except (ValueError, AttributeError):
        return
    if error == "ROLE_REQUIRED":
        record(Event.ROLE_REFUSED, staff_id=staff_id, service=service, method=method, path=path)


class _ToStandardError(logging.Handler):
    """Writes each line to the sys.stderr of the moment (a test may have replaced it)."""

    def emit(self, entry: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(entry) + "\n")
        except Exception:
            self.handleError(entry)


def configure_security_log() -> None:
    """Let the events reach stderr (the process's log) even where nobody configured logging."""
    _log.setLevel(logging.INFO)
    if not _log.handlers:
        _log.addHandler(_ToStandardError())
