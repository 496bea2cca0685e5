"""The pseudonymous participant identity: a random id in a signed cookie; no account, no IP stored."""

from __future__ import annotations

import hashlib
import hmac
import uuid

PARTICIPANT_COOKIE = "radar_pid"


def sign_participant(participant_id: uuid.UUID, *, key: bytes) -> str:
    """The cookie value for this participant, signed with the participant-cookie key."""
    mac = hmac.new(key, participant_id.bytes, hashlib.sha256).hexdigest()[:32]
    return f"{participant_id}.{mac}"


def read_participant(cookie: str | None, *, key: bytes) -> uuid.UUID | None:
    """The participant id in a cookie, if the cookie is genuine."""
    if not cookie or cookie.count(".") != 1 or len(cookie) > 80:
        return None
    raw_id, mac = cookie.split(".")
    try:
        participant_id = uuid.UUID(raw_id)
    except ValueError:
        return None
    expected = sign_participant(participant_id, key=key).split(".")[1]
    return participant_id if hmac.compare_digest(expected, mac) else None
